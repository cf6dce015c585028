/**
 * Flows the system opens by itself: the archive collection a contract date opens (6.5.1) and the
 * periodic duties (the daily mailbox check). Started as 「系统」 through the start requests (written
 * down first, carried through after a crash), once per key — the same key again answers the first.
 */
import type { Connection } from 'mongoose';
import { notFound } from '@ggzy/shared';
import type { EnginePort } from '@ggzy/engine-workers';
import { projectModel } from '../projects/project.model';
import type { StartRequests } from './start-requests';

export class SystemStarts {
  private readonly Project;

  constructor(
    db: Connection,
    private readonly engine: EnginePort,
    private readonly starts: StartRequests,
    /** The time limits the flows' steps are due by (`limits.<name>`). */
    private readonly limits: Record<string, string>,
  ) {
    this.Project = projectModel(db);
  }

  /**
   * A flow the system opens on a project (the archive collection a contract date opens): started as
   * 「系统」, once per `key` (the same key again answers the first start).
   */
  async startForProject(processId: string, projectId: string, key: string, starterName: string) {
    const project = await this.Project.findById(projectId).lean();
    if (!project) throw notFound('Project', '项目', projectId);
    return this.startBySystem(processId, key, starterName, { name: project.name, project: { id: projectId, name: project.name, section: project.section } });
  }

  /**
   * A flow the system opens (on a project, or a periodic duty such as the daily mailbox check):
   * started as 「系统」, once per `key`.
   */
  async startBySystem(
    processId: string,
    key: string,
    starterName: string,
    of: { name: string; project?: { id: string; name: string; section: string }; variables?: Record<string, unknown> },
  ) {
    const repeated = await this.starts.repeated('system', key);
    if (repeated) return repeated;
    const name = (await this.engine.listDefinitions()).find((d) => d.processId === processId)?.name ?? processId;
    const title = `${name}：${of.name}`;
    const p = of.project;
    return this.starts.start(
      {
        user: 'system',
        processId,
        variables: {
          ...(p && { projectId: p.id, projectName: p.name, projectSection: p.section }),
          starter: 'system',
          starterName,
          limits: this.limits,
          title,
          processName: name,
          ...of.variables,
        },
        meta: {
          processId,
          processName: name,
          title,
          projectId: p?.id ?? null,
          projectName: p?.name ?? null,
          starter: 'system',
          starterName,
          startedAt: new Date(),
          state: 'active',
          endedAt: null,
          classification: null,
        },
        attachmentIds: [],
        values: JSON.stringify(p ? { projectId: p.id } : {}),
      },
      key,
    );
  }
}
