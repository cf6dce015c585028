/**
 * The inbox benchmark's load generator, run on worker threads by inbox-bench: some of the
 * clients, each a member of staff on their own keep-alive connection.
 */
import { connect, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * The load generator's HTTP client: one keep-alive HTTP/1.1 connection per client on a plain
 * socket, requests written as bytes and answers read by their Content-Length, as autocannon does.
 * (`fetch` or `node:http`'s client cost several times more CPU per request, CPU that the server on
 * the same two cores would then not get.)
 */
class Connection {
  private socket!: Socket;
  private open = false;
  private used = false;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: { status: number; body: Buffer }) => void; reject: (err: Error) => void } | null = null;

  constructor(
    private readonly port: number,
    private readonly headers: string,
  ) {
    this.connect();
  }

  /** A new connection, as a browser opens one when the server has closed an idle keep-alive one. */
  private connect(): void {
    const socket = connect(this.port, '127.0.0.1');
    this.socket = socket;
    this.open = true;
    this.used = false;
    this.buf = Buffer.alloc(0);
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.open = false;
      this.fail(new Error('connection closed'));
    });
  }

  call(method: string, path: string, body?: string): Promise<{ status: number; body: Buffer }> {
    if (!this.open) this.connect();
    return new Promise((resolve, reject) => {
      this.used = true;
      this.waiting = { resolve, reject };
      const len = body === undefined ? '' : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
      this.socket.write(`${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1:${this.port}\r\n${this.headers}${len}\r\n${body ?? ''}`);
    });
  }

  /** Whether the next request opens a new connection (the first, or the server closed the last while it was idle). */
  get fresh(): boolean {
    return !this.open || !this.used;
  }

  close(): void {
    this.open = false;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const head = this.buf.indexOf(HEADER_END);
    if (head < 0) return;
    const header = this.buf.subarray(0, head).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(header);
    if (!length) return this.fail(new Error('an answer without Content-Length'));
    const end = head + 4 + Number(length[1]);
    if (this.buf.length < end) return;
    const body = this.buf.subarray(head + 4, end);
    this.buf = this.buf.subarray(end);
    const w = this.waiting;
    this.waiting = null;
    w?.resolve({ status: Number(header.slice(9, 12)), body });
  }

  private fail(err: Error): void {
    const w = this.waiting;
    this.waiting = null;
    w?.reject(err);
  }
}

export interface ClientsJob {
  port: number;
  clients: { token: string; groups: string[]; index: number }[];
  total: number;
  paceMs: number;
  seconds: number;
  /** Check that every listed task is offered to the client's groups (not for the yardstick). */
  check: boolean;
  /** `act`: list 待认领 and claim one; `history`: read 已办, 我发起的 and the counts. */
  mode?: 'act' | 'history';
}
export interface ClientsResult {
  list: number[];
  /** The lists that were the first request on their connection (a new one: the server had closed the last while idle). */
  listFresh: number[];
  claim: number[];
  done: number[];
  started: number[];
  counts: number[];
  claimed: number;
  conflicts: number;
  errors: number;
}

const CHECK_EVERY = 10;
const ID = /"id":"([^"\\]+)"/g;

/** The task ids of a list page, in order (item ids are the only `"id"` keys in it). */
function idsOf(body: Buffer): string[] {
  return Array.from(body.toString('latin1').matchAll(ID), (m) => m[1]!);
}

/** Some of the clients, each on its own connection: list the section's unclaimed tasks, claim one of them, again. */
async function runClients({ port, clients, total, paceMs, seconds, check, mode }: ClientsJob): Promise<ClientsResult> {
  const out: ClientsResult = { list: [], listFresh: [], claim: [], done: [], started: [], counts: [], claimed: 0, conflicts: 0, errors: 0 };
  if (mode === 'history') return readHistory({ port, clients, total, paceMs, seconds, check }, out);
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    clients.map(async ({ token, groups, index }) => {
      const conn = new Connection(port, `authorization: Bearer ${token}\r\n`);
      let lists = 0;
      // Spread the paced clients' start over one period.
      if (paceMs) await new Promise((r) => setTimeout(r, (index / total) * paceMs));
      while (Date.now() < end) {
        const started = performance.now();
        const pace = async () => {
          const rest = paceMs - (performance.now() - started);
          if (rest > 0) await new Promise((r2) => setTimeout(r2, rest));
        };
        let t = performance.now();
        const fresh = conn.fresh;
        const r = await conn.call('GET', '/api/tasks?view=unclaimed&pageSize=20').catch(() => ({ status: 0, body: Buffer.alloc(0) }));
        out.list.push(performance.now() - t);
        if (fresh) out.listFresh.push(performance.now() - t);
        const ids = r.status === 200 ? idsOf(r.body) : [];
        if (!ids.length) {
          out.errors++;
          await pace();
          continue;
        }
        // Every page's ids are read; one page in CHECK_EVERY is read whole and checked, to spare the
        // CPU the server shares (autocannon reads none).
        if (check && ++lists % CHECK_EVERY === 1) {
          const page = JSON.parse(r.body.toString('utf8')) as { items: { id: string; candidateGroups: string[] }[] };
          const offered = page.items.every((x) => x.candidateGroups.some((g) => groups.includes(g)));
          if (!offered || page.items.map((x) => x.id).join() !== ids.join()) out.errors++;
        }
        const pick = ids[Math.floor(Math.random() * ids.length)]!;
        t = performance.now();
        const c = await conn.call('POST', `/api/tasks/${encodeURIComponent(pick)}/claim`, '{}').catch(() => ({ status: 0, body: Buffer.alloc(0) }));
        out.claim.push(performance.now() - t);
        if (c.status === 200) out.claimed++;
        else if (c.status === 409) out.conflicts++;
        else out.errors++;
        await pace();
      }
      conn.close();
    }),
  );
  return out;
}

/** Each client reads its 已办 and 我发起的 (a page of 20, newest first) and the counts, once per pace. */
async function readHistory({ port, clients, total, paceMs, seconds }: ClientsJob, out: ClientsResult): Promise<ClientsResult> {
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    clients.map(async ({ token, index }) => {
      const conn = new Connection(port, `authorization: Bearer ${token}\r\n`);
      if (paceMs) await new Promise((r) => setTimeout(r, (index / total) * paceMs));
      while (Date.now() < end) {
        const started = performance.now();
        for (const [path, into, needsItems] of [
          ['/api/tasks?view=done&pageSize=20', out.done, true],
          ['/api/tasks?view=started&pageSize=20', out.started, true],
          ['/api/tasks/counts', out.counts, false],
        ] as const) {
          const t = performance.now();
          const r = await conn.call('GET', path).catch(() => ({ status: 0, body: Buffer.alloc(0) }));
          into.push(performance.now() - t);
          if (r.status !== 200 || (needsItems && !idsOf(r.body).length)) out.errors++;
        }
        const rest = paceMs - (performance.now() - started);
        if (rest > 0) await new Promise((r2) => setTimeout(r2, rest));
      }
      conn.close();
    }),
  );
  return out;
}

if (parentPort) void runClients(workerData as ClientsJob).then((r) => parentPort!.postMessage(r));
