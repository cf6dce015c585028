/** The routes of the leaders' dashboard (one part of the API contract, merged into `API`). */
import { route } from './route';
import * as d from './dashboard';

const tag = '看板 Dashboard';

export const DASHBOARD_ROUTES = {
  dashboard: route({
    method: 'get',
    path: '/api/dashboard',
    summary: '领导看板：办件、用时、超期与督办、要情、借阅与协查（领导、监督科、大数据科、科室负责人）The dashboard',
    tag,
    query: d.dashboardQuery,
    response: d.dashboardReply,
  }),
  exportDashboard: route({
    method: 'get',
    path: '/api/dashboard/export',
    summary: '导出看板数据（Excel，每图一表；chart= 只导出一图）The dashboard numbers as .xlsx',
    tag,
    query: d.dashboardExportQuery,
    produces: 'application/octet-stream',
  }),
};
