/** 要情专报 as documents: the dispatch records (印发报送), the monthly compilations and the public report pages. */
import { z } from 'zod';
import { isoDateTime } from './common';

export const dispatchListQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export const dispatchDto = z
  .strictObject({
    id: z.string(),
    instanceId: z.string(),
    dispatchNo: z.string(),
    title: z.string(),
    recipients: z.array(z.string()),
    copyTo: z.array(z.string()),
    dispatchedAt: isoDateTime,
    /** Classified and not the reader's to see: the number and date only. */
    hidden: z.boolean(),
  })
  .meta({ id: 'Dispatch' });
export const dispatchesReply = z.strictObject({
  items: z.array(dispatchDto),
  compilations: z.array(z.strictObject({ month: z.string(), count: z.number(), titles: z.array(z.string()), compiledAt: isoDateTime })),
});
export const dispatchParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,100}:\d{1,3}$/, 'not a dispatch id') });
export const dispatchDocumentQuery = z.strictObject({ format: z.enum(['docx', 'pdf']) });
export const publicReportParams = z.object({ id: z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/, 'not a report id') });
export const publicReportDto = z.strictObject({ id: z.string(), title: z.string(), content: z.unknown(), publishedAt: isoDateTime });
