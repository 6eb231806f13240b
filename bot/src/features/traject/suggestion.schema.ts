import { z } from 'zod/v4';
import { LEARNING_KINDS, type LearningKind } from '../../domain/ledger';
import { SUGGESTION_LIMITS, type LearningSuggestion } from '../../domain/learning-suggestion';
import { DIDACTIC_QUESTIONS, type DidacticQuestion } from '../../domain/traject';

/**
 * Two edges of the AI suggestion: the model's reply (untrusted text, read leniently but checked strictly:
 * only known questions and kinds, lengths capped) and the suggestion a card carries back when the person
 * takes it (untrusted card data, checked strictly).
 */

const isQuestion = (n: number): n is DidacticQuestion =>
  (DIDACTIC_QUESTIONS as readonly number[]).includes(n);
const isKind = (k: string): k is LearningKind => (LEARNING_KINDS as readonly string[]).includes(k);

const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
};

const modelReply = z.object({
  questions: z.array(z.union([z.number(), z.string()])).max(20),
  learning: z
    .array(z.object({ kind: z.string().max(50), idea: z.string().max(2000) }))
    .max(20)
    .optional()
    .default([]),
  why: z.string().max(5000).optional().default(''),
});

/** The suggestion in the model's reply, or undefined when the reply is not one we can show. */
export function readModelReply(
  reply: string,
  meta: Pick<LearningSuggestion, 'model' | 'promptVersion' | 'suggestedAt'>,
): LearningSuggestion | undefined {
  if (reply.length > SUGGESTION_LIMITS.replyMaxLength) return undefined;
  // Some servers wrap JSON in a code fence or a sentence: take the outermost object.
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(reply.slice(start, end + 1));
  } catch {
    return undefined;
  }
  const parsed = modelReply.safeParse(json);
  if (!parsed.success) return undefined;
  const questions = [
    ...new Set(
      parsed.data.questions.map((q) => Number(q)).filter((q): q is DidacticQuestion => isQuestion(q)),
    ),
  ].slice(0, SUGGESTION_LIMITS.maxQuestions);
  const learning = parsed.data.learning
    .map((l) => ({
      kind: isKind(l.kind.trim().toLowerCase())
        ? (l.kind.trim().toLowerCase() as LearningKind)
        : ('other' as const),
      idea: clip(l.idea, SUGGESTION_LIMITS.ideaMaxLength),
    }))
    .filter((l) => l.idea !== '')
    .slice(0, SUGGESTION_LIMITS.maxLearning);
  if (questions.length === 0) return undefined;
  return { questions, learning, why: clip(parsed.data.why, SUGGESTION_LIMITS.whyMaxLength), ...meta };
}

/** A suggestion as a card sends it back (the "take it" button, and the save button after that). */
export const suggestionCardData = z.object({
  questions: z
    .array(z.number().int())
    .min(1)
    .max(SUGGESTION_LIMITS.maxQuestions)
    .refine((qs) => qs.every(isQuestion) && new Set(qs).size === qs.length)
    .transform((qs) => qs as DidacticQuestion[]),
  learning: z
    .array(
      z.object({
        kind: z.enum(LEARNING_KINDS),
        idea: z.string().min(1).max(SUGGESTION_LIMITS.ideaMaxLength),
      }),
    )
    .max(SUGGESTION_LIMITS.maxLearning),
  why: z.string().max(SUGGESTION_LIMITS.whyMaxLength),
  model: z.string().min(1).max(100),
  promptVersion: z.string().min(1).max(50),
  suggestedAt: z.iso.datetime(),
});
