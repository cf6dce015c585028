/**
 * Pausing a project on a report (情况特殊的应立即暂停, 3.2.2) and lifting the pause — by the flow's
 * own steps (anomaly.pause-project, anomaly.resume-project) or by a leader at once (POST
 * /projects/:id/resume). Each is one audited change, told to the project's parties; done again
 * (a job that runs twice) it changes nothing and tells nobody twice.
 */
import type { Connection } from 'mongoose';
import { notFound, userError } from '@ggzy/shared';
import type { AuditService } from '../audit/audit.service';
import type { Notifier } from '../notifications/notifier';
import { WriteLocks } from '../db/write-locks';
import { projectLock, projectModel } from './project.model';

export class ProjectPauses {
  private readonly Project;
  private readonly locks: WriteLocks;

  constructor(
    db: Connection,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
  ) {
    this.Project = projectModel(db);
    this.locks = new WriteLocks(db);
  }

  /** The groups a pause or its lifting is told to: the project's section and its head, supervision, the general section. */
  private partiesOf(section: string): string[] {
    return [section, `${section}.head`, 'supervision', 'general'];
  }

  async pause(p: { projectId: string; instanceId: string; reason: string; by: string }): Promise<{ pausedAt: string; notified: number; told: string[] }> {
    const { doc, pausedAt, now } = await this.locks.hold(projectLock(p.projectId), async () => {
      const doc = await this.Project.findById(p.projectId).lean();
      if (!doc) throw notFound('Project', '项目', p.projectId);
      if (doc.pauseInstanceId === p.instanceId) return { doc, pausedAt: doc.pausedAt ?? new Date(), now: false };
      const pausedAt = new Date();
      await this.Project.updateOne(
        { _id: p.projectId },
        { $set: { status: 'paused', pausedAt, pausedBy: p.by, pauseReason: p.reason, pauseInstanceId: p.instanceId } },
      );
      return { doc, pausedAt, now: true };
    });
    if (now) {
      await this.audit.append({
        actor: 'system',
        action: 'project.paused',
        instanceId: p.instanceId,
        data: { projectId: p.projectId, before: doc.status, after: 'paused', reason: p.reason },
      });
    }
    const told = this.partiesOf(doc.section);
    const notified = await this.notifier.send({
      key: `pause:${p.instanceId}`,
      groups: told,
      instanceId: p.instanceId,
      kind: 'project.paused',
      title: `【项目暂停】${doc.name}`,
      body: `因“${p.reason}”，项目 ${doc._id} 已立即暂停，请保留现场证据，各方暂停相关交易活动。`,
    });
    return { pausedAt: pausedAt.toISOString(), notified, told };
  }

  /**
   * Lift a pause, with the reason. `key`: what makes a repeat the same lifting (the flow's step);
   * `instanceId`: the report whose step lifts it — a pause another report made is not its to lift.
   */
  async resume(p: { projectId: string; reason: string; by: string; key: string; instanceId?: string }): Promise<{ resumed: boolean }> {
    const doc = await this.locks.hold(projectLock(p.projectId), async () => {
      const doc = await this.Project.findById(p.projectId).lean();
      if (!doc) throw notFound('Project', '项目', p.projectId);
      if (doc.status !== 'paused' || (p.instanceId && doc.pauseInstanceId !== p.instanceId)) {
        if (p.instanceId) return null;
        throw userError('PROJECT_NOT_PAUSED', '项目未暂停', 'The project is not paused', { status: 409 });
      }
      await this.Project.updateOne(
        { _id: p.projectId },
        { $set: { status: 'active', pausedAt: null, pausedBy: null, pauseReason: null, pauseInstanceId: null } },
      );
      return doc;
    });
    if (!doc) return { resumed: false };
    await this.audit.append({
      actor: p.by,
      action: 'project.resumed',
      instanceId: doc.pauseInstanceId ?? undefined,
      data: { projectId: p.projectId, before: 'paused', after: 'active', opinion: p.reason },
    });
    await this.notifier.send({
      key: `resume:${p.key}`,
      groups: this.partiesOf(doc.section),
      ...(doc.pauseInstanceId && { instanceId: doc.pauseInstanceId }),
      kind: 'project.resumed',
      title: `【恢复交易】${doc.name}`,
      body: `项目 ${p.projectId} 已恢复交易。${p.reason}`,
    });
    return { resumed: true };
  }
}
