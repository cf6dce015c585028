/**
 * The inbox benchmark's load generator, run on worker threads by inbox-bench: some of the
 * clients, each a member of staff on their own keep-alive connection.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The load generator's HTTP client: plain keep-alive `node:http`, one connection per client, as
 * autocannon does. (`fetch` costs the client several times more CPU per request, CPU that the
 * server on the same two cores would then not get.)
 */
function call(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) }, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface ClientsJob {
  port: number;
  clients: { token: string; groups: string[]; index: number }[];
  total: number;
  paceMs: number;
  seconds: number;
  /** Check that every listed task is offered to the client's groups (not for the yardstick). */
  check: boolean;
}
export interface ClientsResult {
  list: number[];
  claim: number[];
  claimed: number;
  conflicts: number;
  errors: number;
}

/** Some of the clients, each on its own connection: list the section's unclaimed tasks, claim one of them, again. */
async function runClients({ port, clients, total, paceMs, seconds, check }: ClientsJob): Promise<ClientsResult> {
  const out: ClientsResult = { list: [], claim: [], claimed: 0, conflicts: 0, errors: 0 };
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    clients.map(async ({ token, groups, index }) => {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      // Spread the paced clients' start over one period.
      if (paceMs) await new Promise((r) => setTimeout(r, (index / total) * paceMs));
      while (Date.now() < end) {
        const started = performance.now();
        let t = performance.now();
        const r = await call(agent, port, 'GET', '/api/tasks?view=unclaimed&pageSize=20', headers);
        out.list.push(performance.now() - t);
        const page = (r.status === 200 ? JSON.parse(r.body) : {}) as { items?: { id: string; candidateGroups: string[] }[] };
        if (!page.items?.length) {
          out.errors++;
          continue;
        }
        if (check && !page.items.every((x) => x.candidateGroups.some((g) => groups.includes(g)))) out.errors++;
        const pick = page.items[Math.floor(Math.random() * page.items.length)]!;
        t = performance.now();
        const c = await call(agent, port, 'POST', `/api/tasks/${encodeURIComponent(pick.id)}/claim`, headers, '{}');
        out.claim.push(performance.now() - t);
        if (c.status === 200) out.claimed++;
        else if (c.status === 409) out.conflicts++;
        else out.errors++;
        const rest = paceMs - (performance.now() - started);
        if (rest > 0) await new Promise((r2) => setTimeout(r2, rest));
      }
      agent.destroy();
    }),
  );
  return out;
}

if (parentPort) void runClients(workerData as ClientsJob).then((r) => parentPort!.postMessage(r));
