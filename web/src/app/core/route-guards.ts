import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { dashboardSections, groupsOf } from '@ggzy/shared';
import { AuthService } from './auth.service';

/** Pages for signed-in users; others go to sign in, and whose password an admin set first choose their own. */
export const authGuard = () => {
  const auth = inject(AuthService);
  if (!auth.signedIn()) return inject(Router).parseUrl('/login');
  return auth.user()?.mustChangePassword ? inject(Router).parseUrl('/password') : true;
};

/** The page to choose a new password: for anyone signed in. */
export const signedInGuard = () =>
  inject(AuthService).signedIn() ? true : inject(Router).parseUrl('/login');

/** Pages for admins; others go to their inbox. The server checks every request all the same. */
export const adminGuard = () => {
  const auth = inject(AuthService);
  return auth.user()?.roles.includes('admin') ? true : inject(Router).parseUrl('/inbox');
};

type Someone = { roles: readonly string[]; sections: readonly string[] } | null | undefined;

/** Admins, the leaders, and the members of `group`. */
function adminLeaderOr(u: Someone, group: string): boolean {
  if (!u) return false;
  return (
    ['admin', 'principal', 'deputy'].some((r) => u.roles.includes(r)) || groupsOf(u).includes(group)
  );
}

/** Who may read the whole audit trail and verify it: admins, leaders, the supervision head (as the server rules). */
export const mayAudit = (u: Someone): boolean => adminLeaderOr(u, 'supervision.head');

/** Who may read who read the archives (调阅记录) and the supervision records (表六): supervision, leaders, admins (as the server rules). */
export const mayReadViewLog = (u: Someone): boolean => adminLeaderOr(u, 'supervision');

/** Who may read the special reports' dispatch records: the office, supervision, leaders, admins (as the server rules). */
export const mayReadDispatches = (u: Someone): boolean =>
  adminLeaderOr(u, 'supervision') || adminLeaderOr(u, 'office');

export const viewLogGuard = () =>
  mayReadViewLog(inject(AuthService).user()) ? true : inject(Router).parseUrl('/inbox');

/** Pages for those who audit; others go to their inbox. */
export const auditGuard = () =>
  mayAudit(inject(AuthService).user()) ? true : inject(Router).parseUrl('/inbox');

/** Who reads the project register: the center's people (not external applicants or system accounts). */
export const mayReadRegister = (u: Someone): boolean =>
  !!u && !u.roles.includes('external') && !u.roles.includes('integration');

export const staffGuard = () =>
  mayReadRegister(inject(AuthService).user()) ? true : inject(Router).parseUrl('/inbox');

/** Who reads the area log (表四): 综合科 keeps it; 办公室, 信息科, supervision and the leaders read it (as the server rules). */
export const mayReadAreaLog = (u: Someone): boolean =>
  !!u &&
  (['admin', 'deputy', 'principal'].some((r) => u.roles.includes(r)) ||
    ['general', 'office', 'it', 'supervision'].some((s) => u.sections.includes(s)));

/** Who sees the dashboard: leaders, supervision, big data, section heads (as the server rules). */
export const mayReadDashboard = (u: Someone): boolean => !!u && dashboardSections(u) !== false;

export const dashboardGuard = () =>
  mayReadDashboard(inject(AuthService).user()) ? true : inject(Router).parseUrl('/inbox');
