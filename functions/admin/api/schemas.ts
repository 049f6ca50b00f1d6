import { z } from 'zod';

/** A page of a listing: the items and, when more follow, the cursor of the next page. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().optional() });

/** RFC 9457 problem details, with the field errors of a failed validation. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  correlationId: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const isoTime = z.iso.datetime();

