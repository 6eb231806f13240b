import { z } from 'zod/v4';
import { ENTRA_OBJECT_ID } from '../../domain/professional';

/** Teams sends a multi-select's value as "id1,id2"; ids are Entra object ids (checked against the roster later). */
const idList = z
  .union([z.string().max(2000), z.array(z.string().max(64)).max(50)])
  .optional()
  .transform((v) =>
    (Array.isArray(v) ? v : (v ?? '').split(',')).map((id) => id.trim()).filter((id) => id !== ''),
  )
  .pipe(z.array(z.string().regex(ENTRA_OBJECT_ID)).max(50));

const version = z.union([z.string().regex(/^\d{1,9}$/), z.number().int().min(0)]).transform(Number);

export const formCircleData = z.object({
  submissionId: z.string().uuid(),
  name: z.string().max(1000).optional().default(''),
  members: idList,
  locale: z.enum(['nl', 'en']).optional().default('nl'),
});

export const addMembersData = z.object({
  submissionId: z.string().uuid(),
  version,
  members: idList,
});
