/** 代理机构库 (4.1): the agents that run projects — licence, qualifications, contact, and their staff. */
import { z } from 'zod';
import { isoDateTime } from './common';

const text = (max: number) => z.string().trim().min(1).max(max);
const optional = (max: number) => z.string().trim().max(max).nullable().optional();

/** 统一社会信用代码: 18 characters (digits and capitals without I, O, S, V, Z). */
export const creditCode = z
  .string()
  .regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, '统一社会信用代码应为 18 位 not a unified social credit code');

export const agentStaff = z.strictObject({
  name: text(50),
  /** 项目负责人、业务人员… */
  role: text(50),
  /** 职业资格证书编号 (招标师、造价师…). */
  certificate: optional(100),
  phone: optional(30),
});

export const agentInput = z
  .strictObject({
    name: text(200),
    /** 登记、备案或资格证书编号. */
    licence: text(100),
    qualifications: z.array(text(100)).max(30).default([]),
    contact: optional(50),
    phone: optional(30),
    address: optional(200),
    staff: z.array(agentStaff).max(200).default([]),
    status: z.enum(['active', 'suspended']).default('active'),
    /** The version last read (an edit over a newer one is refused). */
    version: z.number().int().min(0).optional(),
  })
  .meta({ id: 'AgentInput' });
export const agentCreateBody = agentInput.extend({ id: creditCode });

export const agentDto = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    licence: z.string(),
    qualifications: z.array(z.string()),
    contact: z.string().nullable(),
    phone: z.string().nullable(),
    address: z.string().nullable(),
    staff: z.array(z.strictObject({ name: z.string(), role: z.string(), certificate: z.string().nullable(), phone: z.string().nullable() })),
    status: z.enum(['active', 'suspended']),
    version: z.number().int(),
    updatedAt: isoDateTime,
    updatedBy: z.string(),
  })
  .meta({ id: 'Agent' });
export const agentParams = z.object({ id: creditCode });
export const agentListQuery = z.strictObject({ q: z.string().trim().max(100).optional() });
export const agentsReply = z.strictObject({ items: z.array(agentDto), mayWrite: z.boolean() });

export type AgentInput = z.infer<typeof agentInput>;
export type AgentDto = z.infer<typeof agentDto>;
