/**
 * GET /events — server-sent events for the web app, so new work appears without a reload:
 * `task` when a task offered to, assigned to, or started by the user appears or changes, and
 * `notification` for each of their notifications. EventSource cannot send headers, and a token
 * never rides in a URL: the web app opens the stream with a one-time ticket (`POST
 * /events/tickets`, stream-tickets.ts); other clients send their bearer token. With several
 * replicas, what happened on the others
 * comes too (replica-bus.ts). A stream ends with its session (sign-out, the user disabled: at
 * once on this replica; with other replicas, at the next heartbeat); a user keeps at most MAX_STREAMS
 * open, a new one ending the oldest.
 */
import { Router } from 'express';
import { notificationCategory, type UserDto } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import type { Notifier, NotificationDoc } from '../notifications/notifier';
import type { InboxService } from './inbox.service';
import type { TaskDoc } from './task.model';
import { isCandidate, reachOf } from './task-access';
import type { InstancesService } from '../instances/instances.service';
import { maskedNotification } from '../notifications/notifier';
import { sightOfReachable, visibleTask } from '../visibility/visibility';
import type { ReplicaBus, ReplicaEvent } from '../replicas/replica-bus';
import { AuthService } from '../people/auth.service';
import { bearer, unauthenticated } from '../people/auth.router';
import type { StreamTickets } from './stream-tickets';

const MAX_STREAMS = 5;

export function eventsRouter(
  inbox: InboxService,
  notifier: Notifier,
  auth: AuthService,
  tickets: StreamTickets,
  opts: { heartbeatMs?: number; replicas?: ReplicaBus | null; instances?: Pick<InstancesService, 'classifiedOutOfSight'> } = {},
): { publicRoutes: Router; routes: Router } {
  const publicRoutes = Router();
  const routes = Router();
  bind(routes, API.streamTicket, ({ user, req }) => tickets.issue(AuthService.sessionOf(bearer(req.headers.authorization)!), user.id));
  /** Each user's open streams, oldest first: how to end each. */
  const open = new Map<string, Set<() => void>>();
  bind(publicRoutes, API.events, async ({ req, res, query }) => {
    // Whose stream: the session of the ticket (the web app), or of the bearer token.
    const token = bearer(req.headers.authorization);
    let sessionId: string | null = null;
    let u: UserDto | null = null;
    if (token) {
      sessionId = AuthService.sessionOf(token);
      u = await auth.authenticate(token);
    } else if (query.ticket) {
      const t = await tickets.redeem(query.ticket);
      sessionId = t?.sessionId ?? null;
      u = t ? await auth.userOfSession(t.sessionId) : null;
    }
    if (!u || !sessionId) throw unauthenticated();
    const session = sessionId;
    const user = u;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const send = (event: string, data: unknown) => !res.writableEnded && res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const onTask = (t: TaskDoc, change: string) => {
      const mine =
        t.assignee === user.id || t.owner === user.id || t.starter === user.id || t.pendingSigners.includes(user.id) || (!t.assignee && isCandidate(t, user));
      // The same reach as the task's own page (a classified step is not news to mere candidates), and the same sight.
      if (mine && reachOf(t, user, { ccd: false, participant: false }))
        send('task', { change, task: visibleTask(sightOfReachable(user), inbox.toDto(t), user) });
    };
    const onNotification = async (doc: NotificationDoc) => {
      if (doc.userId !== user.id) return;
      const hidden = doc.instanceId && opts.instances ? await opts.instances.classifiedOutOfSight(user, [doc.instanceId]) : new Set<string>();
      const n = doc.instanceId && hidden.has(doc.instanceId) ? maskedNotification(doc) : doc;
      send('notification', {
        id: n._id,
        kind: n.kind,
        category: notificationCategory(n.kind).code,
        title: n.title,
        body: n.body,
        instanceId: n.instanceId,
        taskId: n.taskId,
        createdAt: n.createdAt,
      });
    };
    const heard = (n: NotificationDoc) => void onNotification(n).catch(() => undefined);
    // What happened on the other replicas reaches the people connected to this one too.
    const onReplica = (e: ReplicaEvent) => {
      if (e.kind === 'task') onTask(e.payload.task as TaskDoc, e.payload.change);
      if (e.kind === 'notification') heard(e.payload as NotificationDoc);
    };
    inbox.listeners.add(onTask);
    notifier.listeners.add(heard);
    opts.replicas?.handlers.add(onReplica);
    // With each heartbeat, when other replicas may end sessions, the session is looked at again
    // (a sign-out or a disabled account there); one process alone hears of it at once (`ended`).
    const beat = setInterval(() => {
      res.write(': keep-alive\n\n');
      if (opts.replicas) void auth.userOfSession(session).then((still) => still || end());
    }, opts.heartbeatMs ?? 25_000);
    const onEnded = (e: { session?: string; userId?: string }) => {
      if (e.session === session || e.userId === user.id) end();
    };
    auth.ended.add(onEnded);
    const mine = open.get(user.id) ?? new Set<() => void>();
    open.set(user.id, mine);
    const end = () => {
      if (!mine.delete(end)) return;
      if (!mine.size) open.delete(user.id);
      clearInterval(beat);
      auth.ended.delete(onEnded);
      inbox.listeners.delete(onTask);
      notifier.listeners.delete(heard);
      opts.replicas?.handlers.delete(onReplica);
      res.end();
    };
    mine.add(end);
    if (mine.size > MAX_STREAMS) mine.values().next().value!();
    req.on('close', end);
  });
  return { publicRoutes, routes };
}
