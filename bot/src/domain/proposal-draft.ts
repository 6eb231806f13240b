/**
 * The improvement proposal as the AI (or, without a model, the circle's own material) drafts it at the
 * videoframe's `ai_proposal` stage, and the port through which the session asks for it. The circle then
 * evaluates, edits and validates it (stage 5). Pure types and rules; no vendor types.
 */
import type { Locale } from './locale';
import type { DidacticQuestion } from './traject';

export const DRAFT_LIMITS = {
  titleMaxLength: 120,
  summaryMaxLength: 1200,
  stepsMax: 8,
  stepMaxLength: 300,
  effectMaxLength: 600,
  risksMax: 5,
  riskMaxLength: 300,
  criticalQuestionsMin: 2,
  criticalQuestionsMax: 3,
  criticalQuestionMaxLength: 300,
} as const;

/** The group's material, with every person's name already replaced by a placeholder (see pseudonymise). */
export interface DraftMaterial {
  /** The language the circle works in: the draft must be written in it. */
  locale: Locale;
  videoframeTitle: string;
  workSituation: string;
  /** The didactic question of the day, with its text in the circle's language. */
  question?: { number: DidacticQuestion; text: string } | undefined;
  analysis: readonly string[];
  problem: readonly string[];
  brainstorm: readonly string[];
}

export interface ProposalDraft {
  title: string;
  summary: string;
  steps: string[];
  expectedEffect: string;
  risks: string[];
  /** The didactic question the draft serves. */
  question?: DidacticQuestion | undefined;
  /** Two or three critical questions about the draft itself (the concept asks for a critical attitude). */
  criticalQuestions: string[];
}

/** The draft with `change` applied to each of its texts (names in or out, as the caller needs). */
export function mapDraftTexts(draft: ProposalDraft, change: (text: string) => string): ProposalDraft {
  return {
    ...draft,
    title: change(draft.title),
    summary: change(draft.summary),
    steps: draft.steps.map(change),
    expectedEffect: change(draft.expectedEffect),
    risks: draft.risks.map(change),
    criticalQuestions: draft.criticalQuestions.map(change),
  };
}

export interface DraftProvenance {
  /** 'ai': written by the model; 'contributions': assembled from the circle's own words, no model involved. */
  source: 'ai' | 'contributions';
  model?: string | undefined;
  promptVersion?: string | undefined;
  /**
   * True when the material went through the pseudonymiser before it left for the model (names replaced by
   * placeholders): recorded with the draft and the proposal, so it can be shown later that it was. Absent
   * on drafts from before it was recorded, and on drafts no model saw.
   */
  namesReplaced?: boolean | undefined;
  latencyMs?: number | undefined;
  tokens?: { prompt: number; completion: number; total: number } | undefined;
}

export interface DraftResult {
  draft: ProposalDraft;
  provenance: DraftProvenance;
}

/**
 * The AI that drafts a proposal. Throws `ModelError` (domain/ai.ts) when the model cannot be reached, times
 * out, refuses, or answers something that is not a usable draft ('unusable').
 */
export interface ProposalDrafter {
  /** The model or deployment name. */
  readonly model: string;
  draft(material: DraftMaterial): Promise<DraftResult>;
}
