/**
 * The Vitale Weekcyclus as the professional's overview sees it: the sessions of their circles' cycles. The
 * cycles feature (a later issue) plans them; this is the read side. Pure types and rules; no MongoDB.
 */

/** A cycle is four sessions, one hour a day on four consecutive working days. */
export const SESSIONS_PER_CYCLE = 4;

export const CYCLE_STATUSES = ['planned', 'running', 'done', 'cancelled'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

export const SESSION_STATUSES = ['planned', 'started', 'ended', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface CircleSession {
  circleName: string;
  /** 0..3: which day of the cycle. */
  dayIndex: number;
  /** ISO date-times (UTC); the tab shows them in the viewer's own time zone. */
  start: string;
  end: string;
  /** The Teams meeting's join URL, only when it is an https URL. */
  joinUrl?: string;
  status: SessionStatus;
}

export interface CycleReader {
  /** Sessions of the person's cycles that have not ended at `now`, earliest first, at most `limit`. */
  upcomingSessionsFor(
    tenantId: string,
    aadObjectId: string,
    now: Date,
    limit: number,
  ): Promise<CircleSession[]>;
  /** Every session of every cycle the person is a member of, earliest first (the right of access). */
  sessionsFor(tenantId: string, aadObjectId: string): Promise<CircleSession[]>;
  /** The right to erasure: takes the person out of every cycle's members. Returns how many changed. */
  forgetMember(tenantId: string, aadObjectId: string): Promise<number>;
}

/**
 * Which sessions are still to come at `now`: not ended (by the clock or by status), earliest first. A
 * session under way counts (its join link is what people need most then); a cancelled one is kept so
 * people see that it will not happen.
 */
export function upcomingOf(sessions: readonly CircleSession[], now: Date, limit: number): CircleSession[] {
  const at = now.getTime();
  return sessions
    .filter((s) => s.status !== 'ended' && Date.parse(s.end) > at)
    .sort(byStart)
    .slice(0, Math.max(0, limit));
}

export function byStart(a: CircleSession, b: CircleSession): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : a.circleName.localeCompare(b.circleName);
}

/** Only an https link is offered to join: anything else stored by mistake is dropped, never rendered. */
export function safeJoinUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value).protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}
