import { Injectable, inject } from '@angular/core';
import { Subject } from 'rxjs';
import { ApiService } from './api.service';
import { AuthService } from './auth.service';
import type { NotificationDto } from './api.types';

/**
 * The one live-update stream of this tab (server-sent events): what changed in the user's tasks,
 * and each new notification. Opened with a one-time ticket (no token in its URL); when it drops, a
 * new ticket opens it again a few seconds later (a ticket is good once).
 */
@Injectable({ providedIn: 'root' })
export class LiveEvents {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  /** A task offered to, held by or started by the user appeared or changed. */
  readonly taskChanged = new Subject<void>();
  /** A notification for the user was stored. */
  readonly notified = new Subject<NotificationDto>();
  private events: EventSource | null = null;
  private reconnect?: ReturnType<typeof setTimeout>;
  private running = false;

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.listen();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.reconnect);
    this.events?.close();
    this.events = null;
  }

  private async listen(): Promise<void> {
    if (!this.running || !this.auth.token()) return;
    try {
      const { ticket } = await this.api.streamTicket();
      if (!this.running) return;
      const events = new EventSource(`/api/events?ticket=${encodeURIComponent(ticket)}`);
      this.events = events;
      events.addEventListener('task', () => this.taskChanged.next());
      events.addEventListener('notification', (e) =>
        this.notified.next(JSON.parse((e as MessageEvent<string>).data) as NotificationDto),
      );
      events.onerror = () => {
        events.close();
        this.again();
      };
    } catch {
      this.again();
    }
  }

  private again(): void {
    if (!this.running) return;
    clearTimeout(this.reconnect);
    this.reconnect = setTimeout(() => void this.listen(), 3000);
  }
}
