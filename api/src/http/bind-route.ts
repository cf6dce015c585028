/**
 * Binds a handler to a route of the API contract (`@ggzy/shared/api`): the Express path comes
 * from the contract, and the path parameters, query and body are checked with its schemas before
 * the handler runs (400 `INVALID_PATH` / `INVALID_QUERY` / `INVALID_BODY`). What the handler
 * returns is answered as JSON with the route's status; a handler that answers itself (files,
 * streams, HTML) returns nothing.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { UserDto } from '@ggzy/shared';
import type { ApiRoute } from '@ggzy/shared/api';
import { currentUser } from './auth-context';
import { parseBody, parseParams, parseQuery } from './validate';

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteCall<R extends ApiRoute> {
  req: Request;
  res: Response;
  /** The signed-in user (routes open to anyone get none). */
  user: R['auth'] extends false ? undefined : UserDto;
  params: Parsed<R['params']>;
  query: Parsed<R['query']>;
  /** Checked against the contract unless the body comes in another form (`bodyType`). */
  body: R['bodyType'] extends string ? unknown : Parsed<R['body']>;
}

/** Express's form of a contract path: `/api/tasks/{id}` → `/tasks/:id` (routers are mounted at `/api`). */
export function expressPath(path: string): string {
  return path.replace(/^\/api/, '').replace(/\{(\w+)\}/g, ':$1') || '/';
}

export function bind<R extends ApiRoute>(
  router: Router,
  route: R,
  handler: (call: RouteCall<R>) => Promise<unknown> | unknown,
  ...before: RequestHandler[]
): void {
  router[route.method](expressPath(route.path), ...before, async (req: Request, res: Response) => {
    const call = {
      req,
      res,
      user: route.auth === false ? undefined : currentUser(req),
      params: route.params ? parseParams(route.params, req.params) : undefined,
      query: route.query ? parseQuery(route.query, req.query) : undefined,
      body: route.body && !route.bodyType ? parseBody(route.body, req.body) : req.body,
    } as RouteCall<R>;
    const result = await handler(call);
    if (res.headersSent) return;
    if (route.status === 204) res.status(204).end();
    else if (result !== undefined) res.status(route.status ?? 200).json(result);
  });
}
