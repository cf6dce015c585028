/**
 * The routes of supervision and evaluation (one part of the API contract, merged into `API`): the
 * registers (台账) with their exports, the public rating page and the public credit disclosure.
 */
import { route } from './route';
import { projectParams } from './projects';
import * as l from './ledgers';
import * as ag from './agents';

const tag = '台账 Registers';

export const SUPERVISION_ROUTES = {
  ledgers: route({ method: 'get', path: '/api/ledgers', summary: '可查看的台账 The registers the caller reads', tag, response: l.ledgersReply }),
  ledger: route({
    method: 'get',
    path: '/api/ledgers/{kind}',
    summary: '台账：某月的记录 A register: the items of a month',
    tag,
    params: l.ledgerParams,
    query: l.ledgerListQuery,
    response: l.ledgerListReply,
  }),
  ledgerItem: route({
    method: 'get',
    path: '/api/ledgers/{kind}/items/{id}',
    summary: '台账的一条记录 One item of a register',
    tag,
    params: l.ledgerItemParams,
    response: l.ledgerItemDto,
  }),
  addLedgerItem: route({
    method: 'post',
    path: '/api/ledgers/{kind}',
    summary: '手工登记一条记录（纸质表、到场登记、不良行为报告）Enter an item by hand',
    tag,
    params: l.ledgerParams,
    body: l.ledgerEntryBody,
    response: l.ledgerItemDto,
    status: 201,
  }),
  updateLedgerItem: route({
    method: 'patch',
    path: '/api/ledgers/{kind}/items/{id}',
    summary: '补记一条记录（督办、反馈、处理结果）Add to an item: oversight, feedback, result',
    tag,
    params: l.ledgerItemParams,
    body: l.ledgerEntryBody,
    response: l.ledgerItemDto,
  }),
  exportLedger: route({
    method: 'get',
    path: '/api/ledgers/{kind}/export',
    summary: '导出某月台账（Excel 或 PDF，与纸质表一致）Export a month as .xlsx or PDF',
    tag,
    params: l.ledgerParams,
    query: l.ledgerExportQuery,
    produces: 'application/octet-stream',
  }),
  agents: route({
    method: 'get',
    path: '/api/agents',
    summary: '代理机构库 The agent register',
    tag: '代理机构 Agents',
    query: ag.agentListQuery,
    response: ag.agentsReply,
  }),
  agent: route({
    method: 'get',
    path: '/api/agents/{id}',
    summary: '代理机构 An agent',
    tag: '代理机构 Agents',
    params: ag.agentParams,
    response: ag.agentDto,
  }),
  createAgent: route({
    method: 'post',
    path: '/api/agents',
    summary: '登记代理机构（综合科）Register an agent',
    tag: '代理机构 Agents',
    body: ag.agentCreateBody,
    response: ag.agentDto,
    status: 201,
  }),
  saveAgent: route({
    method: 'put',
    path: '/api/agents/{id}',
    summary: '修改代理机构（按读取时的版本）Edit an agent, against the version read',
    tag: '代理机构 Agents',
    params: ag.agentParams,
    body: ag.agentInput,
    response: ag.agentDto,
  }),
  ratingLink: route({
    method: 'get',
    path: '/api/projects/{id}/rating-link',
    summary: '项目“好差评”二维码（印在场次单上）The rating QR code of a project',
    tag,
    params: projectParams,
    response: l.ratingLinkReply,
  }),
  ratingPage: route({
    method: 'get',
    path: '/api/public/ratings/{token}',
    summary: '扫码评价页：项目名称与评价选项 The public rating page',
    tag: '公开 Public',
    auth: false,
    params: l.ratingParams,
    response: l.ratingPage,
  }),
  rate: route({
    method: 'post',
    path: '/api/public/ratings/{token}',
    summary: '交易主体评价服务（每个主体每个项目一次，不记名）Rate the service, once per party and project',
    tag: '公开 Public',
    auth: false,
    params: l.ratingParams,
    body: l.ratingBody,
    response: l.ratingReply,
    status: 201,
  }),
  publicBulletins: route({
    method: 'get',
    path: '/api/public/bulletins',
    summary: '已公开的月度通报（近十二个月）Published monthly bulletins',
    tag: '公开 Public',
    auth: false,
    response: l.bulletinsReply,
  }),
  creditDisclosure: route({
    method: 'get',
    path: '/api/public/credit',
    summary: '不良行为公开：已通报公开的月份 The published credit disclosures',
    tag: '公开 Public',
    auth: false,
    query: l.creditQuery,
    response: l.creditReply,
  }),
};
