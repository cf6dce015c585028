/**
 * Routes served straight on `node:http`, ahead of Express, for the API's busiest paths (the task
 * inbox): every request there pays only for what it uses. Express's layers (router, body parser,
 * request and response decoration) cost the inbox more CPU than the inbox's own work; under load
 * that CPU is latency for everyone.
 *
 * What a route gets is what the Express middlewares gave it: the signed-in user (same token rules
 * as `requireAuth`), the query parsed as Express's "simple" parser does, the path parameters, and
 * a JSON body parsed as `express.json` does (same size limit, strict: an object or array). Errors
 * are answered by `errorReply`, as the Express error handler answers them. A request that matches
 * no route is left to Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString, type ParsedUrlQuery } from 'node:querystring';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Logger } from 'pino';
import { userError, type UserDto } from '@ggzy/shared';
import type { AuthService } from '../people/auth.service';
import { requestUser } from '../people/auth.router';
import { errorReply } from './error-handler';

export interface DirectRequest {
  user: UserDto;
  params: Record<string, string>;
  query: ParsedUrlQuery;
  /** The parsed JSON body (POST); undefined when the request had none or it was not JSON. */
  body: unknown;
}

/** A JSON answer (200 unless `status`), or bytes that are already JSON. */
export type DirectReply = { status?: number; json: unknown } | { bytes: Buffer };

type Handler = (r: DirectRequest) => Promise<DirectReply>;

interface Route {
  method: 'GET' | 'POST';
  /** Literal segments (lower case) and `:name` parameters. */
  segments: string[];
  handler: Handler;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export class DirectRouter {
  private readonly routes: Route[] = [];

  /**
   * @param prefix where the routes are mounted, e.g. `/api/tasks`
   * @param limitBytes the largest JSON body taken (as `express.json({ limit })`)
   */
  constructor(
    private readonly prefix: string,
    private readonly auth: AuthService,
    private readonly logger: Logger,
    private readonly limitBytes: number,
  ) {}

  /** Routes are tried in the order they are added, so literal paths go before parameters. */
  get(path: string, handler: Handler): this {
    return this.add('GET', path, handler);
  }

  post(path: string, handler: Handler): this {
    return this.add('POST', path, handler);
  }

  private add(method: Route['method'], path: string, handler: Handler): this {
    this.routes.push({
      method,
      segments: path
        .split('/')
        .filter(Boolean)
        .map((s) => (s.startsWith(':') ? s : s.toLowerCase())),
      handler,
    });
    return this;
  }

  /** Serve the request if one of the routes matches it (true); otherwise leave it alone (false). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    let url = req.url ?? '';
    const hash = url.indexOf('#');
    if (hash >= 0) url = url.slice(0, hash);
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    // Matched as Express matches a mount path: case-insensitive, one trailing slash allowed.
    if (pathname.length < this.prefix.length || pathname.slice(0, this.prefix.length).toLowerCase() !== this.prefix) return false;
    let rest = pathname.slice(this.prefix.length);
    if (rest.endsWith('/')) rest = rest.slice(0, -1);
    if (rest && rest[0] !== '/') return false;
    const segments = rest ? rest.slice(1).split('/') : [];
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = match(route.segments, segments);
      if (params) {
        this.serve(route, params, pathname, q < 0 ? '' : url.slice(q + 1), req, res).catch((err: unknown) => {
          this.logger.error({ err, path: pathname }, 'answering a request failed');
          res.destroy();
        });
        return true;
      }
    }
    return false;
  }

  private async serve(
    route: Route,
    rawParams: Record<string, string>,
    pathname: string,
    search: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    try {
      // In the order of the Express middlewares: the body, then the token.
      const body = route.method === 'POST' ? await this.readJson(req) : undefined;
      const query = parseQueryString(search);
      const user = await requestUser(this.auth, req.method ?? 'GET', req.headers.authorization, query.access_token);
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(rawParams)) params[k] = decodeParam(v);
      send(req, res, await route.handler({ user, params, query, body }));
    } catch (err) {
      // The path without its query: a GET may carry its token there.
      const { status, body } = errorReply(err, this.logger, pathname);
      if (!res.headersSent) send(req, res, { status, json: body });
    }
  }

  /**
   * The body as `express.json` reads it: only for `application/json`, UTF-8 (a BOM is dropped),
   * gzip/deflate/br inflated, up to the limit, an object or array; empty is `{}`.
   */
  private readJson(req: IncomingMessage): Promise<unknown> {
    // A body not read here is drained, so the connection can carry the answer.
    const skip = (outcome: Promise<unknown>) => {
      req.resume();
      return outcome;
    };
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    if (!hasBody || type.split(';')[0]!.trim() !== 'application/json') return skip(Promise.resolve(undefined));
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/.exec(type)?.[1];
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      return skip(
        Promise.reject(
          userError('UNSUPPORTED_CHARSET', `不支持的字符集：${charset}，请用 UTF-8`, `Unsupported charset ${charset}; use UTF-8`, { status: 415 }),
        ),
      );
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    const inflate = INFLATE[encoding];
    if (encoding !== 'identity' && !inflate) {
      return skip(
        Promise.reject(userError('UNSUPPORTED_ENCODING', `不支持的请求体编码：${encoding}`, `Unsupported content encoding ${encoding}`, { status: 415 })),
      );
    }
    const tooLarge = { type: 'entity.too.large' };
    if (!inflate && Number(req.headers['content-length'] ?? 0) > this.limitBytes) return skip(Promise.reject(tooLarge));
    return new Promise((resolve, reject) => {
      const source: Readable = inflate ? req.pipe(inflate()) : req;
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        f();
      };
      source.on('data', (c: Buffer) => {
        size += c.length;
        // Past the limit the rest is read and dropped, so the connection can carry the answer.
        if (size <= this.limitBytes) chunks.push(c);
      });
      source.on('error', () => settle(() => reject(inflate ? { type: 'entity.parse.failed' } : ABORTED)));
      // A client gone before the end: nothing more will come.
      req.on('close', () => {
        if (!req.complete) settle(() => reject(ABORTED));
      });
      source.on('end', () =>
        settle(() => {
          if (size > this.limitBytes) return reject(tooLarge);
          let text = Buffer.concat(chunks).toString('utf8');
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          if (!text) return resolve({});
          const first = text.trimStart()[0];
          try {
            if (first !== '{' && first !== '[') throw new Error('not an object or array');
            resolve(JSON.parse(text));
          } catch {
            reject({ type: 'entity.parse.failed' });
          }
        }),
      );
    });
  }
}

const INFLATE: Record<string, (() => Transform) | undefined> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
};

const ABORTED = { type: 'request.aborted' };

function match(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = segments[i]!;
    else if (p !== segments[i]!.toLowerCase()) return null;
  }
  return params;
}

function decodeParam(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    throw userError('INVALID_PATH', '请求地址中的编号不合法', 'Invalid path parameter', { status: 400 });
  }
}

function send(req: IncomingMessage, res: ServerResponse, reply: DirectReply): void {
  const bytes = 'bytes' in reply ? reply.bytes : Buffer.from(JSON.stringify(reply.json));
  const status = 'bytes' in reply ? 200 : (reply.status ?? 200);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
