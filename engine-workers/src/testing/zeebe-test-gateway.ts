/**
 * Test doubles of a Zeebe 8.8 cluster's two client-facing APIs, for the cluster adapter's contract
 * tests. They prove the wire calls the adapter makes, not Zeebe's behaviour.
 *
 * - `TestGrpcGateway` serves the gateway protocol from the `.proto` that `@camunda8/sdk` ships
 *   (Zeebe's published gateway.proto) with @grpc/grpc-js: it records every request and answers the
 *   calls the adapter uses; jobs queued with `offerJob` are handed out by `ActivateJobs`.
 * - `TestRestApi` answers the Orchestration Cluster REST API paths the adapter uses with the
 *   published response shapes, records every request, and hands out queued listener jobs.
 */
import http from 'node:http';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Connection } from 'mongoose';
import { ZeebeEngine, type ZeebeEngineOptions } from '../cluster/zeebe-engine';
import { quietLogger } from './test-db';

export interface RecordedCall {
  method: string;
  request: Record<string, unknown>;
}

type Unary = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, cb: grpc.sendUnaryData<unknown>) => void;

/** An error the gateway answers a call with, once. */
export interface InjectedError {
  code: grpc.status;
  details: string;
}

type QueuedJob = Record<string, unknown>;

/**
 * Jobs offered by a test, handed out by long polling as both APIs do: an activation takes what is
 * queued for its type, or waits until a job is offered or its request timeout (capped at 2 s) passes.
 */
class JobQueue {
  private readonly jobs = new Map<string, QueuedJob[]>();
  private readonly waiting = new Set<() => void>();

  offer(type: string, job: QueuedJob): void {
    this.jobs.set(type, [...(this.jobs.get(type) ?? []), job]);
    this.wakeAll();
  }

  wakeAll(): void {
    for (const wake of this.waiting) wake();
  }

  /**
   * Call `answer` once: with the jobs as soon as there are any, or with none at the timeout.
   * Returns a function that gives up (the client went away).
   */
  activate(type: string, max: number, requestTimeout: unknown, answer: (jobs: QueuedJob[]) => void): () => void {
    const take = (): boolean => {
      const queue = this.jobs.get(type) ?? [];
      if (!queue.length) return false;
      answer(queue.splice(0, max));
      return true;
    };
    if (take()) return () => undefined;
    const wake = () => {
      if (take()) done();
    };
    const done = () => {
      clearTimeout(timer);
      this.waiting.delete(wake);
    };
    const timer = setTimeout(
      () => {
        done();
        answer([]);
      },
      Math.min(Number(requestTimeout) || 1000, 2000),
    );
    this.waiting.add(wake);
    return done;
  }
}

export class TestGrpcGateway {
  readonly calls: RecordedCall[] = [];
  private server = new grpc.Server();
  private readonly queue = new JobQueue();
  private failNext = new Map<string, InjectedError[]>();
  private nextKey = 2251799813685249n;
  port = 0;

  static protoPath(): string {
    return path.join(path.dirname(require.resolve('@camunda8/sdk/package.json')), 'dist/proto/zeebe.proto');
  }

  /** Answer the next call of `method` with this error instead. */
  failOnce(method: string, err: InjectedError): void {
    this.failNext.set(method, [...(this.failNext.get(method) ?? []), err]);
  }

  key(): string {
    return String(this.nextKey++);
  }

  /** Queue a job for the next ActivateJobs of its type. Fields follow gateway.proto's ActivatedJob. */
  offerJob(job: { type: string; variables?: Record<string, unknown>; customHeaders?: Record<string, string> } & Record<string, unknown>): string {
    const key = this.key();
    const full = {
      key,
      processInstanceKey: this.key(),
      bpmnProcessId: 'proc',
      processDefinitionVersion: 1,
      processDefinitionKey: this.key(),
      elementId: 'task',
      elementInstanceKey: this.key(),
      worker: '',
      retries: 3,
      deadline: String(Date.now() + 60_000),
      tenantId: '<default>',
      ...job,
      variables: JSON.stringify(job.variables ?? {}),
      customHeaders: JSON.stringify(job.customHeaders ?? {}),
    };
    this.queue.offer(job.type, full);
    return key;
  }

  callsOf(method: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.request);
  }

  private injected(method: string): InjectedError | undefined {
    const list = this.failNext.get(method);
    return list?.shift();
  }

  async start(answers: Partial<Record<string, (req: Record<string, unknown>) => unknown>> = {}): Promise<void> {
    const def = protoLoader.loadSync(TestGrpcGateway.protoPath(), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    const proto = grpc.loadPackageDefinition(def) as unknown as { gateway_protocol: { Gateway: { service: grpc.ServiceDefinition } } };
    const unary =
      (method: string, answer: (req: Record<string, unknown>) => unknown): Unary =>
      (call, cb) => {
        this.calls.push({ method, request: call.request });
        const err = this.injected(method);
        if (err) return cb({ code: err.code, details: err.details } as grpc.ServiceError, null);
        try {
          cb(null, (answers[method] ?? answer)(call.request));
        } catch (e) {
          cb(e as grpc.ServiceError, null);
        }
      };
    const impl: grpc.UntypedServiceImplementation = {
      Topology: unary('Topology', () => ({ brokers: [], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0' })),
      DeployResource: unary('DeployResource', (req) => {
        const resources = req.resources as Array<{ name: string; content: Buffer }>;
        return {
          key: this.key(),
          deployments: resources.map((r) =>
            r.name.endsWith('.form')
              ? { form: { formId: r.name.replace(/\.form$/, ''), version: 1, formKey: this.key(), resourceName: r.name, tenantId: '<default>' } }
              : {
                  process: {
                    bpmnProcessId: /<bpmn:process id="([^"]+)"/.exec(r.content.toString())?.[1] ?? 'unknown',
                    version: 1,
                    processDefinitionKey: this.key(),
                    resourceName: r.name,
                    tenantId: '<default>',
                  },
                },
          ),
          tenantId: '<default>',
        };
      }),
      CreateProcessInstance: unary('CreateProcessInstance', (req) => ({
        processDefinitionKey: this.key(),
        bpmnProcessId: req.bpmnProcessId,
        version: Number(req.version) > 0 ? req.version : 1,
        processInstanceKey: this.key(),
        tenantId: '<default>',
      })),
      PublishMessage: unary('PublishMessage', () => ({ key: this.key(), tenantId: '<default>' })),
      CancelProcessInstance: unary('CancelProcessInstance', () => ({})),
      SetVariables: unary('SetVariables', () => ({ key: this.key() })),
      UpdateJobRetries: unary('UpdateJobRetries', () => ({})),
      ResolveIncident: unary('ResolveIncident', () => ({})),
      CompleteJob: unary('CompleteJob', () => ({})),
      FailJob: unary('FailJob', () => ({})),
      ThrowError: unary('ThrowError', () => ({})),
      ActivateJobs: (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
        this.calls.push({ method: 'ActivateJobs', request: call.request });
        const err = this.injected('ActivateJobs');
        if (err) {
          call.emit('error', { code: err.code, details: err.details, metadata: new grpc.Metadata() });
          return;
        }
        const giveUp = this.queue.activate(String(call.request.type), Number(call.request.maxJobsToActivate) || 32, call.request.requestTimeout, (jobs) => {
          if (jobs.length) call.write({ jobs: jobs.map((j) => ({ ...j, worker: call.request.worker })) });
          call.end();
        });
        call.on('cancelled', giveUp);
      },
    };
    this.server.addService(proto.gateway_protocol.Gateway.service, impl);
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) => (e ? reject(e) : resolve(port))),
    );
  }

  async stop(): Promise<void> {
    this.queue.wakeAll();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    this.server.forceShutdown();
  }
}

export interface RestCall {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
}

export class TestRestApi {
  readonly calls: RestCall[] = [];
  private server?: http.Server;
  private readonly queue = new JobQueue();
  private failNext: Array<{ match: RegExp; status: number }> = [];
  /** Jobs handed out by activation, by key, to offer again when failed. */
  private readonly handedOut = new Map<string, Record<string, unknown>>();
  /** What POST /v2/variables/search finds (the cluster's secondary storage, as far as it has come). */
  variables: Array<{ name: string; value: string; processInstanceKey: string }> = [];
  /** What GET /v2/process-instances/{key} answers. */
  processInstances = new Map<string, Record<string, unknown>>();
  /** Answers for POST /v2/incidents/search. */
  incidents: Array<{ incidentKey: string; jobKey: string; state: string }> = [];
  port = 0;

  /** Answer the next request whose "METHOD path" matches with this status (a Problem Detail body). */
  failOnce(match: RegExp, status: number): void {
    this.failNext.push({ match, status });
  }

  /** Queue a job for POST /v2/jobs/activation, shaped like the 8.8 ActivatedJobResult. */
  offerJob(job: Record<string, unknown> & { type: string; jobKey: string }): void {
    const full = {
      processInstanceKey: '2251799813690001',
      processDefinitionId: 'proc',
      processDefinitionVersion: 1,
      processDefinitionKey: '2251799813690002',
      elementId: 'task',
      elementInstanceKey: '2251799813690003',
      customHeaders: {},
      worker: '',
      retries: 10,
      deadline: Date.now() + 60_000,
      variables: {},
      tenantId: '<default>',
      kind: 'BPMN_ELEMENT',
      listenerEventType: 'UNSPECIFIED',
      ...job,
    };
    this.queue.offer(job.type, full);
  }

  callsTo(method: string, pathPattern: RegExp): RestCall[] {
    return this.calls.filter((c) => c.method === method && pathPattern.test(c.path));
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
        const p = (req.url ?? '').split('?')[0];
        const call = { method: req.method ?? '', path: p, body };
        this.calls.push(call);
        const send = (status: number, json?: unknown) => {
          res.statusCode = status;
          if (json === undefined) return res.end();
          res.setHeader('content-type', status >= 400 ? 'application/problem+json' : 'application/json');
          res.end(JSON.stringify(json));
        };
        const fail = this.failNext.findIndex((f) => f.match.test(`${call.method} ${p}`));
        if (fail >= 0) {
          const { status } = this.failNext.splice(fail, 1)[0];
          return send(status, {
            type: 'about:blank',
            title: status === 404 ? 'NOT_FOUND' : 'INVALID_STATE',
            status,
            detail: 'injected by the test',
            instance: p,
          });
        }
        if (call.method === 'POST' && p === '/v2/jobs/activation') return this.activate(body ?? {}, send, res);
        if (call.method === 'POST' && p === '/v2/incidents/search') {
          const jobKey = (body?.filter as { jobKey?: string } | undefined)?.jobKey;
          const items = this.incidents.filter((i) => !jobKey || i.jobKey === jobKey);
          return send(200, { items, page: { totalItems: items.length } });
        }
        if (call.method === 'POST' && p === '/v2/variables/search') {
          const f = (body?.filter ?? {}) as { name?: string; value?: string };
          const items = this.variables.filter((v) => (!f.name || v.name === f.name) && (f.value === undefined || v.value === f.value));
          return send(200, { items, page: { totalItems: items.length } });
        }
        const instance = /^\/v2\/process-instances\/([^/]+)$/.exec(p);
        if (call.method === 'GET' && instance) {
          const found = this.processInstances.get(instance[1]!);
          if (found) return send(200, found);
        }
        if (call.method === 'GET' && p === '/v2/topology')
          return send(200, { brokers: [], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0' });
        const failed = /^\/v2\/jobs\/([^/]+)\/failure$/.exec(p);
        if (failed) this.offerAgain(failed[1], body ?? {});
        if (/^\/v2\/(jobs|user-tasks|incidents)\/[^/]+\/(completion|assignment|resolution|failure)$/.test(p) || /^\/v2\/user-tasks\/[^/]+\/assignee$/.test(p)) {
          return send(204);
        }
        send(404, { type: 'about:blank', title: 'NOT_FOUND', status: 404, detail: `no route ${call.method} ${p}`, instance: p });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** As Zeebe does: a job failed with retries left is offered again after its back-off (capped at 2 s here). */
  private offerAgain(jobKey: string, body: Record<string, unknown>): void {
    const job = this.handedOut.get(jobKey);
    const retries = Number(body.retries ?? 0);
    if (!job || retries <= 0) return;
    setTimeout(() => this.queue.offer(String(job.type), { ...job, retries }), Math.min(Number(body.retryBackOff) || 0, 2000)).unref();
  }

  private activate(body: Record<string, unknown>, send: (s: number, j?: unknown) => void, res: http.ServerResponse): void {
    const giveUp = this.queue.activate(String(body.type), Number(body.maxJobsToActivate) || 32, body.requestTimeout, (jobs) => {
      for (const j of jobs) this.handedOut.set(String(j.jobKey), j);
      send(200, { jobs: jobs.map((j) => ({ ...j, worker: body.worker })) });
    });
    res.on('close', giveUp);
  }

  async stop(): Promise<void> {
    this.queue.wakeAll();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/**
 * A cluster adapter pointed at these test servers, with short waits and polls so that tests run in
 * seconds (the SDK also keeps a client-side timer per long poll after a worker closes).
 */
export function testZeebeEngine(db: Connection, gateway: TestGrpcGateway, rest: TestRestApi, opts: Partial<ZeebeEngineOptions> = {}): ZeebeEngine {
  return new ZeebeEngine({
    connection: db,
    logger: quietLogger,
    workerName: 'contract-test',
    listenerRequestTimeoutMs: 300,
    incidentSearchWaitMs: 300,
    startSearchWaitMs: 300,
    commandRetryDelaysMs: [20, 20],
    settleWaitMs: 400,
    ...opts,
    sdk: {
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${gateway.port}`,
      ZEEBE_REST_ADDRESS: `http://127.0.0.1:${rest.port}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_LOG_LEVEL: 'none',
      ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
      ZEEBE_GRPC_WORKER_LONGPOLL_SECONDS: 2,
      // Reconnect quickly after a dropped ActivateJobs stream.
      CAMUNDA_JOB_WORKER_MAX_BACKOFF_MS: 300,
      ZEEBE_GRPC_WORKER_POLL_INTERVAL_MS: 100,
      ...opts.sdk,
    } as never,
  });
}
