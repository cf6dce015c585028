import { Injectable, signal } from '@angular/core';

/** The unread count the header's bell shows, kept current by the bell and the notification centre alike. */
@Injectable({ providedIn: 'root' })
export class NotificationCounts {
  readonly unread = signal(0);
}
