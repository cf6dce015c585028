import { Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { RouterLink } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzDrawerModule } from 'ng-zorro-antd/drawer';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzDatePickerModule } from 'ng-zorro-antd/date-picker';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { TranslatePipe } from '../core/i18n';
import { centerToday, localDay } from '../core/dates';
import { AuthService } from '../core/auth.service';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';
import { RoomsAdminComponent } from './rooms-admin.component';

type Week = Reply<'venueWeek'>;
type Session = Week['sessions'][number];
type Person = Reply<'users'>['items'][number];

const PURPOSES = ['开标', '评标', '远程异地评标', '样品查验', '陪标', '其他'];
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

function shift(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + n);
  return localDay(d);
}
/** The Monday of the week `day` is in. */
function monday(day: string): string {
  const d = new Date(`${day}T00:00:00`);
  return shift(day, -((d.getDay() + 6) % 7));
}

/**
 * 场地周历: every room over a week, its sessions (time, project, purpose, witness). 综合科 books a
 * free slot, moves or cancels a booking (every party is told); the head of the project's section
 * names the witness on duty.
 */
@Component({
  selector: 'app-venues',
  imports: [
    TranslatePipe,
    FormsModule,
    RouterLink,
    NzButtonModule,
    NzDrawerModule,
    NzSelectModule,
    NzInputModule,
    NzDatePickerModule,
    NzAlertModule,
    NzTagModule,
    NzDescriptionsModule,
    RoomsAdminComponent,
  ],
  templateUrl: './venues.page.html',
  styleUrl: './venues.page.scss',
})
export class VenuesPage {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);
  readonly today = centerToday();
  readonly purposes = PURPOSES;
  readonly from = signal(monday(this.today));
  readonly last = computed(() => shift(this.from(), 6));
  readonly week = signal<Week | null>(null);
  readonly error = signal<string | null>(null);
  readonly formError = signal<string | null>(null);
  readonly draft = signal<{
    id?: string;
    version?: number;
    room: string;
    day: string;
    start: string;
    end: string;
    purpose: string;
    projectId: string;
    note: string;
    reason: string;
  } | null>(null);
  readonly chosen = signal<Session | null>(null);
  private readonly people = signal<Person[]>([]);
  witness = '';
  readonly roomsOpen = signal(false);
  readonly isAdmin = computed(() => !!this.auth.user()?.roles.includes('admin'));
  cancelReason = '';
  readonly mayBook = computed(() => {
    const u = this.auth.user();
    return !!u && (u.roles.includes('admin') || u.sections.includes('general'));
  });

  constructor() {
    void this.load();
    void firstValueFrom(this.http.get<Reply<'users'>>('/api/users')).then(
      (r) => this.people.set(r.items),
      () => undefined,
    );
  }

  weekday(day: string): string {
    return WEEKDAYS[new Date(`${day}T00:00:00`).getDay()]!;
  }

  at(room: string, day: string): Session[] {
    return (this.week()?.sessions ?? []).filter((s) => s.room === room && s.day === day);
  }

  go(days: number): void {
    this.from.set(shift(this.from(), days));
    void this.load();
  }

  thisWeek(): void {
    this.from.set(monday(this.today));
    void this.load();
  }

  async load(): Promise<void> {
    this.error.set(null);
    try {
      this.week.set(
        await firstValueFrom(
          this.http.get<Week>('/api/venues/week', {
            params: new HttpParams().set('from', this.from()).set('days', 7),
          }),
        ),
      );
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  newBooking(room: string, day: string): void {
    this.formError.set(null);
    this.draft.set({
      room,
      day,
      start: '09:00',
      end: '11:00',
      purpose: '开标',
      projectId: '',
      note: '',
      reason: '',
    });
  }

  edit(s: Session): void {
    this.formError.set(null);
    this.chosen.set(null);
    this.draft.set({
      id: s.id,
      version: s.version,
      room: s.room,
      day: s.day,
      start: s.start,
      end: s.end,
      purpose: s.purpose,
      projectId: s.projectId,
      note: s.note ?? '',
      reason: '',
    });
  }

  open(s: Session): void {
    this.formError.set(null);
    this.witness = s.witness ?? '';
    this.cancelReason = '';
    this.chosen.set(s);
  }

  /** The head of the project's section (or an admin) names its witness. */
  mayName(s: Session): boolean {
    const u = this.auth.user();
    return (
      !!u &&
      (u.roles.includes('admin') ||
        (u.roles.includes('head') && u.sections.includes(s.section as never)))
    );
  }

  witnessesOf(section: string): Person[] {
    return this.people().filter(
      (p) => p.roles.includes('witness') && p.sections.includes(section as never),
    );
  }

  async saveBooking(): Promise<void> {
    const b = this.draft();
    if (!b) return;
    this.formError.set(null);
    const body = {
      room: b.room,
      day: b.day,
      start: b.start,
      end: b.end,
      purpose: b.purpose,
      projectId: b.projectId.trim(),
      note: b.note || null,
      ...(b.id && { version: b.version, ...(b.reason.trim() && { reason: b.reason.trim() }) }),
    };
    try {
      if (b.id) await firstValueFrom(this.http.put(`/api/venues/bookings/${b.id}`, body));
      else await firstValueFrom(this.http.post('/api/venues/bookings', body));
      this.draft.set(null);
      await this.load();
    } catch (err) {
      this.formError.set(apiError(err).message);
    }
  }

  async name(s: Session): Promise<void> {
    try {
      await firstValueFrom(
        this.http.post(`/api/venues/bookings/${s.id}/witness`, { witness: this.witness }),
      );
      this.chosen.set(null);
      await this.load();
    } catch (err) {
      this.formError.set(apiError(err).message);
    }
  }

  async cancel(s: Session): Promise<void> {
    try {
      await firstValueFrom(
        this.http.post(`/api/venues/bookings/${s.id}/cancel`, { reason: this.cancelReason.trim() }),
      );
      this.chosen.set(null);
      await this.load();
    } catch (err) {
      this.formError.set(apiError(err).message);
    }
  }
}
