/**
 * When a project is archived its evaluations are due: 综合科 evaluates its agent (4.1, 表一), 专家科
 * each of its experts (4.2, 表二) and 监督科 makes its return visit (表八) — one flow each, opened by
 * the system once (keyed by the project and the one evaluated).
 */
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { projectModel } from '../projects/project.model';
import type { SystemStarts } from '../instances/system-starts';

const short = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

export class ProjectEvaluations {
  private readonly Project;

  constructor(
    db: Connection,
    private readonly starts: SystemStarts,
  ) {
    this.Project = projectModel(db);
  }

  /** Open the project's evaluations; the instances opened (or found), by key. */
  async open(projectId: string): Promise<Record<string, string>> {
    const p = await this.Project.findById(projectId).lean();
    if (!p || p.stage !== 'archived') return {};
    const of = (name: string, variables: Record<string, unknown>) => ({ name, project: { id: p._id, name: p.name, section: p.section }, variables });
    const opened: Record<string, string> = {};
    const by = '系统（项目归档）';
    if (p.agent) {
      const key = `agent-evaluation:${p._id}:${short(p.agent)}`;
      opened[key] = (
        await this.starts.startBySystem(
          'agent-evaluation',
          key,
          by,
          of(`${p.name} · ${p.agent}`, { agent: p.agent, evaluationKey: `${p._id}~${short(p.agent)}` }),
        )
      ).id;
    }
    for (const e of p.experts ?? []) {
      const key = `expert-evaluation:${p._id}:${short(e.name + (e.employer ?? ''))}`;
      opened[key] = (
        await this.starts.startBySystem(
          'expert-evaluation',
          key,
          by,
          of(`${p.name} · ${e.name}`, { expert: e.name, employer: e.employer ?? '', evaluationKey: `${p._id}~${short(e.name + (e.employer ?? ''))}` }),
        )
      ).id;
    }
    const key = `return-visit:${p._id}`;
    opened[key] = (await this.starts.startBySystem('return-visit', key, by, of(p.name, {}))).id;
    return opened;
  }
}
