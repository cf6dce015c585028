import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { AuthService } from './auth.service';

/** Pages for signed-in users; others go to sign in. */
export const authGuard = () => {
  const auth = inject(AuthService);
  return auth.signedIn() ? true : inject(Router).parseUrl('/login');
};

/** Pages for admins; others go to their inbox. The server checks every request all the same. */
export const adminGuard = () => {
  const auth = inject(AuthService);
  return auth.user()?.roles.includes('admin') ? true : inject(Router).parseUrl('/inbox');
};
