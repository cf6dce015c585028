import { Component, DestroyRef, inject, signal } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import type { Reply } from '../core/api.types';

type Board = Reply<'hallBoard'>;

/** Refreshes this often (a change reaches the screen within it). */
const REFRESH_MS = 30_000;

/**
 * 大厅显示屏: today's sessions for the screen in the trading hall — time, room, what, which project,
 * the witness on duty. Public (the screen signs in as no one) and without anything private; it
 * refreshes itself, and keeps the last board shown while the network is away.
 */
@Component({
  selector: 'app-hall-board',
  template: `
    <main class="board">
      <header>
        <h1>湘西州公共资源交易中心 · 今日开评标安排</h1>
        <div class="clock" data-testid="hall-clock">{{ now() }}</div>
      </header>
      @if (board(); as b) {
        <table data-testid="hall-board">
          <caption class="sr-only">
            {{
              b.day
            }}
            开评标安排
          </caption>
          <thead>
            <tr>
              <th scope="col">时间</th>
              <th scope="col">场地</th>
              <th scope="col">事项</th>
              <th scope="col">项目编号</th>
              <th scope="col">项目名称</th>
              <th scope="col">见证人</th>
            </tr>
          </thead>
          <tbody>
            @for (s of b.sessions; track $index) {
              <tr [class.now]="running(s)">
                <td class="time">{{ s.start }}–{{ s.end }}</td>
                <td>{{ s.roomName }}</td>
                <td>{{ s.purpose }}</td>
                <td>{{ s.projectId }}</td>
                <td>{{ s.projectName }}</td>
                <td>{{ s.witnessName ?? '待定' }}</td>
              </tr>
            } @empty {
              <tr>
                <td colspan="6" class="empty">今日无开评标安排</td>
              </tr>
            }
          </tbody>
        </table>
        <footer>
          {{ b.day }} · 更新于 {{ beijing(b.updatedAt) }}
          @if (offline()) {
            <span class="offline" data-testid="hall-offline"
              >· 网络中断，显示的是最近一次的安排</span
            >
          }
        </footer>
      } @else {
        <p class="empty">正在读取今日安排…</p>
      }
    </main>
  `,
  styles: `
    :host {
      display: block;
      min-height: 100vh;
      background: #001529;
      color: #fff;
    }
    .board {
      padding: 24px 32px;
    }
    header {
      display: flex;
      justify-content: space-between;
      align-items: baseline;
    }
    h1 {
      color: #fff;
      font-size: 32px;
      margin: 0 0 16px;
    }
    .clock {
      font-size: 28px;
      font-variant-numeric: tabular-nums;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 24px;
    }
    th {
      text-align: left;
      color: #ffd666;
      border-bottom: 2px solid #ffd666;
      padding: 8px;
    }
    td {
      padding: 10px 8px;
      border-bottom: 1px solid rgba(255, 255, 255, 0.25);
    }
    tr.now td {
      background: #0958d9;
    }
    .time {
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .empty {
      text-align: center;
      font-size: 24px;
      padding: 48px;
    }
    footer {
      margin-top: 16px;
      font-size: 16px;
      color: rgba(255, 255, 255, 0.85);
    }
    .offline {
      color: #ffd666;
    }
  `,
})
export class HallBoardPage {
  private readonly http = inject(HttpClient);
  readonly board = signal<Board | null>(null);
  readonly offline = signal(false);
  readonly now = signal(this.clock());

  constructor() {
    void this.load();
    const refresh = setInterval(() => void this.load(), REFRESH_MS);
    const tick = setInterval(() => this.now.set(this.clock()), 1000);
    inject(DestroyRef).onDestroy(() => {
      clearInterval(refresh);
      clearInterval(tick);
    });
  }

  private clock(): string {
    return new Date().toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
  }

  beijing(iso: string): string {
    return new Date(iso).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
  }

  /** Whether a session is on now (Beijing time). */
  running(s: { start: string; end: string }): boolean {
    const hm = new Date().toLocaleTimeString('zh-CN', {
      hour12: false,
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
    });
    return s.start <= hm && hm < s.end;
  }

  async load(): Promise<void> {
    try {
      this.board.set(await firstValueFrom(this.http.get<Board>('/api/public/hall-board')));
      this.offline.set(false);
    } catch {
      this.offline.set(true);
    }
  }
}
