/**
 * Every route of the HTTP API, once: method, path, who may call it, and the zod schemas of its
 * path parameters, query, body and answer. The server binds its handlers to these entries (so a
 * path or a check cannot differ from what is written here), the OpenAPI document is generated
 * from them, and the web app takes its types from the same schemas.
 */
import { z } from 'zod';
import { emptyBody, formIdParams, idParams, jsonObject } from './common';
import * as inbox from './inbox';
import * as inst from './instances';
import * as people from './people';
import * as rec from './records';
import { route } from './route';
import { PROJECT_ROUTES } from './routes-projects';
import { SUPERVISION_ROUTES } from './routes-supervision';
import { NOTIFICATION_ROUTES } from './routes-notifications';
import { DASHBOARD_ROUTES } from './routes-dashboard';

import type { ApiRoute } from './route';

export type { ApiRoute, HttpMethod } from './route';

const taskAct = <B extends z.ZodType, R extends z.ZodType>(act: string, summary: string, body: B, response: R, status?: number) =>
  route({ method: 'post', path: `/api/tasks/{id}/${act}`, summary, tag: '待办 Inbox', params: inbox.taskIdParams, body, response, ...(status && { status }) });

export const API = {
  // ---- people ---------------------------------------------------------------------------
  login: route({
    method: 'post',
    path: '/api/auth/login',
    summary: '登录 Sign in → {token, user}',
    tag: '身份 People',
    auth: false,
    body: people.loginBody,
    response: people.loginReply,
  }),
  logout: route({ method: 'post', path: '/api/auth/logout', summary: '退出 Sign out', tag: '身份 People', status: 204 }),
  changePassword: route({
    method: 'post',
    path: '/api/auth/password',
    summary: '修改自己的密码 Choose a new password',
    tag: '身份 People',
    body: people.changePasswordBody,
    status: 204,
  }),
  setupStatus: route({
    method: 'get',
    path: '/api/setup',
    summary: '是否等待创建首个管理员 Whether the first admin is awaited',
    tag: '身份 People',
    auth: false,
    response: people.setupStatus,
  }),
  setup: route({
    method: 'post',
    path: '/api/setup',
    summary: '创建首个管理员（凭启动日志中的一次性设置码）Create the first admin, with the one-time code from the log',
    tag: '身份 People',
    auth: false,
    body: people.setupBody,
    response: people.userDto,
    status: 201,
  }),
  me: route({ method: 'get', path: '/api/me', summary: '当前用户 The signed-in user', tag: '身份 People', response: people.userDto }),
  users: route({ method: 'get', path: '/api/users', summary: '同事列表 Colleagues', tag: '身份 People', response: people.usersReply }),
  sections: route({ method: 'get', path: '/api/sections', summary: '科室与角色 Sections and roles', tag: '身份 People', response: people.sectionsReply }),
  adminUsers: route({
    method: 'get',
    path: '/api/admin/users',
    summary: '全部用户（管理员）All users (admin)',
    tag: '身份 People',
    response: people.adminUsersReply,
  }),
  createUser: route({
    method: 'post',
    path: '/api/admin/users',
    summary: '新增用户（管理员）Create a user (admin)',
    tag: '身份 People',
    body: people.createUserBody,
    response: people.userDto,
    status: 201,
  }),
  updateUser: route({
    method: 'patch',
    path: '/api/admin/users/{id}',
    summary: '修改科室、角色、停用、重置密码（管理员）Update a user (admin)',
    tag: '身份 People',
    params: people.userParams,
    body: people.updateUserBody,
    response: people.adminUser,
  }),
  calendar: route({
    method: 'get',
    path: '/api/calendar',
    summary: '工作日历：法定节假日、调休与管理员调整 Working-day calendar',
    tag: '身份 People',
    query: rec.calendarQuery,
    response: rec.calendarReply,
  }),
  setCalendarDay: route({
    method: 'put',
    path: '/api/calendar/{date}',
    summary: '调整某日（管理员）：holiday | workday | official Set a day (admin)',
    tag: '身份 People',
    params: rec.calendarParams,
    body: rec.calendarBody,
    response: rec.calendarSetReply,
  }),
  // ---- the project's life cycle: register, venues, witness and area records, complaints (routes-projects.ts)
  ...PROJECT_ROUTES,
  // ---- supervision and evaluation: registers, ratings, credit (routes-supervision.ts)
  ...SUPERVISION_ROUTES,
  ...NOTIFICATION_ROUTES,
  ...DASHBOARD_ROUTES,
  // ---- health, public ------------------------------------------------------------------------
  health: route({ method: 'get', path: '/api/health', summary: '健康检查 Health', tag: '运维 Operations', auth: false, response: rec.healthReply }),
  publicReports: route({
    method: 'get',
    path: '/api/public/special-reports',
    summary: '已公开的要情专报 Published special reports',
    tag: '公开 Public',
    auth: false,
    response: rec.publicReportsReply,
  }),
  // ---- flows and forms -------------------------------------------------------------------
  flows: route({
    method: 'get',
    path: '/api/process-definitions',
    summary: '可发起的流程及版本（管理员另见全部版本）Flows, and every version for admins',
    tag: '流程 Flows',
    response: inst.flowsReply,
  }),
  deploy: route({
    method: 'post',
    path: '/api/process-definitions',
    summary: '部署新版本（管理员；BPMN XML 或 JSON）Deploy a version (admin)',
    tag: '流程 Flows',
    body: inst.deployJsonBody,
    bodyType: 'bpmn-or-json',
    response: inst.deployReply,
    status: 201,
  }),
  lint: route({
    method: 'post',
    path: '/api/process-definitions/lint',
    summary: '检查流程图（管理员）Lint a diagram (admin)',
    tag: '流程 Flows',
    body: inst.lintBody,
    response: inst.lintReply,
  }),
  definitionXml: route({
    method: 'get',
    path: '/api/process-definitions/{id}/xml',
    summary: '流程图 BPMN XML',
    tag: '流程 Flows',
    params: idParams,
    produces: 'application/xml',
  }),
  forms: route({ method: 'get', path: '/api/forms', summary: '全部表单（管理员）All forms (admin)', tag: '流程 Flows', response: inst.formListReply }),
  form: route({
    method: 'get',
    path: '/api/forms/{id}',
    summary: '表单（form-js）及其选项 Form schema and its choices',
    tag: '流程 Flows',
    params: formIdParams,
    response: inst.formReply,
  }),
  saveForm: route({
    method: 'put',
    path: '/api/forms/{id}',
    summary: '保存表单新版本（管理员，form-js JSON）Save a form version (admin)',
    tag: '流程 Flows',
    params: formIdParams,
    body: inbox.formSchema,
    bodyType: 'form-js',
    response: inst.formSaveReply,
  }),
  // ---- instances -------------------------------------------------------------------------
  start: route({
    method: 'post',
    path: '/api/process-instances',
    summary: '发起流程 Start a flow',
    tag: '流程实例 Instances',
    body: inst.startBody,
    response: inst.startReply,
    status: 201,
  }),
  instances: route({
    method: 'get',
    path: '/api/process-instances',
    summary: '流程实例列表 Instances',
    tag: '流程实例 Instances',
    query: inst.instanceListQuery,
    response: inst.instancePage,
  }),
  instance: route({
    method: 'get',
    path: '/api/process-instances/{id}',
    summary: '流程详情：图、当前位置、时间线、变量 Instance detail',
    tag: '流程实例 Instances',
    params: idParams,
    response: inst.instanceDetail,
  }),
  cancel: route({
    method: 'post',
    path: '/api/process-instances/{id}/cancel',
    summary: '终止（管理员）Cancel (admin)',
    tag: '流程实例 Instances',
    params: idParams,
    body: inst.cancelBody,
    response: z.strictObject({ canceled: z.literal(true) }),
  }),
  resolveIncident: route({
    method: 'post',
    path: '/api/process-instances/{id}/incidents/{incidentKey}/resolve',
    summary: '修复后重试故障（管理员）Retry an incident (admin)',
    tag: '流程实例 Instances',
    params: inst.incidentParams,
    body: inst.resolveIncidentBody,
    response: z.strictObject({ resolved: z.literal(true) }),
  }),
  // ---- inbox -----------------------------------------------------------------------------
  tasks: route({
    method: 'get',
    path: '/api/tasks',
    summary: '待办视图 Task views: mine|unclaimed|done|started|cc',
    tag: '待办 Inbox',
    query: inbox.taskListQuery,
    response: inbox.taskPage,
  }),
  taskCounts: route({ method: 'get', path: '/api/tasks/counts', summary: '各视图数量 Counts per view', tag: '待办 Inbox', response: inbox.taskCounts }),
  task: route({
    method: 'get',
    path: '/api/tasks/{id}',
    summary: '任务详情、表单、可用操作 Task detail',
    tag: '待办 Inbox',
    params: inbox.taskIdParams,
    response: inbox.taskDetail,
  }),
  claim: taskAct('claim', '认领 Claim', emptyBody, inbox.taskDto),
  unclaim: taskAct('unclaim', '释放 Unclaim', emptyBody, inbox.taskDto),
  complete: taskAct('complete', '办理（提交表单）Complete with form data', inbox.completeBody, inbox.taskDto),
  return: taskAct('return', '退回 Return to the earlier step', inbox.returnBody, inbox.taskDto),
  transfer: taskAct('transfer', '转办 Transfer', inbox.toUserBody, inbox.taskDto),
  delegate: taskAct('delegate', '委派 Delegate', inbox.toUserBody, inbox.taskDto),
  addSigner: taskAct('add-signer', '加签 Add a signer', inbox.toUserBody, inbox.taskDto),
  cc: taskAct('cc', '抄送 CC', inbox.ccBody, inbox.ccReply),
  urge: taskAct('urge', '催办 Urge', inbox.noteBody, inbox.taskDto),
  withdraw: taskAct('withdraw', '撤回 Withdraw (starter)', inbox.reasonBody, z.strictObject({ withdrawn: z.literal(true) })),
  comment: taskAct('comments', '评论 Comment', inbox.commentBody, inbox.commentDto, 201),
  events: route({
    method: 'get',
    path: '/api/events',
    summary: '实时更新（server-sent events: task, notification）Live updates',
    tag: '待办 Inbox',
    auth: false,
    query: z.strictObject({ ticket: z.string().max(100).optional() }),
    produces: 'text/event-stream',
  }),
  streamTicket: route({
    method: 'post',
    path: '/api/events/tickets',
    summary: '实时更新的一次性票据（30 秒内有效）A one-time ticket to open the live-update stream',
    tag: '待办 Inbox',
    body: emptyBody,
    response: z.strictObject({ ticket: z.string(), expiresAt: z.string() }),
    status: 201,
  }),
  // ---- files, archives, notifications, audit ----------------------------------------------
  upload: route({
    method: 'post',
    path: '/api/attachments',
    summary: '上传附件（multipart: file, category, instanceId?, taskId?）Upload',
    tag: '附件 Files',
    body: rec.uploadFields,
    bodyType: 'multipart',
    response: rec.uploadReply,
    status: 201,
  }),
  download: route({
    method: 'get',
    path: '/api/attachments/{id}',
    summary: '下载附件 Download',
    tag: '附件 Files',
    params: rec.attachmentParams,
    query: rec.downloadQuery,
    produces: 'application/octet-stream',
  }),
  archives: route({ method: 'get', path: '/api/archives', summary: '档案列表 Archives', tag: '档案 Archives', response: rec.archivesReply }),
  archiveGrants: route({
    method: 'get',
    path: '/api/archive-grants',
    summary: '我的调阅授权 My archive grants',
    tag: '档案 Archives',
    response: rec.grantsReply,
  }),
  archiveView: route({
    method: 'get',
    path: '/api/archives/{id}/view',
    summary: '只读调阅（带水印，记录留痕）Read an archive (watermarked, logged)',
    tag: '档案 Archives',
    params: rec.archiveParams,
    query: rec.archiveViewQuery,
    response: rec.archiveView,
    produces: 'application/json or text/html',
  }),
  supervisionRecords: route({
    method: 'get',
    path: '/api/records/supervision',
    summary: '现场监督执法过程记录（表六；监督科、领导、管理员）Supervision records of a year',
    tag: '档案 Archives',
    query: rec.supervisionRecordsQuery,
    response: rec.supervisionRecordsReply,
  }),
  archiveViews: route({
    method: 'get',
    path: '/api/archives/{id}/views',
    summary: '调阅记录（监督科、领导、管理员）Who read an archive',
    tag: '档案 Archives',
    params: rec.archiveParams,
    response: rec.archiveViewsReply,
  }),
  audit: route({
    method: 'get',
    path: '/api/audit',
    summary: '审计记录 The audit trail (?instanceId= for one flow)',
    tag: '审计 Audit',
    query: rec.auditQuery,
    response: rec.auditPage,
  }),
  verifyAudit: route({
    method: 'get',
    path: '/api/audit/verify',
    summary: '校验审计链 Verify the hash chain',
    tag: '审计 Audit',
    response: rec.auditVerifyReply,
  }),
  openapi: route({ method: 'get', path: '/api/openapi.json', summary: '本文档 This document', tag: '运维 Operations', auth: false, response: jsonObject }),
  docs: route({ method: 'get', path: '/api/docs', summary: '接口一览 A readable list', tag: '运维 Operations', auth: false, produces: 'text/html' }),
} satisfies Record<string, ApiRoute>;

export type ApiRouteName = keyof typeof API;
