import { Injectable, computed, inject, signal } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { Router } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import type { UserDto } from './api.types';

const KEY = 'ggzy.session';

/** The signed-in user and their bearer token (kept in localStorage for this browser). */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  readonly user = signal<UserDto | null>(null);
  readonly token = signal<string | null>(null);
  readonly signedIn = computed(() => !!this.user());

  constructor() {
    const saved = localStorage.getItem(KEY);
    if (saved) {
      try {
        const s = JSON.parse(saved) as { token: string; user: UserDto };
        this.token.set(s.token);
        this.user.set(s.user);
      } catch {
        localStorage.removeItem(KEY);
      }
    }
  }

  async login(username: string, password: string): Promise<void> {
    const r = await firstValueFrom(
      this.http.post<{ token: string; user: UserDto }>('/api/auth/login', { username, password }),
    );
    this.token.set(r.token);
    this.user.set(r.user);
    localStorage.setItem(KEY, JSON.stringify(r));
  }

  /** Choose a new password (this session goes on; the user's others end). */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await firstValueFrom(this.http.post('/api/auth/password', { currentPassword, newPassword }));
    this.remember(await firstValueFrom(this.http.get<UserDto>('/api/me')));
  }

  /** Whether the system waits for its first admin (no users yet). */
  async setupNeeded(): Promise<boolean> {
    const r = await firstValueFrom(this.http.get<{ needed: boolean }>('/api/setup')).catch(() => ({
      needed: false,
    }));
    return r.needed;
  }

  /** Create the first admin with the one-time code from the server's log, and sign in as them. */
  async setup(b: { code: string; id: string; name: string; password: string }): Promise<void> {
    await firstValueFrom(this.http.post('/api/setup', b));
    await this.login(b.id, b.password);
  }

  private remember(user: UserDto): void {
    this.user.set(user);
    localStorage.setItem(KEY, JSON.stringify({ token: this.token(), user }));
  }

  async logout(): Promise<void> {
    await firstValueFrom(this.http.post('/api/auth/logout', {})).catch(() => undefined);
    this.clear();
    await this.router.navigateByUrl('/login');
  }

  clear(): void {
    this.token.set(null);
    this.user.set(null);
    localStorage.removeItem(KEY);
  }
}
