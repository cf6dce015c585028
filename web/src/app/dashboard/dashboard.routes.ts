import type { Routes } from '@angular/router';
import { provideEchartsCore } from 'ngx-echarts';

/** The dashboard with its chart library: both load only when the page is opened. */
export const DASHBOARD_ROUTES: Routes = [
  {
    path: '',
    providers: [
      provideEchartsCore({ echarts: () => import('./echarts-setup').then((m) => m.echarts) }),
    ],
    loadComponent: () => import('./dashboard.page').then((m) => m.DashboardPage),
  },
];
