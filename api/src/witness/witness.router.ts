/**
 * Witness records over HTTP (表七): the witnesses of a business section write the day's record of a
 * project; the section, supervision, the leaders and admins read a section's month; supervision's
 * daily patrol (日巡查) lists the day's projects with whether their record is in.
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { notFound, sectionName, userError, type UserDto } from '@ggzy/shared';
import { API, type WitnessRecordDto } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { forbidden } from '../http/auth-context';
import { instanceMetaModel } from '../instances/instance.model';
import { chinaToday, type VenueCalendar } from '../venues/venue-calendar';
import { witnessRecordId, type WitnessRecordDoc, type WitnessRecords } from './witness-records';
import { witnessTable, type WitnessBooks } from './witness-books';
import { sendFile, toPdf, toXlsx } from '../records/paper-table';
import type { AttachmentStore } from '../attachments/attachments';

const isLeaderOrAdmin = (u: UserDto) => ['admin', 'deputy', 'principal'].some((r) => u.roles.includes(r as never));
/** Who reads a section's records: the section, supervision (它汇总), leaders, admins. */
const mayRead = (u: UserDto, section: string) => isLeaderOrAdmin(u) || u.sections.includes('supervision') || u.sections.includes(section as never);
/** Who writes one: the section's witnesses and head, admins. */
const mayWrite = (u: UserDto, section: string) =>
  u.roles.includes('admin') || (u.sections.includes(section as never) && (u.roles.includes('witness') || u.roles.includes('head')));

export function dtoOf(d: WitnessRecordDoc): WitnessRecordDto {
  return {
    id: d._id,
    projectId: d.projectId,
    projectName: d.projectName,
    section: d.section,
    day: d.day,
    witness: d.witness,
    witnessName: d.witnessName,
    mode: d.mode,
    course: d.course,
    anomaly: d.anomaly,
    anomalyDesc: d.anomalyDesc ?? null,
    sessionId: d.sessionId ?? null,
    instanceId: d.instanceId ?? null,
    reportInstanceId: d.reportInstanceId ?? null,
    recordedAt: new Date(d.recordedAt).toISOString(),
    updatedAt: new Date(d.updatedAt).toISOString(),
    version: d.version,
  };
}

export function witnessRouter(db: Connection, records: WitnessRecords, venues: VenueCalendar, books: WitnessBooks, files: AttachmentStore): Router {
  const Meta = instanceMetaModel(db);
  const r = Router();
  const one = async (u: UserDto, id: string): Promise<WitnessRecordDoc> => {
    const d = await records.model.findById(id).lean();
    if (!d || !mayRead(u, d.section)) throw notFound('Witness record', '见证记录', id);
    return d;
  };

  bind(r, API.witnessRecords, async ({ user, query }) => {
    if (!mayRead(user, query.section)) throw forbidden('您不能查看该科室的见证记录', "You may not read this section's witness records");
    return { items: (await records.month(query.section, query.month)).map(dtoOf) };
  });
  bind(r, API.exportWitnessRecords, async ({ user, query, res }) => {
    if (!mayRead(user, query.section)) throw forbidden('您不能查看该科室的见证记录', "You may not read this section's witness records");
    const table = witnessTable(query.section, query.month, await records.month(query.section, query.month));
    const bytes = query.format === 'pdf' ? await toPdf(table) : await toXlsx(table);
    sendFile(res, `表七-项目交易见证记录-${sectionName(query.section)}-${query.month}.${query.format}`, query.format, bytes);
  });
  bind(r, API.witnessBooks, async ({ user, query }) => ({
    items: (await books.list(query.month))
      .filter((b) => mayRead(user, b.section))
      .map((b) => ({ id: b._id, section: b.section, month: b.month, count: b.count, boundAt: new Date(b.boundAt).toISOString() })),
  }));
  bind(r, API.witnessBook, async ({ user, params, res }) => {
    const b = await books.model.findById(params.id).lean();
    if (!b || !mayRead(user, b.section)) throw notFound('Witness book', '见证记录册', params.id);
    const file = await files.model.findById(b.attachmentId).lean();
    if (!file) throw notFound('Witness book', '见证记录册', params.id);
    const chunks: Buffer[] = [];
    for await (const c of files.open(file) as AsyncIterable<Buffer>) chunks.push(c);
    sendFile(res, `见证记录册-${sectionName(b.section)}-${b.month}.pdf`, 'pdf', Buffer.concat(chunks));
  });
  bind(r, API.saveWitnessRecord, async ({ user, body }) => {
    const project = await records.projects.get(body.projectId);
    if (!mayWrite(user, project.section))
      throw forbidden('见证记录由项目所在业务科室的见证员填写', "Witness records are written by the witnesses of the project's section");
    if (body.day > chinaToday())
      throw userError('WITNESS_FUTURE', '不能填写未来日期的见证记录', 'A witness record cannot be for a day still to come', { status: 422 });
    const doc = await records.save(user.id, { ...body, witness: user.id, witnessName: user.name, anomalyDesc: body.anomalyDesc ?? null });
    return dtoOf(doc);
  });
  bind(r, API.witnessRecord, async ({ user, params }) => dtoOf(await one(user, params.id)));
  bind(r, API.linkWitnessReport, async ({ user, params, body }) => {
    const d = await one(user, params.id);
    if (!mayWrite(user, d.section)) throw forbidden('您不能修改此见证记录', 'You may not change this witness record');
    const m = await Meta.findById(body.instanceId).lean();
    if (!m || m.processId !== 'anomaly-escalation' || m.starter !== user.id)
      throw userError('REPORT_INVALID', '只能关联您发起的要情专报', 'Only a report you started can be linked', { status: 422 });
    await records.model.updateOne({ _id: d._id }, { $set: { reportInstanceId: m._id } });
    await records.audit.append({ actor: user.id, action: 'witness.reported', instanceId: m._id, data: { recordId: d._id } });
    return dtoOf({ ...d, reportInstanceId: m._id });
  });
  bind(r, API.witnessPatrol, async ({ user, query }) => {
    if (!isLeaderOrAdmin(user) && !user.sections.includes('supervision'))
      throw forbidden('日巡查由监督科进行', 'The daily patrol is for the supervision section');
    const day = query.day ?? chinaToday();
    const { sessions } = await venues.days(day, 1);
    const byProject = new Map<string, typeof sessions>();
    for (const s of sessions) byProject.set(s.projectId, [...(byProject.get(s.projectId) ?? []), s]);
    const items = await Promise.all(
      [...byProject.entries()].map(async ([projectId, ss]) => {
        const rec = await records.get(projectId, day);
        return {
          projectId,
          projectName: ss[0]!.projectName,
          section: ss[0]!.section,
          sessions: ss,
          recorded: !!rec,
          anomaly: !!rec?.anomaly,
          recordId: witnessRecordId(projectId, day),
          witnessName: rec?.witnessName ?? ss.find((s) => s.witnessName)?.witnessName ?? null,
        };
      }),
    );
    return { day, items: items.sort((a, b) => a.projectId.localeCompare(b.projectId)) };
  });
  return r;
}
