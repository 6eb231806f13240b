/**
 * Proposals for improvement or innovation, as the professional's overview and their manager see them. The
 * videoframe (a later feature) writes them: the AI drafts one from the group's material, the circle
 * evaluates it and validates or rejects it. A proposal belongs to the circle and counts for each of its
 * contributors. Pure types and rules; no MongoDB.
 */
import type { DidacticQuestion } from './traject';

/**
 * 'draft': the AI's draft, still being evaluated by the circle; 'validated' and 'rejected': the circle's
 * decision (stage 5 of the videoframe). Only validated proposals count in anyone's accountability. What
 * happens to a proposal afterwards is the organisation's business, not a status we track (no control
 * system).
 */
export const PROPOSAL_STATUSES = ['draft', 'validated', 'rejected'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export interface ProposalSummary {
  id: string;
  title: string;
  status: ProposalStatus;
  /** The didactic question the circle worked on, when it chose one. */
  question?: DidacticQuestion;
  /** ISO date-time. */
  createdAt: string;
}

/** What a manager may see of a report's proposals: the validated ones, by title, question and date. */
export interface ValidatedProposalView {
  title: string;
  question?: DidacticQuestion;
  createdAt: string;
}

export function validatedOnly(proposals: readonly ProposalSummary[]): ProposalSummary[] {
  return proposals.filter((p) => p.status === 'validated');
}

export function forManager(proposals: readonly ProposalSummary[]): ValidatedProposalView[] {
  return validatedOnly(proposals).map((p) => ({
    title: p.title,
    ...(p.question === undefined ? {} : { question: p.question }),
    createdAt: p.createdAt,
  }));
}

export interface ProposalReader {
  /** The proposals the professional contributed to, newest first. */
  forContributor(tenantId: string, aadObjectId: string): Promise<ProposalSummary[]>;
  /**
   * The right to erasure: takes the person out of every proposal's contributors. The proposal stays with
   * the circle; it only counts one more anonymous contributor. Returns how many proposals changed.
   */
  forgetContributor(tenantId: string, aadObjectId: string): Promise<number>;
}

/** A proposal as the session records it when the circle decides (stage 5). */
export interface ProposalRecord {
  /** Unique per effect (`<sessionId>:proposal`): recording it again changes nothing. */
  idempotencyKey: string;
  id: string;
  tenantId: string;
  circleId: string;
  sessionId: string;
  cycleId: string | undefined;
  title: string;
  summary: string;
  steps: string[];
  expectedEffect: string;
  risks: string[];
  question: DidacticQuestion | undefined;
  workSituation: string;
  /** 'validated' when the circle adopted or adapted it; 'rejected' with the circle's reason. */
  status: Exclude<ProposalStatus, 'draft'>;
  decision: 'adopt' | 'adapt' | 'reject';
  rejectionReason: string | undefined;
  /** Who wrote the draft: the AI (which model) or the circle's own material. */
  draftSource: 'ai' | 'contributions';
  model: string | undefined;
  /** The prompt's version (`improvement-proposal@<hash>`) when the model wrote the draft. */
  promptVersion?: string | undefined;
  /** Whether the names in the material were replaced by placeholders before it went to the model. */
  namesReplaced?: boolean | undefined;
  contributorAadObjectIds: string[];
  createdAt: Date;
}

export interface ProposalWriter {
  /** Inserts once per idempotency key; returns false when it was recorded before. */
  record(proposal: ProposalRecord): Promise<boolean>;
}
