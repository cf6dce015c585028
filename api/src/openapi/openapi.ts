/**
 * The API contract as OpenAPI 3.1, built from the same zod schemas the routes validate with, so
 * the document cannot drift from what the server accepts. Served at /api/openapi.json and /api/docs.
 */
import { z } from 'zod';
import { taskListQuery, completeBody, returnBody, toUserBody, ccBody, noteBody, reasonBody, commentBody } from '../inbox/inbox.router';
import { startBody, deployJsonBody } from '../instances/instances.router';
import { createUserBody, updateUserBody } from '../people/users-admin.router';

interface Op {
  method: 'get' | 'post' | 'put' | 'patch';
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  auth?: boolean;
  multipart?: boolean;
}

const loginBody = z.strictObject({ username: z.string(), password: z.string() });
const taskAction = (action: string, summary: string, body?: z.ZodType): Op => ({
  method: 'post',
  path: `/api/tasks/{id}/${action}`,
  summary,
  tag: '待办',
  body,
});

export const OPERATIONS: Op[] = [
  { method: 'post', path: '/api/auth/login', summary: '登录 Sign in → {token, user}', tag: '身份', body: loginBody, auth: false },
  { method: 'post', path: '/api/auth/logout', summary: '退出 Sign out', tag: '身份' },
  { method: 'get', path: '/api/me', summary: '当前用户 The signed-in user', tag: '身份' },
  { method: 'get', path: '/api/users', summary: '同事列表 Colleagues', tag: '身份' },
  { method: 'get', path: '/api/admin/users', summary: '全部用户（管理员）All users (admin)', tag: '身份' },
  { method: 'post', path: '/api/admin/users', summary: '新增用户（管理员）Create a user (admin)', tag: '身份', body: createUserBody },
  {
    method: 'patch',
    path: '/api/admin/users/{id}',
    summary: '修改科室、角色、停用、重置密码（管理员）Update a user (admin)',
    tag: '身份',
    body: updateUserBody,
  },
  { method: 'get', path: '/api/calendar', summary: '工作日历：法定节假日、调休与管理员调整 Working-day calendar (?year=)', tag: '身份' },
  {
    method: 'put',
    path: '/api/calendar/{date}',
    summary: '调整某日（管理员）：holiday | workday | official Set a day (admin)',
    tag: '身份',
    body: z.strictObject({ type: z.enum(['holiday', 'workday', 'official']), name: z.string() }),
  },
  { method: 'get', path: '/api/sections', summary: '科室与角色 Sections and roles', tag: '身份' },
  { method: 'get', path: '/api/projects', summary: '交易项目及状态 Projects', tag: '身份' },
  {
    method: 'post',
    path: '/api/projects/{id}/resume',
    summary: '恢复暂停的项目（监督科负责人、领导）Resume a paused project',
    tag: '身份',
    body: z.strictObject({ reason: z.string() }),
  },
  { method: 'get', path: '/api/health', summary: '健康检查 Health', tag: '运维', auth: false },
  { method: 'get', path: '/api/process-definitions', summary: '可发起的流程及版本 Flows and versions', tag: '流程' },
  {
    method: 'post',
    path: '/api/process-definitions',
    summary: '部署新版本（管理员；BPMN XML 或 JSON）Deploy a version (admin)',
    tag: '流程',
    body: deployJsonBody,
  },
  {
    method: 'post',
    path: '/api/process-definitions/lint',
    summary: '检查流程图（管理员）Lint a diagram (admin)',
    tag: '流程',
    body: z.strictObject({ xml: z.string() }),
  },
  { method: 'get', path: '/api/process-definitions/{id}/xml', summary: '流程图 BPMN XML', tag: '流程' },
  { method: 'get', path: '/api/forms/{id}', summary: '表单（form-js）Form schema', tag: '流程' },
  { method: 'put', path: '/api/forms/{id}', summary: '保存表单新版本（管理员，form-js JSON）Save a form version (admin)', tag: '流程' },
  { method: 'get', path: '/api/forms', summary: '全部表单（管理员）All forms (admin)', tag: '流程' },
  { method: 'post', path: '/api/process-instances', summary: '发起流程 Start a flow', tag: '流程实例', body: startBody },
  { method: 'get', path: '/api/process-instances', summary: '流程实例列表 Instances', tag: '流程实例' },
  { method: 'get', path: '/api/process-instances/{id}', summary: '流程详情：图、当前位置、时间线、变量 Instance detail', tag: '流程实例' },
  {
    method: 'post',
    path: '/api/process-instances/{id}/cancel',
    summary: '终止（管理员）Cancel (admin)',
    tag: '流程实例',
    body: z.strictObject({ reason: z.string() }),
  },
  {
    method: 'post',
    path: '/api/process-instances/{id}/incidents/{incidentKey}/resolve',
    summary: '重试故障（管理员）Retry an incident (admin)',
    tag: '流程实例',
    body: z.strictObject({ retries: z.number().int() }),
  },
  { method: 'get', path: '/api/tasks', summary: '待办视图 Task views: mine|unclaimed|done|started|cc', tag: '待办', query: taskListQuery },
  { method: 'get', path: '/api/tasks/counts', summary: '各视图数量 Counts per view', tag: '待办' },
  { method: 'get', path: '/api/tasks/{id}', summary: '任务详情、表单、可用操作 Task detail', tag: '待办' },
  taskAction('claim', '认领 Claim', z.strictObject({})),
  taskAction('unclaim', '释放 Unclaim', z.strictObject({})),
  taskAction('complete', '办理（提交表单）Complete with form data', completeBody),
  taskAction('return', '退回 Return to the earlier step', returnBody),
  taskAction('transfer', '转办 Transfer', toUserBody),
  taskAction('delegate', '委派 Delegate', toUserBody),
  taskAction('add-signer', '加签 Add a signer', toUserBody),
  taskAction('cc', '抄送 CC', ccBody),
  taskAction('urge', '催办 Urge', noteBody),
  taskAction('withdraw', '撤回 Withdraw (starter)', reasonBody),
  taskAction('comments', '评论 Comment', commentBody),
  {
    method: 'post',
    path: '/api/attachments',
    summary: '上传附件（multipart: file, category, instanceId?, taskId?）→ 201 Upload',
    tag: '附件',
    multipart: true,
  },
  { method: 'get', path: '/api/attachments/{id}', summary: '下载附件 Download', tag: '附件' },
  { method: 'get', path: '/api/archives', summary: '档案列表 Archives', tag: '档案' },
  { method: 'get', path: '/api/archive-grants', summary: '我的调阅权限 My archive grants', tag: '档案' },
  { method: 'get', path: '/api/archives/{id}/view', summary: '只读调阅（水印，留痕）Read-only view', tag: '档案' },
  { method: 'get', path: '/api/archives/{id}/views', summary: '调阅记录 View trail', tag: '档案' },
  { method: 'get', path: '/api/events', summary: '实时事件（server-sent events：task, notification）Live updates', tag: '通知' },
  { method: 'get', path: '/api/notifications', summary: '站内通知 Notifications', tag: '通知' },
  { method: 'post', path: '/api/notifications/read-all', summary: '全部已读 Mark all read', tag: '通知' },
  { method: 'get', path: '/api/audit', summary: '审计记录 Audit trail (?instanceId=)', tag: '审计' },
  { method: 'get', path: '/api/audit/verify', summary: '校验审计哈希链 Verify the chain', tag: '审计' },
  { method: 'get', path: '/api/public/special-reports', summary: '公开的要情专报 Published reports', tag: '公开', auth: false },
];

const errorSchema = {
  type: 'object',
  required: ['code', 'message', 'messageEn'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string', description: '中文' },
    messageEn: { type: 'string' },
    hint: { type: 'string' },
    details: {},
  },
};

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params: unknown[] = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (op.query) {
      for (const [name, s] of Object.entries(op.query.shape)) {
        params.push({ name, in: 'query', required: false, schema: z.toJSONSchema(s as z.ZodType, { io: 'input', unrepresentable: 'any' }) });
      }
    }
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.auth === false && { security: [] }),
      ...(params.length && { parameters: params }),
      ...(op.body && {
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(op.body, { io: 'input', unrepresentable: 'any' }) } } },
      }),
      ...(op.multipart && {
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: {
                  file: { type: 'string', format: 'binary' },
                  category: { type: 'string', enum: ['evidence', 'work-id', 'letter', 'complaint', 'unit-proof', 'officer-id', 'other'] },
                  instanceId: { type: 'string' },
                  taskId: { type: 'string' },
                },
              },
            },
          },
        },
      }),
      responses: {
        '200': { description: 'OK' },
        '4XX': { description: '请求错误 Client error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: '湘西州公共资源交易中心 “12345” 流程系统 API', version, description: 'Bearer token from POST /api/auth/login in the Authorization header.' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: errorSchema } },
    security: [{ bearer: [] }],
    paths,
  };
}

export function docsPage(): string {
  const rows = OPERATIONS.map(
    (o) => `<tr><td><code>${o.method.toUpperCase()}</code></td><td><code>${o.path}</code></td><td>${o.summary}</td><td>${o.tag}</td></tr>`,
  ).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>API 文档</title><style>body{font-family:sans-serif;margin:2rem}td{padding:4px 10px;border-bottom:1px solid #eee}</style></head><body><h1>接口文档 API</h1><p>机器可读：<a href="/api/openapi.json">/api/openapi.json</a>（OpenAPI 3.1）。认证：<code>Authorization: Bearer &lt;token&gt;</code>。错误：<code>{code, message, messageEn, hint?}</code>。</p><table>${rows}</table></body></html>`;
}
