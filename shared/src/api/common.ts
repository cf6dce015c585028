/** Pieces every part of the API contract uses: ids, pages, dates, the error body. */
import { z } from 'zod';
import { NCNAME } from '../ids';

/** A task, instance, incident or archive id in a path. */
export const anyId = z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/, 'not an id');
export const username = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'not a username');
/** A process id as BPMN allows it (an NCName, see ids.ts): kebab-case, camelCase, the modeler's `Process_0abc123`, Chinese. */
export const processId = z.string().regex(NCNAME, 'not a process id');
/** A point in time as JSON carries it (ISO 8601). */
export const isoDateTime = z.string().meta({ format: 'date-time' });
export const idParams = z.object({ id: anyId });
/** A project number (交易编号) as a path and a key: letters, digits, `-` and `_`. */
export const projectNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,60}$/, 'not a project number (letters, digits, - and _, at most 60)');
/** A form's id in a path: an NCName like the ids of diagrams. */
export const formIdParams = z.object({ id: z.string().regex(NCNAME, 'not a form id') });
/** A POST that takes no fields. */
export const emptyBody = z.strictObject({});
/** Free-form JSON (process variables, audit data, form schemas). */
export const jsonObject = z.record(z.string(), z.unknown());

export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

export function itemsOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item) });
}

/** Every 4xx/5xx answer. */
export const errorBody = z
  .object({
    code: z.string().meta({ description: 'Stable machine-readable code, e.g. TASK_ALREADY_CLAIMED' }),
    message: z.string().meta({ description: '中文说明' }),
    messageEn: z.string(),
    hint: z.string().optional(),
    /** Field by field (form data) or path by path (request checks). */
    details: z
      .array(
        z.looseObject({ field: z.string().optional(), path: z.string().optional(), code: z.string(), message: z.string(), messageEn: z.string().optional() }),
      )
      .optional(),
  })
  .meta({ id: 'Error' });

export type ApiError = z.infer<typeof errorBody>;
