/**
 * The cluster deployment we ship (docker-compose.yml) is checked without a Docker engine: it must
 * validate against the Compose Specification's JSON schema (test/fixtures/compose-spec.json, from
 * github.com/compose-spec/compose-spec, Apache-2.0), name only images a user can pull, and give
 * the application settings its own configuration accepts. Where the Docker CLI with the compose
 * plugin exists, `docker compose config` must accept it too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { loadConfig } from '@ggzy/api';

const ROOT = path.resolve(__dirname, '../..');
const text = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
type Service = {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  deploy?: { replicas?: number };
  volumes?: string[];
  command?: string[] | string;
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
};
const compose = parse(text, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;

/** `${NAME:-default}` as Compose resolves it with NAME unset. */
const interpolate = (v: string) => v.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

test('validates against the Compose Specification schema (and `docker compose config` where available)', () => {
  const schema = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/compose-spec.json'), 'utf8')) as object;
  // The schema names its meta-schema by an https id that Ajv does not register; it is plain draft-07.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  const validate = ajv.compile(schema);
  const ok = validate(compose);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  // and the check has teeth: a mistyped file is refused
  const broken = parse(text, { merge: true }) as { services: Record<string, Record<string, unknown>> };
  broken.services.api.deploy = { replicas: { count: 2 } };
  broken.services.web.ports = [{ target: 'eighty' }];
  broken.services.web.restrat = 'always';
  expect(validate(broken)).toBe(false);
  expect(validate.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/services/api/deploy/replicas', '/services/web']));

  const docker = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  if (docker.status === 0) execFileSync('docker', ['compose', '-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'], { stdio: 'pipe' });
});

test('names only images a user can pull, each pinned to a version; our own services build from this repository', () => {
  const upstream = Object.entries(services).filter(([, s]) => !s.build);
  for (const [name, s] of upstream) {
    const image = interpolate(s.image ?? '');
    expect({ name, image }).toEqual({ name, image: expect.stringMatching(/^([a-z0-9.-]+\/)?[a-z0-9._/-]+:[0-9][\w.-]*$/) });
    expect(image).not.toMatch(/:latest$/);
  }
  expect(upstream.map(([, s]) => interpolate(s.image!).split(':')[0]).sort()).toEqual(
    [
      'camunda/camunda',
      'camunda/camunda',
      'camunda/camunda',
      'docker.elastic.co/elasticsearch/elasticsearch',
      'mongo',
      'mongo',
      'mongo',
      'mongo',
      'nginx',
    ].sort(),
  );
  expect(interpolate(services['zeebe-0'].image!)).toMatch(/^camunda\/camunda:8\.8\.\d+$/);
  expect(Object.keys(services).filter((n) => services[n].build)).toEqual(['api', 'engine-workers']);
  expect(existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
});

test('Zeebe runs as three brokers with three partitions replicated three times', () => {
  const brokers = ['zeebe-0', 'zeebe-1', 'zeebe-2'].map((n) => services[n].environment!);
  expect(brokers.map((e) => e.CAMUNDA_CLUSTER_NODEID)).toEqual(['0', '1', '2']);
  for (const e of brokers) {
    expect(e).toMatchObject({ CAMUNDA_CLUSTER_SIZE: '3', CAMUNDA_CLUSTER_PARTITIONCOUNT: '3', CAMUNDA_CLUSTER_REPLICATIONFACTOR: '3' });
    expect(e.ZEEBE_BROKER_CLUSTER_INITIALCONTACTPOINTS.split(',')).toEqual(['zeebe-0:26502', 'zeebe-1:26502', 'zeebe-2:26502']);
  }
  expect(new Set(['zeebe-0', 'zeebe-1', 'zeebe-2'].map((n) => services[n].volumes![0].split(':')[0])).size).toBe(3);
});

test('MongoDB is a three-member replica set, initiated once before the application starts', () => {
  for (const n of ['mongo1', 'mongo2', 'mongo3']) expect(services[n].command).toEqual(['mongod', '--replSet', 'rs0', '--bind_ip_all']);
  const init = (services['mongo-init'].command as string[]).join(' ');
  for (const n of ['mongo1', 'mongo2', 'mongo3']) expect(init).toContain(`host: '${n}:27017'`);
  expect(init).toContain("_id: 'rs0'");
  expect(services.api.depends_on?.['mongo-init']).toEqual({ condition: 'service_completed_successfully' });
});

test('the API and the job workers run as two replicas each, with settings the application accepts', () => {
  expect(services.api.deploy?.replicas).toBe(2);
  expect(services['engine-workers'].deploy?.replicas).toBe(2);
  const env = (s: Service) => Object.fromEntries(Object.entries(s.environment!).map(([k, v]) => [k, interpolate(String(v))]));
  const api = loadConfig(env(services.api));
  const workers = loadConfig(env(services['engine-workers']));
  expect(api).toMatchObject({ ENGINE_MODE: 'cluster', PROCESS_ROLE: 'api', INBOX_STORE: 'database', HOST: '0.0.0.0' });
  expect(workers).toMatchObject({ ENGINE_MODE: 'cluster', PROCESS_ROLE: 'workers' });
  expect(api.MONGODB_URI).toBe('mongodb://mongo1:27017,mongo2:27017,mongo3:27017/ggzy?replicaSet=rs0');
  // The audit checkpoints on a volume all replicas share, signed with a key the operator must give.
  for (const s of [services.api, services['engine-workers']]) {
    expect(s.environment!.DATA_DIR).toBe('/var/lib/ggzy');
    expect(s.volumes).toContain('app-data:/var/lib/ggzy');
    expect(s.environment!.AUDIT_KEY).toMatch(/^\$\{AUDIT_KEY:\?.+\}$/);
  }
  // The gateway address is an alias every broker answers to, so no single broker is required.
  const brokers = ['zeebe-0', 'zeebe-1', 'zeebe-2'];
  const aliases = (n: string) => (services[n] as { networks?: { default?: { aliases?: string[] } } }).networks?.default?.aliases ?? [];
  for (const s of [services.api, services['engine-workers']]) {
    const grpc = new URL(s.environment!.ZEEBE_GRPC_ADDRESS);
    const rest = new URL(s.environment!.ZEEBE_REST_ADDRESS);
    expect([grpc.port, rest.port]).toEqual(['26500', '8080']);
    for (const host of [grpc.hostname, rest.hostname]) for (const b of brokers) expect(aliases(b)).toContain(host);
    for (const b of brokers) expect(s.depends_on?.[b]).toEqual({ condition: 'service_healthy' });
  }
  // The mode is one setting: everything else defaults.
  expect(() => loadConfig({ MONGODB_URI: 'mongodb://x', PROCESS_ROLE: 'workers' })).toThrow(/ENGINE_MODE=cluster/);
});

test('every long-running service has a health check and its data on a named volume; nginx spreads requests over the API', () => {
  for (const [name, s] of Object.entries(services)) {
    if (s.restart === 'no') continue;
    expect({ name, healthcheck: !!s.healthcheck?.test }).toEqual({ name, healthcheck: true });
  }
  const used = Object.values(services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(':')[0]).filter((v) => !v.startsWith('.')));
  expect([...new Set(used)].sort()).toEqual(Object.keys(compose.volumes).sort());
  const nginx = readFileSync(path.join(ROOT, 'deploy/nginx.conf'), 'utf8');
  expect(services.web.volumes).toContain('./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro');
  expect(nginx).toMatch(/server api:3000 resolve/);
  expect(nginx).toMatch(/resolver 127\.0\.0\.11/);
  expect(nginx).toMatch(/location \/api\/events[\s\S]*proxy_buffering off/);
});
