/**
 * The Prof-traject: the learning trajectory a professional composes around the didactic framework.
 * Pure rules; no Teams, no MongoDB.
 */

import type { LearningSuggestion } from './learning-suggestion';
import { ENTRA_OBJECT_ID } from './professional';

/** The ten questions of the didactic framework ("didactisch kader"), by number. */
export const DIDACTIC_QUESTIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export type DidacticQuestion = (typeof DIDACTIC_QUESTIONS)[number];

export const TRAJECT_LIMITS = {
  durationMonths: { min: 1, max: 24, default: 6 },
  activeWeeksTarget: { min: 1, default: 20 },
  hoursPerWeek: { min: 1, max: 40, default: 4 },
  ownWordsMaxLength: 2000,
  /** How far from today a start date may lie, in months. */
  startWindowMonths: 12,
  /** The concept: a talent-development conversation every six months. */
  talentConversationEveryMonths: 6,
} as const;

export interface TrajectPlan {
  /** ISO calendar date, YYYY-MM-DD. */
  startDate: string;
  durationMonths: number;
  activeWeeksTarget: number;
  hoursPerWeek: number;
  questions: DidacticQuestion[];
  talents: string;
  learningNeeds: string;
  /** The AI suggestion the professional took, kept so it stays marked as coming from an AI model. */
  aiSuggestion?: LearningSuggestion | undefined;
}

export interface Traject extends TrajectPlan {
  id: string;
  tenantId: string;
  ownerAadObjectId: string;
  /** Starts at 1; every change adds one. A change names the version it was made on. */
  version: number;
  /** The card submission that made this version, so a resent invoke is recognised. */
  lastSubmissionId: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a person fills in (the AI suggestion is taken, not typed). */
export type PlanField = Exclude<keyof TrajectPlan, 'aiSuggestion'>;

/** The plan's fields, and the manager the professional names on the same card. */
export type CardField = PlanField | 'manager';

export type PlanProblem =
  | { field: CardField; code: 'required' }
  | { field: CardField; code: 'invalid' }
  /** A manager the organisation's directory does not have in the tenant. */
  | { field: 'manager'; code: 'not_in_tenant' }
  | { field: PlanField; code: 'out_of_range'; min: number; max: number }
  | { field: PlanField; code: 'too_long'; max: number };

/** Whole weeks in a duration of whole months (a month is 52/12 weeks). */
export function weeksIn(durationMonths: number): number {
  return Math.floor((durationMonths * 52) / 12);
}

function parseIsoDate(value: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value ? date : undefined;
}

export function addMonths(isoDate: string, months: number): string {
  const date = parseIsoDate(isoDate);
  if (!date) throw new RangeError(`not an ISO date: ${isoDate}`);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  // The 31st plus one month is the last day of the next month, not the first of the one after.
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.toISOString().slice(0, 10);
}

/**
 * Every rule a plan must keep; an empty list means it may be saved. The start date must lie within a year of
 * today only when it is set or changed: a two-year traject keeps the start it had.
 */
export function checkPlan(plan: TrajectPlan, today: string, savedStartDate?: string): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const start = parseIsoDate(plan.startDate);
  if (!plan.startDate) problems.push({ field: 'startDate', code: 'required' });
  else if (!start) problems.push({ field: 'startDate', code: 'invalid' });
  else if (plan.startDate !== savedStartDate) {
    const window = TRAJECT_LIMITS.startWindowMonths;
    if (plan.startDate < addMonths(today, -window) || plan.startDate > addMonths(today, window)) {
      problems.push({ field: 'startDate', code: 'out_of_range', min: -window, max: window });
    }
  }
  const { durationMonths, hoursPerWeek } = TRAJECT_LIMITS;
  if (
    !Number.isInteger(plan.durationMonths) ||
    plan.durationMonths < durationMonths.min ||
    plan.durationMonths > durationMonths.max
  ) {
    problems.push({
      field: 'durationMonths',
      code: 'out_of_range',
      min: durationMonths.min,
      max: durationMonths.max,
    });
  }
  const maxWeeks =
    Number.isInteger(plan.durationMonths) && plan.durationMonths > 0
      ? weeksIn(Math.min(plan.durationMonths, durationMonths.max))
      : weeksIn(durationMonths.max);
  if (
    !Number.isInteger(plan.activeWeeksTarget) ||
    plan.activeWeeksTarget < 1 ||
    plan.activeWeeksTarget > maxWeeks
  ) {
    problems.push({ field: 'activeWeeksTarget', code: 'out_of_range', min: 1, max: maxWeeks });
  }
  if (
    !Number.isInteger(plan.hoursPerWeek) ||
    plan.hoursPerWeek < hoursPerWeek.min ||
    plan.hoursPerWeek > hoursPerWeek.max
  ) {
    problems.push({
      field: 'hoursPerWeek',
      code: 'out_of_range',
      min: hoursPerWeek.min,
      max: hoursPerWeek.max,
    });
  }
  if (plan.questions.length === 0) problems.push({ field: 'questions', code: 'required' });
  else if (
    plan.questions.some((q) => !DIDACTIC_QUESTIONS.includes(q)) ||
    new Set(plan.questions).size !== plan.questions.length
  ) {
    problems.push({ field: 'questions', code: 'invalid' });
  }
  for (const field of ['talents', 'learningNeeds'] as const) {
    if (plan[field].length > TRAJECT_LIMITS.ownWordsMaxLength) {
      problems.push({ field, code: 'too_long', max: TRAJECT_LIMITS.ownWordsMaxLength });
    }
  }
  return problems;
}

/** A manager is named by their Entra object id (see ENTRA_OBJECT_ID); nobody can be their own manager. */
export function checkManager(managerAadObjectId: string | undefined, ownAadObjectId: string): PlanProblem[] {
  if (managerAadObjectId === undefined) return [];
  if (
    !ENTRA_OBJECT_ID.test(managerAadObjectId) ||
    managerAadObjectId.toLowerCase() === ownAadObjectId.toLowerCase()
  ) {
    return [{ field: 'manager', code: 'invalid' }];
  }
  return [];
}

/** Today as an ISO date (UTC), for callers that have no clock of their own. */
function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * The talent-development conversation due on or after `today`. They fall every six months from the start;
 * the last one of a traject falls on its end date at the latest (a 4-month traject has its conversation at
 * the end, a 9-month one at 6 months and at the end). Once the end has passed, this stays that closing
 * conversation, now in the past: a new traject starts a new rhythm.
 */
export function nextTalentConversation(plan: TrajectPlan, today: string = todayIso()): string {
  const end = addMonths(plan.startDate, plan.durationMonths);
  const every = TRAJECT_LIMITS.talentConversationEveryMonths;
  // Each date is counted from the start, so the 31st never drifts to the 28th and stays there.
  for (let n = 1; ; n++) {
    const date = addMonths(plan.startDate, n * every);
    if (date >= end) return end;
    if (date >= today) return date;
  }
}

/**
 * The figures a summary shows, derived from the plan (the ledger adds what was used). `today` (an ISO date)
 * decides which talent-development conversation is next; without it, today in UTC.
 */
export function trajectFigures(
  traject: TrajectPlan,
  today: string = todayIso(),
): {
  endDate: string;
  hoursMadeAvailable: number;
  nextTalentConversation: string;
} {
  return {
    endDate: addMonths(traject.startDate, traject.durationMonths),
    hoursMadeAvailable: traject.activeWeeksTarget * traject.hoursPerWeek,
    nextTalentConversation: nextTalentConversation(traject, today),
  };
}

export interface TrajectRepository {
  find(tenantId: string, ownerAadObjectId: string): Promise<Traject | undefined>;
  /** False when the owner already has a traject (someone else's submission created it first). */
  create(traject: Traject): Promise<boolean>;
  /** Saves `traject` as version expectedVersion + 1; false when the stored version is no longer expectedVersion. */
  update(traject: Traject, expectedVersion: number): Promise<boolean>;
}
