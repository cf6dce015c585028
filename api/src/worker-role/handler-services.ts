/** The API's implementation of what job workers do outside the engine, on its own collections. */
import type { Connection } from 'mongoose';
import type { WorkerServices } from '@ggzy/engine-workers';
import { createHash } from 'node:crypto';
import { AppError, chinaDate, chinaMonthStart, notFound } from '@ggzy/shared';
import type { ProjectInput, ProjectStage } from '@ggzy/shared/api';
import type { BookingInput } from '../venues/venue-calendar';
import type { Notifier } from '../notifications/notifier';
import { ProjectPauses } from '../projects/project-pauses';
import { projectModel } from '../projects/project.model';
import { supervisoryDepartment } from '../projects/supervisory-departments';
import { recordModels, insertOnce, nextNumber, type DispatchDoc } from '../records/records.model';
import { archiveModels } from '../archives/archive.model';
import { attachmentModel, type AttachmentStore } from '../attachments/attachments';
import type { AuditService } from '../audit/audit.service';
import { ProjectRegister } from '../projects/project-register';
import { linkToProject } from '../projects/project.model';
import { VenueCalendar } from '../venues/venue-calendar';
import { WitnessRecords } from '../witness/witness-records';
import { fileArchive } from '../archives/archive-filing';
import { complaintModel, registerComplaint } from '../complaints/complaints';
import { peopleModels } from '../people/user.model';
import { LEDGER_KINDS, type LedgerKind } from '@ggzy/shared';
import { Ledgers, pickFields } from '../ledgers/ledger-store';
import { WriteLocks } from '../db/write-locks';
import { publishCredit } from '../ledgers/credit';
import { compileBulletin, publishBulletin } from '../bulletins/bulletins';

export function createWorkerServices(deps: {
  db: Connection;
  notifier: Notifier;
  audit: AuditService;
  files: AttachmentStore;
  dayMs: number;
  /** The register, the venue calendar and the witness records of the process (made here when it has none). */
  projects?: ProjectRegister;
  venues?: VenueCalendar;
  witness?: WitnessRecords;
  ledgers?: Ledgers;
}): WorkerServices {
  const { db, notifier, audit, files, dayMs } = deps;
  const projects = deps.projects ?? new ProjectRegister(db, audit);
  const venues = deps.venues ?? new VenueCalendar(db, projects, audit, notifier);
  const User = peopleModels(db).User;
  const ledgers = deps.ledgers ?? new Ledgers(db, audit);
  const witness = deps.witness ?? new WitnessRecords(db, projects, audit, ledgers);
  const nameOf = async (id: string) => (id === 'system' ? '系统' : ((await User.findById(id).lean())?.name ?? id));
  const pauses = new ProjectPauses(db, audit, notifier);
  const Project = projectModel(db);
  const rec = recordModels(db);
  const arch = archiveModels(db);
  const locks = new WriteLocks(db);
  const Attachment = attachmentModel(db);
  return {
    now: () => new Date(),
    notify: (n) => notifier.send(n),
    pauseProject: (p) => pauses.pause(p),
    resumeProject: (p) => pauses.resume(p),
    async recordDispatch(d) {
      const id = `${d.instanceId}:${d.round}`;
      let doc: DispatchDoc | null = await rec.Dispatch.findById(id).lean();
      if (!doc) {
        // 文号 in order within the year; a number is given once (a repeat finds the record made with it).
        const now = new Date();
        const year = Number(chinaDate(now).slice(0, 4));
        const n = await nextNumber(db, `dispatch:${year}`);
        const project = d.projectId ? await Project.findById(d.projectId).lean() : null;
        doc = await insertOnce(rec.Dispatch, {
          _id: id,
          instanceId: d.instanceId,
          round: d.round,
          title: d.title,
          recipients: d.recipients,
          // 相关行政监督部门: the supervisory department of the project's kind
          copyTo: d.copyTo.map((c) => (c === '相关行政监督部门' ? (supervisoryDepartment(project?.kind) ?? c) : c)),
          content: JSON.stringify(d.content),
          dispatchedAt: now,
          dispatchNo: `湘西交易要情〔${year}〕${n}号`,
          ...(d.issuedBy && { issuedBy: d.issuedBy }),
        });
      }
      if (!doc) throw notFound('Dispatch', '报送记录', id);
      const dispatchNo = doc.dispatchNo ?? `湘西交易要情〔${chinaDate(doc.dispatchedAt).slice(0, 4)}〕${d.instanceId.slice(-6)}-${d.round}`;
      const deliveries = [...doc.recipients.map((to) => ({ to, kind: 'send' as const })), ...doc.copyTo.map((to) => ({ to, kind: 'copy' as const }))];
      for (const [i, x] of deliveries.entries())
        await insertOnce(rec.DispatchDelivery, {
          _id: `${id}:${i}`,
          dispatchId: id,
          instanceId: d.instanceId,
          dispatchNo,
          to: x.to,
          kind: x.kind,
          at: doc.dispatchedAt,
        });
      await audit.append({
        actor: 'system',
        action: 'report.dispatched',
        instanceId: d.instanceId,
        data: { round: d.round, dispatchNo, recipients: doc.recipients, copyTo: doc.copyTo },
      });
      // the report opens its file in the anomaly register (5.3.2, 表六): the number only, the text stays with the report
      if (d.round === 1) {
        const project = d.projectId ? await Project.findById(d.projectId).lean() : null;
        await ledgers.record(
          'anomaly-file',
          `report~${d.instanceId}`,
          {
            projectId: d.projectId ?? null,
            projectName: project?.name ?? null,
            foundAt: doc.dispatchedAt.toISOString(),
            origin: '要情专报',
            found: `要情专报 ${dispatchNo}（详见专报）`,
            flashReport: true,
            transferredTo: doc.copyTo.join('、') || null,
          },
          { by: 'system', byName: '系统', instanceId: d.instanceId, projectId: d.projectId ?? null },
        );
      }
      return { dispatchNo, dispatchedAt: doc.dispatchedAt.toISOString(), copyTo: doc.copyTo };
    },
    async publishReport(p) {
      await insertOnce(rec.Publication, {
        _id: p.instanceId,
        instanceId: p.instanceId,
        title: p.title,
        content: JSON.stringify(p.content),
        publishedAt: new Date(),
      });
      await audit.append({ actor: 'system', action: 'report.published', instanceId: p.instanceId });
      return { publicationId: p.instanceId };
    },
    async compileMonthly({ month }) {
      const [y, m] = month.split('-').map(Number) as [number, number];
      const from = chinaMonthStart(y, m);
      const to = chinaMonthStart(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1);
      const ds = await rec.Dispatch.find({ dispatchedAt: { $gte: from, $lt: to } })
        .sort({ dispatchedAt: 1 })
        .lean();
      const doc = await insertOnce(rec.Compilation, {
        _id: month,
        month,
        instanceIds: ds.map((d) => d.instanceId),
        titles: ds.map((d) => d.title),
        compiledAt: new Date(),
      });
      return { compilationId: doc._id, count: doc.instanceIds.length };
    },
    async attachmentsOf(instanceId, ids = []) {
      // the instance's, then those named that are not (each read by id)
      const docs = await files.forInstance(instanceId);
      const have = new Set(docs.map((d) => d._id));
      for (const id of new Set(ids.filter((i) => !have.has(i)))) {
        const d = await Attachment.findById(id).lean();
        if (d) docs.push(d);
      }
      return docs.map((d) => ({ id: d._id, category: d.category ?? undefined, filename: d.filename }));
    },
    async issueDocument(d) {
      const doc = await files.storeDocument(d);
      return { attachmentId: doc._id };
    },
    async recordSupervision(r) {
      const existing = await rec.SupervisionRecord.findById(r.instanceId).lean();
      if (existing?.recordNo) return { recordNo: existing.recordNo };
      // numbered in order within the year; a number is given once (a repeat finds the record made with it)
      const now = new Date();
      const year = Number(chinaDate(now).slice(0, 4));
      const n = await nextNumber(db, `supervision:${year}`);
      const attached = await files.forInstance(r.instanceId);
      const doc = await insertOnce(rec.SupervisionRecord, {
        _id: r.instanceId,
        instanceId: r.instanceId,
        kind: r.kind,
        unit: r.unit,
        summary: r.summary,
        outcome: r.outcome,
        recordedAt: now,
        recordNo: `JD-${year}-${String(n).padStart(4, '0')}`,
        at: r.at ? new Date(r.at) : null,
        place: r.place ?? null,
        present: r.present ?? null,
        measures: r.measures ?? null,
        attachmentIds: attached.map((f) => f._id),
      });
      // the on-site supervision is an entry of the anomaly register too (5.3.2, 表六)
      await ledgers.record(
        'anomaly-file',
        `case~${r.instanceId}`,
        {
          foundAt: r.at ?? now.toISOString(),
          origin: '案件协查协办',
          found: `${r.kind}：${r.summary}（${r.unit}）`,
          place: r.place ?? null,
          present: r.present ?? null,
          actions: r.measures ?? null,
          result: r.outcome,
        },
        { by: 'system', byName: '系统', instanceId: r.instanceId, attachmentIds: doc.attachmentIds ?? [] },
      );
      return { recordNo: doc.recordNo ?? '' };
    },
    async grantArchiveAccess({ instanceId, archiveId, borrower, days }) {
      const a = await arch.Archive.findById(archiveId).lean();
      if (!a) throw notFound('Archive', '档案', archiveId);
      const now = new Date();
      const g = await insertOnce(arch.Grant, {
        _id: `grant:${instanceId}`,
        archiveId,
        borrower,
        instanceId,
        grantedAt: now,
        expiresAt: new Date(now.getTime() + days * dayMs),
        revokedAt: null,
      });
      await audit.append({
        actor: 'system',
        action: 'archive.access-granted',
        instanceId,
        data: { archiveId, borrower, expiresAt: g.expiresAt.toISOString() },
      });
      return { grantId: g._id, expiresAt: g.expiresAt.toISOString() };
    },
    async registerProject(p) {
      const r = await projects.registerFromFlow(p.by, p.projectId, {
        name: p.name,
        kind: p.kind as ProjectInput['kind'],
        section: p.section as ProjectInput['section'],
        tenderer: p.tenderer,
        agent: p.agent ?? null,
        budget: p.budget ?? null,
        openingAt: p.openingAt ?? null,
        registeredOn: chinaDate(new Date()),
      });
      await linkToProject(db, p.projectId, { instanceId: p.instanceId });
      return r;
    },
    async setProjectStage(p) {
      await projects.setStage(p.by, p.projectId, p.stage as ProjectStage, p.dates);
      return { stage: p.stage };
    },
    async bookVenue(b) {
      const fixedId = `${b.room}~${b.day}~${createHash('sha256').update(`${b.instanceId}:${b.attempt}`).digest('hex').slice(0, 8)}`;
      try {
        const { session } = await venues.bookAs(
          b.by,
          { room: b.room, day: b.day, start: b.start, end: b.end, purpose: b.purpose as BookingInput['purpose'], projectId: b.projectId },
          fixedId,
        );
        return { booked: true, sessionId: session.id, summary: `${session.day} ${session.start}–${session.end} ${session.roomName}（${session.purpose}）` };
      } catch (err) {
        const e = err as AppError;
        if (e instanceof AppError && (e.code === 'VENUE_CONFLICT' || e.code === 'ROOM_UNKNOWN')) return { booked: false, problem: e.messageZh };
        throw err;
      }
    },
    async nameWitness(n) {
      const { session } = await venues.nameWitnessAs(n.by, n.sessionId, n.witness);
      return { witnessName: session.witnessName ?? n.witness };
    },
    async recordWitness(r) {
      const person = await User.findById(r.witness).lean();
      const doc = await witness.save(r.witness, { ...r, witnessName: person?.name ?? r.witness });
      await projects.setStage('system', r.projectId, 'opened');
      return { recordId: doc._id };
    },
    async fileArchive(a) {
      const r = await fileArchive({ db, files, audit }, a);
      await projects.setStage('system', a.projectId, 'archived');
      return r;
    },
    async registerComplaint(c) {
      const queryCode = await registerComplaint(db, c);
      await ledgers.record(
        'complaint',
        c.instanceId,
        { queryCode, complaintKind: c.kind, channel: c.channel, title: c.title },
        { by: 'system', byName: '系统', instanceId: c.instanceId },
      );
      await audit.append({ actor: 'system', action: 'complaint.registered', instanceId: c.instanceId, data: { kind: c.kind, channel: c.channel } });
      return { queryCode };
    },
    async replyComplaint(r) {
      const now = new Date();
      // (once: a step run again keeps the first reply's time; by id, holding the complaint's write lock)
      const d = await locks.hold(`complaints:${r.queryCode}`, async () => {
        const cur = await complaintModel(db).findById(r.queryCode).lean();
        if (cur?.status !== 'registered') return cur;
        await complaintModel(db).updateOne({ _id: r.queryCode }, { $set: { status: 'replied', reply: r.reply, repliedAt: now } });
        return { ...cur, repliedAt: now };
      });
      await audit.append({ actor: 'system', action: 'complaint.replied', instanceId: r.instanceId });
      await ledgers.record(
        'complaint',
        r.instanceId,
        { replyDraft: r.reply, repliedAt: (d?.repliedAt ?? now).toISOString() },
        { by: 'system', byName: '系统' },
      );
      return { repliedAt: (d?.repliedAt ?? now).toISOString() };
    },
    async recordLedger(r) {
      if (!(LEDGER_KINDS as readonly string[]).includes(r.kind)) throw new Error(`no register named ${r.kind}`);
      const kind = r.kind as LedgerKind;
      const d = await ledgers.record(kind, r.key, pickFields(kind, r.values), { by: r.by, byName: await nameOf(r.by), instanceId: r.instanceId });
      return { itemId: d._id, no: d.no };
    },
    compileBulletin: (b) => compileBulletin(ledgers, b.bulletinKind, b.month),
    async publishBulletin(b) {
      const now = new Date();
      const doc = await publishBulletin(db, ledgers, b, now);
      if (b.bulletinKind === 'credit') await publishCredit(db, ledgers, b.month, doc.publishedAt);
      await audit.append({
        actor: 'system',
        action: 'bulletin.published',
        instanceId: b.instanceId,
        data: { kind: b.bulletinKind, month: b.month, sentTo: doc.sentTo },
      });
      return { publishedAt: doc.publishedAt.toISOString(), sentTo: doc.sentTo };
    },
    async revokeArchiveAccess({ instanceId, grantId }) {
      const now = new Date();
      const g = await locks.hold(`archive_grants:${grantId}`, async () => {
        const cur = await arch.Grant.findById(grantId).lean();
        if (!cur || cur.revokedAt) return cur;
        await arch.Grant.updateOne({ _id: grantId }, { $set: { revokedAt: now } });
        return { ...cur, revokedAt: now };
      });
      await audit.append({ actor: 'system', action: 'archive.access-revoked', instanceId, data: { grantId } });
      return { revokedAt: (g?.revokedAt ?? now).toISOString() };
    },
  };
}
