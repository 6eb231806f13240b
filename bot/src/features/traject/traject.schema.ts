import { z } from 'zod/v4';
import { NO_MANAGER } from './traject.card';
import { suggestionCardData } from './suggestion.schema';
import { DIDACTIC_QUESTIONS, type DidacticQuestion, type TrajectPlan } from '../../domain/traject';

/**
 * What the compose card sends back (Action.Execute data merged with the inputs). Teams sends input values
 * as strings ("6", "1,3,5"); this turns them into a plan, or says which fields are not even of the right
 * shape. Range and date rules are the domain's (checkPlan).
 */
const intOrNaN = z.union([z.string().max(20), z.number()]).transform((v) => {
  const text = String(v).trim();
  return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
});

const ownWords = z
  .string()
  .max(10_000)
  .optional()
  .transform((v) => (v ?? '').trim());

export const trajectCardData = z.object({
  version: intOrNaN.pipe(z.number().int().min(0)),
  submissionId: z.string().uuid(),
  startDate: z.string().max(20).optional().default(''),
  durationMonths: intOrNaN,
  activeWeeksTarget: intOrNaN,
  hoursPerWeek: intOrNaN,
  questions: z
    .union([z.string().max(100), z.array(z.union([z.string(), z.number()])).max(20)])
    .optional()
    .transform((v) => {
      const parts = Array.isArray(v) ? v.map(String) : (v ?? '').split(',');
      return parts.map((p) => p.trim()).filter((p) => p !== '');
    }),
  talents: ownWords,
  learningNeeds: ownWords,
  /** The people picker's value (an Entra object id), or what was typed in local mode; empty: none. */
  manager: z
    .string()
    .max(100)
    .optional()
    .transform((v) => {
      const value = (v ?? '').trim();
      return value === '' || value === NO_MANAGER ? undefined : value;
    }),
  /** An AI suggestion the person took on this card (see suggestion.schema.ts). */
  aiSuggestion: suggestionCardData.optional(),
});

/** "Take it": the card data plus the suggestion shown next to the button. */
export const takeSuggestionData = trajectCardData.extend({ suggestion: suggestionCardData });

export type TrajectCardData = z.infer<typeof trajectCardData>;

/** The plan the card describes. Unknown question numbers are kept as NaN so the domain refuses them. */
export function toPlan(data: TrajectCardData): TrajectPlan {
  return {
    startDate: data.startDate.trim(),
    durationMonths: data.durationMonths,
    activeWeeksTarget: data.activeWeeksTarget,
    hoursPerWeek: data.hoursPerWeek,
    questions: data.questions.map((q) => {
      const n = Number(q);
      return (DIDACTIC_QUESTIONS as readonly number[]).includes(n)
        ? (n as DidacticQuestion)
        : (Number.NaN as DidacticQuestion);
    }),
    talents: data.talents,
    learningNeeds: data.learningNeeds,
    ...(data.aiSuggestion ? { aiSuggestion: data.aiSuggestion } : {}),
  };
}
