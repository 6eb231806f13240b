/**
 * The professional's own ledger: time used on learning they chose themselves, and development notes in
 * their own words. Notes are private unless the professional shares one with their manager.
 */

export const LEARNING_KINDS = ['elearning', 'book', 'podcast', 'video', 'expert', 'course', 'other'] as const;
export type LearningKind = (typeof LEARNING_KINDS)[number];

export const LEDGER_LIMITS = {
  whatMaxLength: 200,
  minutes: { min: 1, max: 600 },
  noteMaxLength: 4000,
  /** Entries may be recorded for the past year, not for the future. */
  pastDays: 366,
} as const;

export interface TimeEntry {
  id: string;
  tenantId: string;
  ownerAadObjectId: string;
  kind: 'time';
  /** 'self': chosen learning the professional recorded; 'session': a circle session (recorded by the bot). */
  source: 'self' | 'session';
  learningKind: LearningKind;
  what: string;
  /** ISO date, YYYY-MM-DD. */
  date: string;
  minutes: number;
  createdAt: Date;
}

export interface DevelopmentNote {
  id: string;
  tenantId: string;
  ownerAadObjectId: string;
  kind: 'note';
  text: string;
  sharedWithManager: boolean;
  /** Starts at 1; every change adds one. An edit names the version it was made on. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type LedgerEntry = TimeEntry | DevelopmentNote;

export type LedgerProblem = { field: string; code: 'required' | 'invalid' | 'out_of_range' | 'too_long' };

function isoDaysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function checkTimeEntry(
  entry: Pick<TimeEntry, 'what' | 'date' | 'minutes' | 'learningKind'>,
  today: string,
): LedgerProblem[] {
  const problems: LedgerProblem[] = [];
  if (!entry.what.trim()) problems.push({ field: 'what', code: 'required' });
  else if (entry.what.length > LEDGER_LIMITS.whatMaxLength)
    problems.push({ field: 'what', code: 'too_long' });
  if (!LEARNING_KINDS.includes(entry.learningKind)) problems.push({ field: 'learningKind', code: 'invalid' });
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(entry.date) &&
    new Date(`${entry.date}T00:00:00Z`).toISOString().startsWith(entry.date);
  if (!valid) problems.push({ field: 'date', code: 'invalid' });
  else {
    const ago = isoDaysBetween(entry.date, today);
    if (ago < 0 || ago > LEDGER_LIMITS.pastDays) problems.push({ field: 'date', code: 'out_of_range' });
  }
  if (
    !Number.isInteger(entry.minutes) ||
    entry.minutes < LEDGER_LIMITS.minutes.min ||
    entry.minutes > LEDGER_LIMITS.minutes.max
  ) {
    problems.push({ field: 'minutes', code: 'out_of_range' });
  }
  return problems;
}

export function checkNote(text: string): LedgerProblem[] {
  if (!text.trim()) return [{ field: 'text', code: 'required' }];
  if (text.length > LEDGER_LIMITS.noteMaxLength) return [{ field: 'text', code: 'too_long' }];
  return [];
}

/** Monday of the ISO week of a date, as YYYY-MM-DD. */
export function weekOf(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  const offset = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - offset);
  return date.toISOString().slice(0, 10);
}

export interface LedgerTotals {
  /** Weeks in which the professional took part in circle sessions. */
  activeWeeks: number;
  /** All time used: circle sessions and self-chosen learning. */
  minutesUsed: number;
  proposals: number;
}

export function totalsOf(entries: readonly LedgerEntry[], proposals: number): LedgerTotals {
  const time = entries.filter((e): e is TimeEntry => e.kind === 'time');
  return {
    activeWeeks: new Set(time.filter((e) => e.source === 'session').map((e) => weekOf(e.date))).size,
    minutesUsed: time.reduce((sum, e) => sum + e.minutes, 0),
    proposals,
  };
}

export interface LedgerRepository {
  list(tenantId: string, ownerAadObjectId: string): Promise<LedgerEntry[]>;
  /** Inserts under the entry's id; false when an entry with that id exists already. */
  insert(entry: LedgerEntry): Promise<boolean>;
  get(tenantId: string, ownerAadObjectId: string, id: string): Promise<LedgerEntry | undefined>;
  /** Replaces a note the owner has if it is still at `expectedVersion`; false when it is not (or is gone). */
  replaceNote(note: DevelopmentNote, expectedVersion: number): Promise<boolean>;
  remove(tenantId: string, ownerAadObjectId: string, id: string): Promise<boolean>;
}
