/** What the contract says of one route, and the helper that keeps each entry's literal types. */
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiRoute {
  method: HttpMethod;
  /** OpenAPI form: `/api/tasks/{id}`. */
  path: string;
  summary: string;
  tag: string;
  /** False for the few routes anyone may call (sign-in, health, the public report list). */
  auth?: false;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** How the body comes when not JSON. */
  bodyType?: 'multipart' | 'bpmn-or-json' | 'form-js';
  /** The answer (JSON unless `produces` says otherwise). */
  response?: z.ZodType;
  status?: number;
  produces?: 'application/xml' | 'text/html' | 'text/event-stream' | 'application/octet-stream' | 'application/json or text/html';
}

export const route = <R extends ApiRoute>(r: R): R => r;
