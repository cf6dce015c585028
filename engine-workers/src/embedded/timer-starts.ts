/**
 * Timer start events: each deployed version replaces the schedule of its process. A due
 * occurrence starts an instance whose key names the occurrence, so firing twice (two engine
 * processes, a crash between start and advance) starts it once.
 */
import { createHash } from 'node:crypto';
import { ISOInterval, getDate } from '@0dep/piso';
import type { Logger } from 'pino';
import type { TimerStartInfo } from '../diagram/diagram-reader';
import type { EngineModels } from './models';

export class TimerStarts {
  constructor(
    private readonly models: EngineModels,
    private readonly logger: Logger,
  ) {}

  async schedule(definitionKey: string, processId: string, timers: TimerStartInfo[]): Promise<void> {
    const { TimerStart } = this.models;
    await TimerStart.updateMany({ processId, status: 'scheduled' }, { $set: { status: 'replaced' } });
    const now = new Date();
    for (const t of timers) {
      const first = nextOccurrence(t.kind, t.value, now);
      if (!first) continue;
      await TimerStart.create({
        _id: `${definitionKey}:${t.elementId}`,
        processId,
        definitionKey,
        elementId: t.elementId,
        nextAt: first.at,
        remaining: first.remaining,
        interval: t.kind === 'timeCycle' ? t.value : undefined,
        status: 'scheduled',
      });
    }
  }

  async fireDue(start: (key: string, definitionKey: string, elementId: string) => Promise<void>): Promise<void> {
    const { TimerStart } = this.models;
    const due = await TimerStart.find({ status: 'scheduled', nextAt: { $lte: new Date() } })
      .limit(20)
      .lean();
    for (const t of due) {
      try {
        await start(occurrenceKey(t.definitionKey, t.elementId, t.nextAt), t.definitionKey, t.elementId);
      } catch (err) {
        this.logger.error({ err, timer: t._id }, 'timer start failed');
        continue;
      }
      const remaining = t.remaining === -1 ? -1 : t.remaining - 1;
      const next = remaining !== 0 && t.interval ? nextOccurrence('timeCycle', t.interval, new Date()) : null;
      await TimerStart.updateOne(
        { _id: t._id, nextAt: t.nextAt },
        next ? { $set: { nextAt: next.at, remaining } } : { $set: { status: 'done', remaining: 0 } },
      );
    }
  }
}

/**
 * The key of the instance an occurrence starts: the same for the same occurrence, and an id like
 * any other instance's (hex, no `:`, which separates an instance key from its tasks' and jobs').
 */
export function occurrenceKey(definitionKey: string, elementId: string, at: Date): string {
  return createHash('sha256').update(`${definitionKey}\n${elementId}\n${at.getTime()}`).digest('hex').slice(0, 24);
}

function nextOccurrence(kind: TimerStartInfo['kind'], value: string, now: Date): { at: Date; remaining: number } | null {
  if (value.startsWith('=')) return null; // expressions need an instance context; not for start events
  if (kind === 'timeDate') return { at: getDate(value), remaining: 1 };
  const parsed = new ISOInterval(value).parse();
  const at = parsed.getExpireAt(now, now);
  if (kind === 'timeDuration') return { at, remaining: 1 };
  const repeat = parsed.repeat === undefined ? 1 : parsed.repeat;
  return { at, remaining: repeat };
}
