import type { Routes } from '@angular/router';
import { ShellComponent } from './layout/shell.component';
import {
  adminGuard,
  auditGuard,
  authGuard,
  dashboardGuard,
  signedInGuard,
  staffGuard,
  viewLogGuard,
} from './core/route-guards';

export const routes: Routes = [
  {
    path: 'login',
    loadComponent: () => import('./login/login.page').then((m) => m.LoginPage),
    title: '登录',
  },
  {
    path: 'hall',
    loadComponent: () => import('./venues/hall-board.page').then((m) => m.HallBoardPage),
    title: '大厅显示屏',
  },
  {
    path: 'complaint',
    loadComponent: () =>
      import('./public/complaint-status.page').then((m) => m.ComplaintStatusPage),
    title: '投诉、建议查询',
  },
  {
    path: 'rate/:token',
    loadComponent: () => import('./public/rating.page').then((m) => m.RatingPage),
    title: '服务评价',
  },
  {
    path: 'reports',
    loadComponent: () => import('./reports/public-reports.page').then((m) => m.PublicReportsPage),
    title: '要情专报公开',
  },
  {
    path: 'reports/:id',
    loadComponent: () => import('./reports/public-reports.page').then((m) => m.PublicReportsPage),
    title: '要情专报公开',
  },
  {
    path: 'credit',
    loadComponent: () => import('./public/credit.page').then((m) => m.CreditPage),
    title: '信用信息公开',
  },
  {
    path: 'password',
    canActivate: [signedInGuard],
    loadComponent: () => import('./login/password.page').then((m) => m.PasswordPage),
    title: '修改密码',
  },
  {
    path: '',
    canActivate: [authGuard],
    // (in the first bundle: every signed-in page starts with it, one fetch fewer before the page)
    component: ShellComponent,
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'inbox' },
      {
        path: 'inbox',
        loadComponent: () => import('./inbox/inbox.page').then((m) => m.InboxPage),
        title: '工作台',
      },
      {
        path: 'tasks/:id',
        loadComponent: () => import('./task/task.page').then((m) => m.TaskPage),
        title: '办理',
      },
      {
        path: 'start',
        loadComponent: () => import('./start/start.page').then((m) => m.StartPage),
        title: '发起',
      },
      {
        path: 'projects',
        canActivate: [staffGuard],
        loadComponent: () => import('./projects/projects.page').then((m) => m.ProjectsPage),
        title: '项目登记簿',
      },
      {
        path: 'projects/:id',
        canActivate: [staffGuard],
        loadComponent: () => import('./projects/project.page').then((m) => m.ProjectPage),
        title: '项目',
      },
      {
        path: 'witness',
        canActivate: [staffGuard],
        loadComponent: () => import('./witness/witness.page').then((m) => m.WitnessPage),
        title: '见证记录',
      },
      {
        path: 'area-log',
        canActivate: [staffGuard],
        loadComponent: () => import('./area/area-log.page').then((m) => m.AreaLogPage),
        title: '开评标区管理记录',
      },
      {
        path: 'venues',
        canActivate: [staffGuard],
        loadComponent: () => import('./venues/venues.page').then((m) => m.VenuesPage),
        title: '场地安排',
      },
      {
        path: 'archives',
        loadComponent: () =>
          import('./archives/archive-grants.page').then((m) => m.ArchiveGrantsPage),
        title: '我的档案调阅',
      },
      {
        path: 'supervision-records',
        canActivate: [viewLogGuard],
        loadComponent: () =>
          import('./archives/supervision-records.page').then((m) => m.SupervisionRecordsPage),
        title: '现场监督记录',
      },
      {
        path: 'archive-views',
        canActivate: [viewLogGuard],
        loadComponent: () =>
          import('./archives/archive-views.page').then((m) => m.ArchiveViewsPage),
        title: '档案调阅记录',
      },
      {
        path: 'archives/:id',
        loadComponent: () =>
          import('./archives/archive-reader.page').then((m) => m.ArchiveReaderPage),
        title: '档案调阅',
      },
      {
        path: 'admin/instances',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/instances.page').then((m) => m.InstancesPage),
        title: '流程监控',
      },
      {
        path: 'agents',
        canActivate: [staffGuard],
        loadComponent: () => import('./agents/agents.page').then((m) => m.AgentsPage),
        title: '代理机构库',
      },
      {
        path: 'ledgers',
        canActivate: [staffGuard],
        loadComponent: () => import('./ledgers/ledger.page').then((m) => m.LedgerPage),
        title: '台账',
      },
      {
        path: 'ledgers/:kind',
        canActivate: [staffGuard],
        loadComponent: () => import('./ledgers/ledger.page').then((m) => m.LedgerPage),
        title: '台账',
      },
      {
        path: 'dispatches',
        canActivate: [staffGuard],
        loadComponent: () => import('./reports/dispatches.page').then((m) => m.DispatchesPage),
        title: '要情专报印发记录',
      },
      {
        path: 'bulletins',
        canActivate: [staffGuard],
        loadComponent: () => import('./ledgers/bulletins.page').then((m) => m.BulletinsPage),
        title: '月度通报',
      },
      {
        path: 'ledgers/:kind/items/:id',
        canActivate: [staffGuard],
        loadComponent: () => import('./ledgers/ledger-item.page').then((m) => m.LedgerItemPage),
        title: '台账记录',
      },
      {
        path: 'admin/instances/:id',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/instance-detail.page').then((m) => m.InstancePage),
        title: '流程监控',
      },
      {
        path: 'admin/forms',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/forms.page').then((m) => m.FormsPage),
        title: '表单设计',
      },
      {
        path: 'admin/forms/:id',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/form-designer.page').then((m) => m.FormDesignerPage),
        title: '表单设计',
      },
      {
        path: 'admin/users',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/users.page').then((m) => m.UsersPage),
        title: '人员管理',
      },
      {
        path: 'admin/deliveries',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/deliveries.page').then((m) => m.DeliveriesPage),
        title: '通知发送',
      },
      {
        path: 'dashboard',
        canActivate: [dashboardGuard],
        loadChildren: () => import('./dashboard/dashboard.routes').then((m) => m.DASHBOARD_ROUTES),
        title: '领导看板',
      },
      {
        path: 'notifications',
        loadComponent: () =>
          import('./notifications/notifications.page').then((m) => m.NotificationsPage),
        title: '通知中心',
      },
      {
        path: 'settings/notifications',
        loadComponent: () =>
          import('./notifications/notification-settings.page').then(
            (m) => m.NotificationSettingsPage,
          ),
        title: '通知方式',
      },
      {
        path: 'admin/calendar',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/calendar.page').then((m) => m.CalendarPage),
        title: '工作日历',
      },
      {
        path: 'audit',
        canActivate: [auditGuard],
        loadComponent: () => import('./admin/audit.page').then((m) => m.AuditPage),
        title: '审计',
      },
      {
        path: 'admin/processes',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/processes.page').then((m) => m.ProcessesPage),
        title: '流程设计',
      },
      {
        path: 'admin/processes/:key',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/designer.page').then((m) => m.DesignerPage),
        title: '流程设计',
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
