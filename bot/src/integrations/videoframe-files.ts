import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod/v4';
import { STAGE_KINDS, VIDEOFRAME_LIMITS, type Videoframe } from '../domain/videoframe';

/**
 * Videoframes from JSON files: the product's own (bot/videoframes) and those an organisation's L&D adds
 * (VIDEOFRAMES_DIR). Every file is checked when loaded; a wrong one is refused with the reason and the
 * others keep working. A later directory may not reuse an id: the first frame with an id stands.
 */

const texts = (max: number) =>
  z.object(
    { nl: z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max) },
    { error: 'needs both nl and en' },
  );

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(2048);

const stage = z
  .object({
    kind: z.enum(STAGE_KINDS),
    title: texts(VIDEOFRAME_LIMITS.titleMaxLength),
    prompt: texts(VIDEOFRAME_LIMITS.textMaxLength),
    timeboxMinutes: z
      .number()
      .int()
      .min(VIDEOFRAME_LIMITS.timeboxMinutes.min)
      .max(VIDEOFRAME_LIMITS.timeboxMinutes.max),
    media: z
      .object({
        kind: z.enum(['video', 'podcast', 'image']),
        url: httpsUrl,
        title: texts(VIDEOFRAME_LIMITS.titleMaxLength),
        altText: texts(VIDEOFRAME_LIMITS.textMaxLength).optional(),
      })
      .strict()
      .refine((m) => m.kind !== 'image' || m.altText !== undefined, {
        message: 'an image needs altText in nl and en (for screen readers)',
        path: ['altText'],
      })
      .optional(),
    surprise: z
      .object({
        kind: z.enum(['provocation', 'perspective', 'vitality']),
        text: texts(VIDEOFRAME_LIMITS.textMaxLength),
      })
      .strict()
      .optional(),
  })
  .strict();

const videoframe = z
  .object({
    id: z.string().regex(VIDEOFRAME_LIMITS.idPattern, 'must be 2–48 lower-case letters, digits or dashes'),
    title: texts(VIDEOFRAME_LIMITS.titleMaxLength),
    description: texts(VIDEOFRAME_LIMITS.textMaxLength),
    stages: z.array(stage),
  })
  .strict()
  .superRefine((frame, ctx) => {
    const kinds = frame.stages.map((s) => s.kind).join(', ');
    if (kinds !== STAGE_KINDS.join(', ')) {
      ctx.addIssue({
        code: 'custom',
        path: ['stages'],
        message: `must be the five stages in this order: ${STAGE_KINDS.join(', ')} (got: ${kinds || 'none'})`,
      });
    }
    const total = frame.stages.reduce((sum, s) => sum + s.timeboxMinutes, 0);
    if (total > VIDEOFRAME_LIMITS.totalMinutesMax) {
      ctx.addIssue({
        code: 'custom',
        path: ['stages'],
        message: `time boxes add up to ${total} minutes; a session is at most ${VIDEOFRAME_LIMITS.totalMinutesMax}`,
      });
    }
  });

export interface RefusedFrame {
  file: string;
  reason: string;
}

export interface LoadedFrames {
  frames: Videoframe[];
  refused: RefusedFrame[];
}

/** Checks one frame's JSON; the reason names the field, as someone editing the file needs it. */
export function parseVideoframe(
  json: unknown,
): { ok: true; frame: Videoframe } | { ok: false; reason: string } {
  const parsed = videoframe.safeParse(json);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const reason = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(frame)'}: ${i.message}`)
    .join('; ');
  return { ok: false, reason };
}

/** Loads every `*.json` file of the directories, in order (missing directories are skipped). */
export async function loadVideoframes(directories: readonly string[]): Promise<LoadedFrames> {
  const frames: Videoframe[] = [];
  const refused: RefusedFrame[] = [];
  for (const directory of directories) {
    let names: string[];
    try {
      names = (await readdir(directory)).filter((n) => n.endsWith('.json')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(directory, name);
      const refuse = (reason: string) => refused.push({ file, reason });
      if ((await stat(file)).size > VIDEOFRAME_LIMITS.fileMaxBytes) {
        refuse(`larger than ${VIDEOFRAME_LIMITS.fileMaxBytes} bytes`);
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        refuse(`not valid JSON (${(err as Error).message})`);
        continue;
      }
      const result = parseVideoframe(json);
      if (!result.ok) {
        refuse(result.reason);
        continue;
      }
      if (frames.some((f) => f.id === result.frame.id)) {
        refuse(`id "${result.frame.id}" is already used by another frame`);
        continue;
      }
      frames.push(result.frame);
    }
  }
  return { frames, refused };
}
