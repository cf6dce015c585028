import type { Routes } from '@angular/router';
import { authGuard } from './core/auth.interceptor';

export const routes: Routes = [
  {
    path: 'login',
    loadComponent: () => import('./login/login.page').then((m) => m.LoginPage),
    title: '登录',
  },
  {
    path: '',
    canActivate: [authGuard],
    loadComponent: () => import('./layout/shell.component').then((m) => m.ShellComponent),
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
    ],
  },
  { path: '**', redirectTo: '' },
];
