import { z } from 'zod/v4';
import { DECISION_KINDS } from '../../domain/session';

/**
 * What session cards send back: the action's data merged with the card's inputs. Teams sends input values
 * as strings; everything here is untrusted (a forged payload is refused before it reaches the domain).
 * Texts are accepted up to a generous size here so an oversized one reaches the domain, which refuses it
 * with a message; anything beyond that is not a card of ours.
 */
const int = z.union([z.string().max(12), z.number()]).transform((v, ctx) => {
  const text = String(v).trim();
  if (!/^-?\d+$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'not an integer' });
    return z.NEVER;
  }
  return Number(text);
});

const text = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => v ?? '');

const sessionId = z.string().min(3).max(400);

export const refreshData = z.object({ sessionId });

const base = z.object({ sessionId, rev: int.pipe(z.number().int().min(0).max(100_000)) });

export const checkInData = base.extend({ energy: int.pipe(z.number().int().min(1).max(5)) });

export const beginData = base.extend({
  frameId: z.string().max(60),
  situation: z.string().max(400),
  newSituation: text(20_000),
  question: z
    .union([z.string().max(4), z.number()])
    .optional()
    .transform((v, ctx) => {
      const raw = v === undefined ? '' : String(v).trim();
      // "none": the circle chose no question for today (a ChoiceSet's value may not be empty).
      if (raw === '' || raw === 'none') return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1 || n > 10) {
        ctx.addIssue({ code: 'custom', message: 'not a didactic question' });
        return z.NEVER;
      }
      return n as 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
    }),
  anonymous: z.union([z.literal('true'), z.literal('false'), z.boolean()]).optional(),
  timebox0: int.optional(),
  timebox1: int.optional(),
  timebox2: int.optional(),
  timebox3: int.optional(),
  timebox4: int.optional(),
});

export const contributeData = base.extend({
  stage: int.pipe(z.number().int().min(0).max(4)),
  contribution: text(20_000),
});

export const moveData = base.extend({
  from: int.pipe(z.number().int().min(0).max(4)),
  to: int.pipe(z.number().int().min(-1).max(5)),
});

export const redraftData = base.extend({ withModel: z.boolean() });

export const rateData = base.extend({
  usefulness: int.pipe(z.number().int().min(1).max(5)),
  feasibility: int.pipe(z.number().int().min(1).max(5)),
});

export const decideData = base.extend({
  decision: z.enum(DECISION_KINDS),
  reason: text(20_000),
  title: text(20_000),
  summary: text(20_000),
  steps: text(40_000),
  expectedEffect: text(20_000),
});

export const closeData = base;
