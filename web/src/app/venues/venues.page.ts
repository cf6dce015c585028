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
import { localDay } from '../core/dates';
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
  template: `
    <div class="bar">
      <h2>{{ '场地安排' | t }}</h2>
      <button nz-button (click)="go(-7)" [attr.aria-label]="'上一周' | t">‹</button>
      <button nz-button (click)="thisWeek()">{{ '本周' | t }}</button>
      <button nz-button (click)="go(7)" [attr.aria-label]="'下一周' | t">›</button>
      <span data-testid="venue-range">{{ from() }} — {{ last() }}</span>
      <span class="grow"></span>
      @if (isAdmin()) {
        <button nz-button (click)="roomsOpen.set(true)" data-testid="rooms-admin">
          {{ '场地维护' | t }}
        </button>
      }
      <a nz-button nzType="link" routerLink="/hall" target="_blank">{{ '大厅显示屏' | t }}</a>
    </div>
    @if (error()) {
      <nz-alert nzType="error" [nzMessage]="error()!" class="gap"></nz-alert>
    }
    @if (week(); as w) {
      <div class="grid" role="table" [attr.aria-label]="'场地周历' | t" data-testid="venue-week">
        <div role="row" class="row head">
          <div role="columnheader" class="room">{{ '场地' | t }}</div>
          @for (d of w.days; track d) {
            <div role="columnheader" class="day" [class.today]="d === today">
              {{ d.slice(5) }} {{ '周' | t }}{{ weekday(d) }}
            </div>
          }
        </div>
        @for (r of w.rooms; track r.id) {
          <div role="row" class="row">
            <div role="rowheader" class="room">
              <strong>{{ r.name }}</strong>
              <small>{{ r.kind }}{{ r.active ? '' : ' · ' + ('已停用' | t) }}</small>
            </div>
            @for (d of w.days; track d) {
              <div
                role="cell"
                class="cell"
                [class.today]="d === today"
                [attr.data-testid]="'cell-' + r.id + '-' + d"
              >
                @for (s of at(r.id, d); track s.id) {
                  <button
                    type="button"
                    class="session"
                    (click)="open(s)"
                    [attr.data-testid]="'session-' + s.projectId + '-' + d"
                  >
                    <span class="time">{{ s.start }}–{{ s.end }}</span>
                    <span>{{ s.purpose }} · {{ s.projectId }}</span>
                    <span class="who">{{
                      s.witnessName ? ('见证：' | t) + s.witnessName : ('未指定见证人' | t)
                    }}</span>
                  </button>
                }
                @if (mayBook() && r.active) {
                  <button
                    type="button"
                    class="add"
                    (click)="newBooking(r.id, d)"
                    [attr.aria-label]="r.name + ' ' + d + ' 预约'"
                    [attr.data-testid]="'book-' + r.id + '-' + d"
                  >
                    +
                  </button>
                }
              </div>
            }
          </div>
        }
      </div>
    }

    <nz-drawer
      [nzVisible]="!!draft()"
      [nzWidth]="520"
      [nzTitle]="(draft()?.id ? '变更预约' : '预约场地') | t"
      (nzOnClose)="draft.set(null)"
    >
      <ng-container *nzDrawerContent>
        @if (draft(); as b) {
          <form class="form" (ngSubmit)="saveBooking()" data-testid="booking-form">
            <label for="b-project">{{ '项目编号' | t }}</label>
            <input
              nz-input
              id="b-project"
              name="projectId"
              [(ngModel)]="b.projectId"
              [disabled]="!!b.id"
              data-testid="b-project"
            />
            <label for="b-room">{{ '场地' | t }}</label>
            <nz-select nzId="b-room" name="room" [(ngModel)]="b.room" data-testid="b-room">
              @for (r of week()?.rooms ?? []; track r.id) {
                <nz-option [nzValue]="r.id" [nzLabel]="r.name"></nz-option>
              }
            </nz-select>
            <label for="b-day">{{ '日期' | t }}</label>
            <input
              nz-input
              id="b-day"
              name="day"
              type="date"
              [(ngModel)]="b.day"
              data-testid="b-day"
            />
            <div class="times">
              <span>
                <label for="b-start">{{ '开始' | t }}</label>
                <input
                  nz-input
                  id="b-start"
                  name="start"
                  type="time"
                  [(ngModel)]="b.start"
                  data-testid="b-start"
                />
              </span>
              <span>
                <label for="b-end">{{ '结束' | t }}</label>
                <input
                  nz-input
                  id="b-end"
                  name="end"
                  type="time"
                  [(ngModel)]="b.end"
                  data-testid="b-end"
                />
              </span>
            </div>
            <label for="b-purpose">{{ '用途' | t }}</label>
            <nz-select nzId="b-purpose" name="purpose" [(ngModel)]="b.purpose">
              @for (p of purposes; track p) {
                <nz-option [nzValue]="p" [nzLabel]="p"></nz-option>
              }
            </nz-select>
            <label for="b-note">{{ '备注' | t }}</label>
            <input nz-input id="b-note" name="note" [(ngModel)]="b.note" />
            @if (b.id) {
              <label for="b-reason">{{ '变更原因（通知各方）' | t }}</label>
              <input
                nz-input
                id="b-reason"
                name="reason"
                [(ngModel)]="b.reason"
                data-testid="b-reason"
              />
            }
            @if (formError()) {
              <nz-alert
                nzType="error"
                [nzMessage]="formError()!"
                data-testid="booking-error"
              ></nz-alert>
            }
            <button nz-button nzType="primary" type="submit" data-testid="booking-save">
              {{ (b.id ? '保存变更' : '预约') | t }}
            </button>
          </form>
        }
      </ng-container>
    </nz-drawer>

    <nz-drawer
      [nzVisible]="!!chosen()"
      [nzWidth]="520"
      [nzTitle]="'场地预约' | t"
      (nzOnClose)="chosen.set(null)"
    >
      <ng-container *nzDrawerContent>
        @if (chosen(); as s) {
          <nz-descriptions nzBordered nzSize="small" [nzColumn]="1" data-testid="session-detail">
            <nz-descriptions-item [nzTitle]="'项目' | t">
              <a [routerLink]="['/projects', s.projectId]">{{ s.projectId }}</a> {{ s.projectName }}
            </nz-descriptions-item>
            <nz-descriptions-item [nzTitle]="'时间' | t"
              >{{ s.day }} {{ s.start }}–{{ s.end }}</nz-descriptions-item
            >
            <nz-descriptions-item [nzTitle]="'场地' | t">{{ s.roomName }}</nz-descriptions-item>
            <nz-descriptions-item [nzTitle]="'用途' | t">{{ s.purpose }}</nz-descriptions-item>
            <nz-descriptions-item [nzTitle]="'见证人' | t">{{
              s.witnessName ?? ''
            }}</nz-descriptions-item>
            <nz-descriptions-item [nzTitle]="'备注' | t">{{ s.note ?? '' }}</nz-descriptions-item>
          </nz-descriptions>
          @if (mayName(s)) {
            <div class="gap line">
              <label for="s-witness">{{ '指定见证人' | t }}</label>
              <nz-select
                nzId="s-witness"
                [(ngModel)]="witness"
                class="wide"
                data-testid="s-witness"
              >
                @for (p of witnessesOf(s.section); track p.id) {
                  <nz-option [nzValue]="p.id" [nzLabel]="p.name"></nz-option>
                }
              </nz-select>
              <button
                nz-button
                nzType="primary"
                (click)="name(s)"
                [disabled]="!witness"
                data-testid="s-name"
              >
                {{ '指定' | t }}
              </button>
            </div>
          }
          @if (mayBook()) {
            <div class="gap line">
              <button nz-button (click)="edit(s)" data-testid="s-edit">{{ '变更' | t }}</button>
              <label class="sr-only" for="s-cancel-reason">{{ '取消原因' | t }}</label>
              <input
                nz-input
                id="s-cancel-reason"
                [(ngModel)]="cancelReason"
                [placeholder]="'取消原因' | t"
                class="wide"
              />
              <button
                nz-button
                nzDanger
                (click)="cancel(s)"
                [disabled]="!cancelReason.trim()"
                data-testid="s-cancel"
              >
                {{ '取消预约' | t }}
              </button>
            </div>
          }
          @if (formError()) {
            <nz-alert nzType="error" class="gap" [nzMessage]="formError()!"></nz-alert>
          }
        }
      </ng-container>
    </nz-drawer>
    <nz-drawer
      [nzVisible]="roomsOpen()"
      [nzWidth]="640"
      [nzTitle]="'场地维护' | t"
      (nzOnClose)="roomsOpen.set(false)"
    >
      <ng-container *nzDrawerContent>
        <app-rooms-admin [rooms]="week()?.rooms ?? []" (changed)="load()" />
      </ng-container>
    </nz-drawer>
  `,
  styles: `
    .bar {
      display: flex;
      gap: 8px;
      align-items: center;
      margin-bottom: 12px;
    }
    .bar h2 {
      margin: 0 12px 0 0;
    }
    .grow {
      flex: 1;
    }
    .gap {
      margin-top: 12px;
    }
    .grid {
      display: grid;
      background: #fff;
      border: 1px solid #d9d9d9;
    }
    .row {
      display: grid;
      grid-template-columns: 140px repeat(7, minmax(120px, 1fr));
      border-top: 1px solid #f0f0f0;
    }
    .row.head {
      border-top: none;
      background: #fafafa;
      font-weight: 600;
    }
    .room,
    .day,
    .cell {
      padding: 6px;
      border-left: 1px solid #f0f0f0;
      min-height: 56px;
    }
    .room {
      display: flex;
      flex-direction: column;
      border-left: none;
    }
    .room small {
      color: #595959;
    }
    .today {
      background: #e6f4ff;
    }
    .session {
      display: flex;
      flex-direction: column;
      width: 100%;
      text-align: left;
      margin-bottom: 4px;
      padding: 4px 6px;
      border: 1px solid #91caff;
      border-left: 3px solid #0958d9;
      background: #fff;
      border-radius: 4px;
      cursor: pointer;
      font-size: 12px;
    }
    .session .time {
      font-weight: 600;
    }
    .session .who {
      color: #595959;
    }
    .add {
      width: 100%;
      border: 1px dashed #bfbfbf;
      background: transparent;
      color: #595959;
      border-radius: 4px;
      cursor: pointer;
    }
    .form {
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    .times {
      display: flex;
      gap: 12px;
    }
    .line {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .wide {
      min-width: 180px;
    }
  `,
})
export class VenuesPage {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);
  readonly today = localDay(new Date());
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
