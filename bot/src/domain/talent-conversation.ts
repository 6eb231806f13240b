/**
 * The talent-development conversation ("talentontwikkelgesprek"): every six months between a professional
 * and their manager (CONCEPT.md, roles and accountability). The professional reports time used, proposals
 * and development in their own words; the manager gets a nudge before it and records that it was held.
 * Pure types and rules; no MongoDB, no Teams.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { forManager, type ProposalSummary, type ValidatedProposalView } from './proposal';
import type { LedgerEntry, LedgerTotals } from './ledger';
import { trajectFigures, type Traject } from './traject';

export const TALENT_LIMITS = {
  agreementsMaxLength: 2000,
  wishesMaxLength: 1000,
  /** A date can be set or moved to at most this far ahead. */
  maxMonthsAhead: 12,
} as const;

export const TALENT_STATUSES = ['planned', 'held', 'cancelled'] as const;
export type TalentStatus = (typeof TALENT_STATUSES)[number];

export interface TalentConversation {
  /** `<tenantId>:<hash of the professional>:<seq>`: the n-th conversation of this professional. */
  id: string;
  tenantId: string;
  professionalAadObjectId: string;
  /** Who the manager was when it was planned or last changed; undefined while the professional named none. */
  managerAadObjectId: string | undefined;
  seq: number;
  /** The planned date (YYYY-MM-DD), in the professional's calendar. */
  dueDate: string;
  status: TalentStatus;
  /** When it was held (YYYY-MM-DD), what was agreed (both may see it), and who recorded it. */
  heldOn?: string | undefined;
  agreements?: string | undefined;
  /** What the professional wants to discuss (from the preparation card). */
  wishes?: string | undefined;
  /** The last change of date: who moved it, so the other side can be told. */
  movedBy?: string | undefined;
  /** The conversation as a Teams meeting in both calendars (Microsoft Graph configured): its time. */
  meeting?: TalentMeetingPlan | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The lengths a talent-development conversation's meeting can have, in minutes. */
export const TALENT_MEETING_MINUTES = [30, 45, 60, 90] as const;

/**
 * When the conversation takes place as a Teams meeting: a local time on its date, in the zone of whoever set
 * it. The calendar event itself (talent-calendar.ts) follows this plan; `revision` goes up with every change
 * of date or time, so the calendar's copy can tell whether it is behind.
 */
export interface TalentMeetingPlan {
  /** HH:mm, local in `timeZone`. */
  time: string;
  minutes: number;
  timeZone: string;
  revision: number;
  /** When it first became a meeting (kept while it is moved): one calendar event per planned meeting. */
  plannedAt: string;
}

/** The meeting's start and end as instants; undefined without a meeting (or with a time that cannot be). */
export function meetingInstants(
  c: Pick<TalentConversation, 'dueDate' | 'meeting'>,
): { start: Date; end: Date } | undefined {
  if (!c.meeting) return undefined;
  const start = DateTime.fromISO(`${c.dueDate}T${c.meeting.time}`, { zone: c.meeting.timeZone });
  if (!start.isValid) return undefined;
  return { start: start.toJSDate(), end: start.plus({ minutes: c.meeting.minutes }).toJSDate() };
}

/**
 * `<tenantId>:<person>:<seq>`, where `<person>` is a hash of the professional's id: the id travels in job and
 * delivery keys and on cards, and must not carry the person's Entra id (erasure removes the conversations;
 * keys left in job history then point at nothing). Deterministic, so planning the n-th one stays a unique
 * insert.
 */
export function conversationId(tenantId: string, professionalAadObjectId: string, seq: number): string {
  const person = createHash('sha256')
    .update(`${tenantId}:${professionalAadObjectId.toLowerCase()}`)
    .digest('hex')
    .slice(0, 20);
  return `${tenantId}:${person}:${seq}`;
}

export interface TalentConversationRepository {
  /** Inserts under its id (unique); false when a conversation with that id exists already. */
  insert(conversation: TalentConversation): Promise<boolean>;
  get(id: string): Promise<TalentConversation | undefined>;
  /** The professional's conversations, earliest first. */
  listForProfessional(tenantId: string, aadObjectId: string): Promise<TalentConversation[]>;
  /** The conversations of the people who name this manager, earliest first. */
  listForManager(tenantId: string, managerAadObjectId: string): Promise<TalentConversation[]>;
  /** Saves as version expectedVersion + 1; false when the stored version moved on. */
  update(conversation: TalentConversation, expectedVersion: number): Promise<boolean>;
  /** The right to erasure: their own conversations go; as a manager, their id leaves the others'. */
  forget(tenantId: string, aadObjectId: string): Promise<number>;
}

/**
 * What the manager may see before a conversation, and nothing more: time used against time made available,
 * active weeks against the target, validated proposals (title, question, date) and the notes the
 * professional chose to share. Nothing from circle sessions beyond validated proposals: no contributions,
 * ratings or attendance per session (the concept: not a control system).
 */
export interface ManagerSummary {
  name: string;
  minutesUsed: number;
  hoursMadeAvailable: number | undefined;
  activeWeeks: number;
  activeWeeksTarget: number | undefined;
  validatedProposals: ValidatedProposalView[];
  sharedNotes: { text: string; updatedAt: string }[];
}

export function managerSummary(input: {
  name: string;
  traject: Traject | undefined;
  totals: LedgerTotals;
  entries: readonly LedgerEntry[];
  proposals: readonly ProposalSummary[];
}): ManagerSummary {
  return {
    name: input.name,
    minutesUsed: input.totals.minutesUsed,
    hoursMadeAvailable: input.traject ? trajectFigures(input.traject).hoursMadeAvailable : undefined,
    activeWeeks: input.totals.activeWeeks,
    activeWeeksTarget: input.traject?.activeWeeksTarget,
    validatedProposals: forManager(input.proposals),
    sharedNotes: input.entries.flatMap((e) =>
      e.kind === 'note' && e.sharedWithManager
        ? [{ text: e.text, updatedAt: (e.updatedAt ?? e.createdAt).toISOString() }]
        : [],
    ),
  };
}

/** How a manager accounts to their team: how many of their people's conversations were held on time. */
export function heldOnTime(
  conversations: readonly TalentConversation[],
  today: string,
  graceDays = 14,
): { due: number; heldOnTime: number; heldLate: number; open: number } {
  let due = 0;
  let onTime = 0;
  let late = 0;
  let open = 0;
  for (const c of conversations) {
    // A conversation counts once its date has come, or earlier when it was already held.
    if (c.status === 'cancelled' || (c.dueDate > today && c.status !== 'held')) continue;
    due++;
    if (c.status === 'held' && c.heldOn) {
      if (daysBetween(c.dueDate, c.heldOn) <= graceDays) onTime++;
      else late++;
    } else open++;
  }
  return { due, heldOnTime: onTime, heldLate: late, open };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
