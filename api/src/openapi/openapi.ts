/**
 * The API contract as OpenAPI 3.1, generated from the route table and zod schemas of
 * `@ggzy/shared/api` — the same ones the server binds and validates with, so the document cannot
 * drift from what the server does. Served at /api/openapi.json and /api/docs.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { API, errorBody, type ApiRoute } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';

const MEDIA: Record<NonNullable<ApiRoute['bodyType']>, string[]> = {
  multipart: ['multipart/form-data'],
  'bpmn-or-json': ['application/json', 'application/xml'],
  'form-js': ['application/json'],
};

export function openApiDocument(version: string): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  for (const r of Object.values(API) as ApiRoute[]) {
    const ok = r.status ?? 200;
    const produces = r.produces ?? 'application/json';
    registry.registerPath({
      method: r.method,
      path: r.path,
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth === false && { security: [] }),
      request: {
        ...(r.params && { params: r.params }),
        ...(r.query && { query: r.query }),
        ...(r.body && {
          body: { required: true, content: Object.fromEntries((r.bodyType ? MEDIA[r.bodyType] : ['application/json']).map((m) => [m, { schema: r.body! }])) },
        }),
      },
      responses: {
        [ok]: {
          description: ok === 204 ? 'No content' : 'OK',
          ...(ok !== 204 && {
            content: Object.fromEntries(
              produces.split(' or ').map((m) => [m, r.response && m === 'application/json' ? { schema: r.response } : { schema: {} }]),
            ),
          }),
        },
        '4XX': { description: '请求错误 Client error', content: { 'application/json': { schema: errorBody } } },
      },
    });
  }
  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: '湘西州公共资源交易中心 “12345” 流程系统 API',
      version,
      description: 'Bearer token from POST /api/auth/login in the Authorization header. Errors: {code, message (中文), messageEn, hint?, details?}.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
  });
  return doc as unknown as Record<string, unknown>;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function docsPage(): string {
  const rows = (Object.values(API) as ApiRoute[])
    .map(
      (o) =>
        `<tr><td><code>${o.method.toUpperCase()}</code></td><td><code>${escapeHtml(o.path)}</code></td><td>${escapeHtml(o.summary)}</td><td>${escapeHtml(o.tag)}</td><td>${o.auth === false ? '公开' : ''}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>API 文档</title><style>body{font-family:sans-serif;margin:2rem}td{padding:4px 10px;border-bottom:1px solid #eee}</style></head><body><h1>接口文档 API</h1><p>机器可读：<a href="/api/openapi.json">/api/openapi.json</a>（OpenAPI 3.1，由接口的 zod 定义生成）。认证：<code>Authorization: Bearer &lt;token&gt;</code>。错误：<code>{code, message, messageEn, hint?}</code>。</p><table>${rows}</table></body></html>`;
}

export function openApiRouter(version: string): Router {
  const r = Router();
  const doc = openApiDocument(version);
  bind(r, API.openapi, () => doc);
  bind(r, API.docs, ({ res }) => {
    res.type('html').send(docsPage());
  });
  return r;
}
