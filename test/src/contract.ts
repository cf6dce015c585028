/**
 * The API contract as the scenario tests hold the server to it: every JSON answer of a route
 * with a response schema must match that schema (unknown fields included, where the schema is
 * strict), so the server, the OpenAPI document and the web app's types cannot drift apart.
 */
import { API, type ApiRoute } from '@ggzy/shared/api';

interface Compiled {
  route: ApiRoute;
  name: string;
  pattern: RegExp;
}

const ROUTES: Compiled[] = Object.entries(API as Record<string, ApiRoute>).map(([name, route]) => ({
  name,
  route,
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}/?$`),
}));

/** The contract entry a request goes to, if any. Literal paths win over parameters (`/tasks/counts` over `/tasks/{id}`). */
export function routeOf(method: string, url: string): Compiled | undefined {
  const path = url.split('?')[0]!;
  const m = method.toLowerCase();
  const hits = ROUTES.filter((r) => r.route.method === m && r.pattern.test(path));
  return hits.sort((a, b) => (a.route.path.match(/\{/g)?.length ?? 0) - (b.route.path.match(/\{/g)?.length ?? 0))[0];
}

/** Throws when a successful JSON answer does not have the shape the contract gives it. */
export function checkAnswer(method: string, url: string, status: number, body: unknown): void {
  if (status < 200 || status >= 300 || typeof body !== 'object' || body === null) return;
  const hit = routeOf(method, url);
  if (!hit?.route.response) return;
  const r = hit.route.response.safeParse(body);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${method} ${url} answered outside the contract (API.${hit.name}):\n  ${issues.join('\n  ')}`);
  }
}
