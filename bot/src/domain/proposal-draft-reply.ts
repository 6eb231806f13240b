/**
 * Reads the model's answer to the improvement-proposal prompt: untrusted text, read leniently (a code fence
 * or a sentence around the object is tolerated, over-long texts are clipped) but checked strictly (the
 * parts the circle needs must be there). Pure; no vendor types.
 */
import { DRAFT_LIMITS, type ProposalDraft } from './proposal-draft';
import { DIDACTIC_QUESTIONS, type DidacticQuestion } from './traject';

/** The model's whole answer; anything longer is not a draft we can show (max_tokens 1200 is ~5,000 chars). */
export const DRAFT_REPLY_MAX_LENGTH = 8000;

/** The draft in the model's reply, or undefined when the reply is not a usable draft. */
export function readDraftReply(text: string): ProposalDraft | undefined {
  if (text.length > DRAFT_REPLY_MAX_LENGTH) return undefined;
  const reply = objectIn(text);
  if (!reply) return undefined;

  const title = clipLine(reply.title, DRAFT_LIMITS.titleMaxLength);
  const summary = clipText(reply.summary, DRAFT_LIMITS.summaryMaxLength);
  const steps = lines(reply.steps, DRAFT_LIMITS.stepMaxLength, true).slice(0, DRAFT_LIMITS.stepsMax);
  const criticalQuestions = lines(reply.criticalQuestions, DRAFT_LIMITS.criticalQuestionMaxLength).slice(
    0,
    DRAFT_LIMITS.criticalQuestionsMax,
  );
  const question = didacticQuestion(reply.question);
  if (!title || !summary || steps.length === 0) return undefined;
  if (criticalQuestions.length < DRAFT_LIMITS.criticalQuestionsMin) return undefined;
  if (question === 'invalid') return undefined;

  return {
    title,
    summary,
    steps,
    expectedEffect: clipText(reply.expectedEffect, DRAFT_LIMITS.effectMaxLength),
    risks: lines(reply.risks, DRAFT_LIMITS.riskMaxLength).slice(0, DRAFT_LIMITS.risksMax),
    question,
    criticalQuestions,
  };
}

/**
 * The one JSON object in the text: the whole text when it is JSON (then it must be an object), else what
 * lies from its first `{` to its last `}` (a code fence or a sentence around it).
 */
function objectIn(text: string): Record<string, unknown> | undefined {
  let json = parseJson(text);
  if (json === undefined) {
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start < 0 || end <= start) return undefined;
    json = parseJson(text.slice(start, end + 1));
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

/** One line of text: every run of whitespace becomes one space. */
function clipLine(value: unknown, max: number): string {
  return typeof value === 'string' ? clip(value.replace(/\s+/g, ' ').trim(), max) : '';
}

/** Running text: paragraphs are kept (at most one empty line between them), spaces within a line collapsed. */
function clipText(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  const text = value
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return clip(text, max);
}

/**
 * The non-empty strings of a list, each on one line and clipped. Steps are shown numbered, so a number or
 * bullet the model put in front anyway ("1. ", "2) ", "- ") is taken off.
 */
function lines(value: unknown, max: number, dropMarkers = false): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is string => typeof item === 'string')
    .map((item) => (dropMarkers ? item.trim().replace(/^(?:\d{1,2}[.)]|[-*•])\s+/, '') : item))
    .map((item) => clipLine(item, max))
    .filter((item) => item !== '');
}

/** Absent or null: no question. A number (or a digit string) 1..10: that question. Anything else: invalid. */
function didacticQuestion(value: unknown): DidacticQuestion | undefined | 'invalid' {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\s*\d{1,2}\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && (DIDACTIC_QUESTIONS as readonly number[]).includes(n)
    ? (n as DidacticQuestion)
    : 'invalid';
}
