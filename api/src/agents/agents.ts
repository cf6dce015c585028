/**
 * 代理机构库 (4.1): the agents that run the center's projects — their licence, qualifications and
 * contact, and which staff belong to which agent (the 项目负责人 an evaluation names). 综合科 keeps it;
 * every section's staff read it. Keyed by the 统一社会信用代码; an edit is made against the version
 * it read, and every change is in the audit trail with its before and after. A catalogue of a few
 * hundred entries: read whole and filtered here.
 */
import { Router } from 'express';
import { Schema, type Connection, type Model } from 'mongoose';
import { conflict, notFound } from '@ggzy/shared';
import { API, type AgentDto, type AgentInput, type UserDto } from '@ggzy/shared/api';
import { modelOn } from '../db/model-on';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import type { AuditService } from '../audit/audit.service';

interface AgentDoc {
  _id: string;
  name: string;
  licence: string;
  qualifications: string[];
  contact: string | null;
  phone: string | null;
  address: string | null;
  staff: { name: string; role: string; certificate: string | null; phone: string | null }[];
  status: 'active' | 'suspended';
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

function agentModel(db: Connection): Model<AgentDoc> {
  return modelOn<AgentDoc>(
    db,
    'Agent',
    new Schema<AgentDoc>(
      {
        _id: String,
        name: String,
        licence: String,
        qualifications: [String],
        contact: String,
        phone: String,
        address: String,
        staff: [{ _id: false, name: String, role: String, certificate: String, phone: String }],
        status: String,
        version: Number,
        updatedAt: Date,
        updatedBy: String,
      },
      { versionKey: false, _id: false, collection: 'agents' },
    ),
  );
}

const dto = (d: AgentDoc): AgentDto => ({
  id: d._id,
  name: d.name,
  licence: d.licence,
  qualifications: d.qualifications ?? [],
  contact: d.contact ?? null,
  phone: d.phone ?? null,
  address: d.address ?? null,
  staff: (d.staff ?? []).map((s) => ({ name: s.name, role: s.role, certificate: s.certificate ?? null, phone: s.phone ?? null })),
  status: d.status,
  version: d.version,
  updatedAt: new Date(d.updatedAt).toISOString(),
  updatedBy: d.updatedBy,
});

const fields = (i: AgentInput) => ({
  name: i.name,
  licence: i.licence,
  qualifications: i.qualifications,
  contact: i.contact ?? null,
  phone: i.phone ?? null,
  address: i.address ?? null,
  staff: i.staff.map((s) => ({ name: s.name, role: s.role, certificate: s.certificate ?? null, phone: s.phone ?? null })),
  status: i.status,
});

const mayWrite = (u: UserDto) => u.roles.includes('admin') || u.sections.includes('general');
function mayRead(u: UserDto): void {
  if (
    u.roles.includes('external') ||
    u.roles.includes('integration') ||
    (!u.sections.length && !u.roles.some((r) => r === 'deputy' || r === 'principal' || r === 'admin'))
  )
    throw forbidden('代理机构库仅供中心工作人员查看', "The agent register is for the center's staff");
}
function writer(u: UserDto): void {
  if (!mayWrite(u)) throw forbidden('只有综合科可以维护代理机构库', 'Only the general section keeps the agent register');
}

export function agentsRouter(db: Connection, audit: AuditService): Router {
  const Agent = agentModel(db);
  const r = Router();
  bind(r, API.agents, async ({ user, query }) => {
    mayRead(user);
    const q = query.q?.toLowerCase();
    const all = (await Agent.find({}).lean()) as AgentDoc[];
    const hit = (d: AgentDoc) => !q || [d._id, d.name, d.licence, ...(d.staff ?? []).map((s) => s.name)].some((t) => t.toLowerCase().includes(q));
    return {
      items: all
        .filter(hit)
        .sort((a, b) => a.name.localeCompare(b.name, 'zh'))
        .map(dto),
      mayWrite: mayWrite(user),
    };
  });
  bind(r, API.agent, async ({ user, params }) => {
    mayRead(user);
    const d = await Agent.findById(params.id).lean();
    if (!d) throw notFound('Agent', '代理机构', params.id);
    return dto(d as AgentDoc);
  });
  bind(r, API.createAgent, async ({ user, body, res }) => {
    writer(user);
    const { id, version: _v, ...input } = body;
    const doc: AgentDoc = { _id: id, ...fields(input), version: 1, updatedAt: new Date(), updatedBy: user.id };
    try {
      await Agent.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw conflict('AGENT_EXISTS', `代理机构 ${id} 已在库中`, `Agent ${id} is already registered`);
      throw err;
    }
    await audit.append({ actor: user.id, action: 'agent.registered', data: { agentId: id, name: input.name } });
    res.status(201);
    return dto(doc);
  });
  bind(r, API.saveAgent, async ({ user, params, body }) => {
    writer(user);
    const before = (await Agent.findById(params.id).lean()) as AgentDoc | null;
    if (!before) throw notFound('Agent', '代理机构', params.id);
    const { version, ...input } = body;
    const next = fields(input);
    const changed = await Agent.updateOne(
      { _id: params.id, version: version ?? before.version },
      { $set: { ...next, updatedAt: new Date(), updatedBy: user.id }, $inc: { version: 1 } },
    );
    if (!changed.matchedCount)
      throw conflict('AGENT_CHANGED', '代理机构信息已被他人修改，请刷新后再改', 'The agent was changed by someone else; reload it first');
    const diff = Object.fromEntries(
      Object.entries(next)
        .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof AgentDoc] ?? null))
        .map(([k, v]) => [k, { before: before[k as keyof AgentDoc] ?? null, after: v }]),
    );
    await audit.append({ actor: user.id, action: 'agent.updated', data: { agentId: params.id, changed: diff } });
    return dto((await Agent.findById(params.id).lean()) as AgentDoc);
  });
  return r;
}
