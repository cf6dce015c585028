import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { HttpClient, HttpParams } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzDrawerModule } from 'ng-zorro-antd/drawer';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { TranslatePipe } from '../core/i18n';
import { apiError } from '../core/api.service';
import type { Reply } from '../core/api.types';

type Agent = Reply<'agent'>;
interface Draft {
  id: string;
  name: string;
  licence: string;
  qualifications: string[];
  contact: string;
  phone: string;
  address: string;
  status: 'active' | 'suspended';
  staff: { name: string; role: string; certificate: string; phone: string }[];
  version?: number;
}

const empty = (): Draft => ({
  id: '',
  name: '',
  licence: '',
  qualifications: [],
  contact: '',
  phone: '',
  address: '',
  status: 'active',
  staff: [],
});

/**
 * 代理机构库 (4.1): the agents, their licence and qualifications, and which staff belong to which
 * agent; 综合科 registers and edits them (against the version read), every section reads them.
 */
@Component({
  selector: 'app-agents',
  imports: [
    TranslatePipe,
    FormsModule,
    NzButtonModule,
    NzInputModule,
    NzSelectModule,
    NzTableModule,
    NzDrawerModule,
    NzAlertModule,
    NzTagModule,
  ],
  templateUrl: './agents.page.html',
  styleUrl: './agents.page.scss',
})
export class AgentsPage {
  private readonly http = inject(HttpClient);
  readonly items = signal<Agent[]>([]);
  readonly mayWrite = signal(false);
  readonly error = signal<string | null>(null);
  readonly open = signal(false);
  readonly saveError = signal<string | null>(null);
  /** The agent being edited, or null for a new one. */
  readonly editing = signal<Agent | null>(null);
  q = '';
  draft: Draft = empty();

  constructor() {
    void this.load();
  }

  async load(): Promise<void> {
    this.error.set(null);
    try {
      const params = this.q.trim() ? new HttpParams().set('q', this.q.trim()) : undefined;
      const r = await firstValueFrom(this.http.get<Reply<'agents'>>('/api/agents', { params }));
      this.items.set(r.items);
      this.mayWrite.set(r.mayWrite);
    } catch (err) {
      this.error.set(apiError(err).message);
    }
  }

  create(): void {
    this.editing.set(null);
    this.draft = empty();
    this.saveError.set(null);
    this.open.set(true);
  }

  show(a: Agent): void {
    this.editing.set(a);
    this.draft = {
      id: a.id,
      name: a.name,
      licence: a.licence,
      qualifications: [...a.qualifications],
      contact: a.contact ?? '',
      phone: a.phone ?? '',
      address: a.address ?? '',
      status: a.status,
      staff: a.staff.map((s) => ({
        name: s.name,
        role: s.role,
        certificate: s.certificate ?? '',
        phone: s.phone ?? '',
      })),
      version: a.version,
    };
    this.saveError.set(null);
    this.open.set(true);
  }

  addStaff(): void {
    this.draft.staff = [
      ...this.draft.staff,
      { name: '', role: '项目负责人', certificate: '', phone: '' },
    ];
  }

  removeStaff(i: number): void {
    this.draft.staff = this.draft.staff.filter((_s, j) => j !== i);
  }

  async save(): Promise<void> {
    this.saveError.set(null);
    const d = this.draft;
    const body = {
      name: d.name,
      licence: d.licence,
      qualifications: d.qualifications,
      contact: d.contact || null,
      phone: d.phone || null,
      address: d.address || null,
      status: d.status,
      staff: d.staff.map((s) => ({
        name: s.name,
        role: s.role,
        certificate: s.certificate || null,
        phone: s.phone || null,
      })),
    };
    try {
      if (this.editing())
        await firstValueFrom(
          this.http.put(`/api/agents/${this.editing()!.id}`, { ...body, version: d.version }),
        );
      else
        await firstValueFrom(
          this.http.post('/api/agents', { id: d.id.trim().toUpperCase(), ...body }),
        );
      this.open.set(false);
      await this.load();
    } catch (err) {
      this.saveError.set(apiError(err).message);
    }
  }
}
