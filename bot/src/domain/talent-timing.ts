/**
 * The timing rules of talent-development conversations ("talentontwikkelgesprekken"): when they are due,
 * when the manager's nudges go, and when the one reminder to mark a conversation held goes. Pure functions;
 * the clock is passed in. Malformed input (a date that is not YYYY-MM-DD, an unknown time zone, a time that is
 * not HH:mm) throws a RangeError: the edges validate first, so reaching here with it is a programming error.
 *
 * Decisions:
 * - Due dates are counted from the traject's start (start + first + k × every months), not from the previous
 *   due date, so a month-end clamp does not drift: 31 August gives 28/29 February, then 31 August again.
 *   After a conversation was held, the next one is counted from the day it was held (`nextDueAfterHeld`).
 * - Working days are those of `cycle-calendar` (Monday–Friday, not a public holiday of the country, type
 *   'public' only), judged on the calendar date in the recipient's own time zone.
 * - A nudge's day is a calendar day before the conversation's date in the recipient's zone: the planned
 *   meeting's local date when there is one (it wins over the due date), else the due date. A day off moves
 *   the nudge to the previous working day, at the start of working hours.
 * - A nudge at or after the conversation's start is dropped, also one that was not late (offset 0, or a
 *   meeting planned before the working day starts).
 * - Two nudges on one local day: the one with the smaller offset stays (it is meant for closer to the
 *   conversation); at equal moments that is the only way to tell them apart.
 * - Nothing here knows what was sent: a schedule computed again after a nudge went out returns it once more
 *   (late, at `now`). The caller keys each nudge by conversation, conversation date and offset in the outbox,
 *   so it is not sent twice.
 */

import { DateTime } from 'luxon';

import {
  type HolidayCalendar,
  type IsoDate,
  isIsoDate,
  publicHolidays,
  validTimeZone,
} from './cycle-calendar';

export type HolidayCountry = 'NL';

export interface DueDateOptions {
  firstAfterMonths: number;
  everyMonths: number;
  /** The last day a due date may fall on (inclusive); without it only the first due date is returned. */
  until?: IsoDate | undefined;
}

export interface WorkingMomentOptions {
  /** Local start of working hours, HH:mm. */
  dayStart: string;
  /** Whose public holidays count; default NL. */
  country?: HolidayCountry | undefined;
}

export interface NudgeScheduleInput {
  dueDate: IsoDate;
  /** The planned meeting, if any; its local date in the recipient's zone is the conversation's date. */
  startsAt?: Date | undefined;
  recipientTimeZone: string;
  /** Calendar days before the conversation, e.g. [7, 1]. */
  offsetsDays: readonly number[];
  /** Working hours [dayStart, dayEnd), HH:mm local. */
  dayStart: string;
  dayEnd: string;
  /** Whose public holidays count; default NL. */
  country?: HolidayCountry | undefined;
  now: Date;
}

export interface PlannedNudge {
  offsetDays: number;
  at: Date;
}

export interface HeldReminderOptions {
  /** Working days after the due date, e.g. 2. Zero means the first working day on or after it. */
  afterWorkingDays: number;
  dayStart: string;
  country?: HolidayCountry | undefined;
}

/** Plenty for any run of days off (Christmas with a weekend is four); a guard against endless loops. */
const MAX_DAYS_OFF_IN_A_ROW = 31;

// ---------------------------------------------------------------------------------------------------------
// Input

function dateOf(value: IsoDate, what: string): DateTime {
  if (!isIsoDate(value)) throw new RangeError(`${what} is not a calendar date (YYYY-MM-DD): ${value}`);
  return DateTime.fromISO(value, { zone: 'utc' });
}

function isoOf(date: DateTime): IsoDate {
  // Every DateTime here comes from a checked date, so toISODate() is never null.
  return date.toISODate() ?? '';
}

function zoneOf(value: string): string {
  const zone = validTimeZone(value);
  if (!zone) throw new RangeError(`not a valid IANA time zone: ${value}`);
  return zone;
}

interface TimeOfDay {
  hour: number;
  minute: number;
}

function timeOf(value: string, what: string): TimeOfDay {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) throw new RangeError(`${what} is not a time of day (HH:mm): ${value}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

function instantOf(value: Date, what: string): number {
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a valid date`);
  return ms;
}

function wholeMonths(value: number, what: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${what} must be a whole number of months of at least ${min}: ${value}`);
  }
  return value;
}

function holidaysOf(country: HolidayCountry | undefined): HolidayCalendar {
  return publicHolidays(country ?? 'NL');
}

// ---------------------------------------------------------------------------------------------------------
// Due dates

/**
 * The due dates of a traject's conversations: `firstAfterMonths` after `trajectStart` (a day that does not
 * exist in that month becomes its last day), then every `everyMonths`, up to and including `until`. Without
 * `until`, only the first. An `until` before the first due date gives none.
 */
export function conversationDueDates(trajectStart: IsoDate, options: DueDateOptions): IsoDate[] {
  const start = dateOf(trajectStart, 'trajectStart');
  const first = wholeMonths(options.firstAfterMonths, 'firstAfterMonths', 0);
  const every = wholeMonths(options.everyMonths, 'everyMonths', 1);
  if (options.until === undefined) return [isoOf(start.plus({ months: first }))];
  const until = isoOf(dateOf(options.until, 'until'));

  const dates: IsoDate[] = [];
  for (let k = 0; ; k++) {
    const due = isoOf(start.plus({ months: first + k * every }));
    if (due > until) return dates;
    dates.push(due);
  }
}

/** The next conversation's due date, `everyMonths` after the day the last one was held (month-end clamped). */
export function nextDueAfterHeld(heldOn: IsoDate, everyMonths: number): IsoDate {
  const held = dateOf(heldOn, 'heldOn');
  return isoOf(held.plus({ months: wholeMonths(everyMonths, 'everyMonths', 1) }));
}

// ---------------------------------------------------------------------------------------------------------
// Working days and moments

function isWorkingDate(date: DateTime, holidays: HolidayCalendar): boolean {
  return date.weekday <= 5 && holidays.holidayOn(isoOf(date)) === undefined;
}

/** `date` itself when it is a working day, else the nearest working day in direction `step` (-1 or +1). */
function workingDateFrom(date: DateTime, step: -1 | 1, holidays: HolidayCalendar): DateTime {
  let day = date;
  for (let i = 0; i <= MAX_DAYS_OFF_IN_A_ROW; i++) {
    if (isWorkingDate(day, holidays)) return day;
    day = day.plus({ days: step });
  }
  throw new RangeError(`no working day within ${MAX_DAYS_OFF_IN_A_ROW} days of ${isoOf(date)}`);
}

/**
 * The instant of local `time` on calendar `date` in `zone`. In a daylight-saving gap (no working hours start
 * there in today's zones) luxon moves the time forward by the gap, which is the first moment that exists.
 */
function localMoment(date: DateTime, time: TimeOfDay, zone: string): DateTime {
  return DateTime.fromObject(
    { year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute },
    { zone },
  );
}

/**
 * The start of working hours on `date` in `timeZone`; on a weekend day or a public holiday, on the working
 * day before it.
 */
export function workingMoment(date: IsoDate, timeZone: string, options: WorkingMomentOptions): Date {
  const day = dateOf(date, 'date');
  const zone = zoneOf(timeZone);
  const start = timeOf(options.dayStart, 'dayStart');
  const holidays = holidaysOf(options.country);
  return localMoment(workingDateFrom(day, -1, holidays), start, zone).toJSDate();
}

/**
 * `now` itself when it lies within working hours [start, end) of a working day in `zone`; otherwise the
 * start of the next working hours.
 */
function nextWorkingMoment(
  now: number,
  zone: string,
  start: TimeOfDay,
  end: TimeOfDay,
  holidays: HolidayCalendar,
): number {
  const local = DateTime.fromMillis(now, { zone });
  const today = DateTime.fromObject(
    { year: local.year, month: local.month, day: local.day },
    { zone: 'utc' },
  );
  if (isWorkingDate(today, holidays)) {
    const opens = localMoment(today, start, zone).toMillis();
    if (now < opens) return opens;
    if (now < localMoment(today, end, zone).toMillis()) return now;
  }
  const next = workingDateFrom(today.plus({ days: 1 }), 1, holidays);
  return localMoment(next, start, zone).toMillis();
}

// ---------------------------------------------------------------------------------------------------------
// Nudges

function localDay(instant: number, zone: string): IsoDate {
  return DateTime.fromMillis(instant, { zone }).toFormat('yyyy-MM-dd');
}

/**
 * When the nudges before one conversation go, sorted by time. Each offset's nudge goes at the start of
 * working hours, `offsetDays` calendar days before the conversation's local date (a day off moves it to the
 * working day before). A nudge whose moment has passed while the conversation has not started (the planned
 * meeting, else the due date at `dayStart`) goes at the next working moment from `now`. A nudge at or after
 * the conversation's start is dropped, and of two nudges on one local day only the one with the smaller
 * offset stays.
 */
export function nudgeSchedule(input: NudgeScheduleInput): PlannedNudge[] {
  const zone = zoneOf(input.recipientTimeZone);
  const due = dateOf(input.dueDate, 'dueDate');
  const start = timeOf(input.dayStart, 'dayStart');
  const end = timeOf(input.dayEnd, 'dayEnd');
  if (end.hour * 60 + end.minute <= start.hour * 60 + start.minute) {
    throw new RangeError(`dayEnd (${input.dayEnd}) must come after dayStart (${input.dayStart})`);
  }
  const now = instantOf(input.now, 'now');
  const offsets = [...new Set(input.offsetsDays)];
  for (const offset of offsets) {
    if (!Number.isInteger(offset) || offset < 0) {
      throw new RangeError(`offsetsDays must be whole numbers of days, 0 or more: ${offset}`);
    }
  }
  const holidays = holidaysOf(input.country);

  let conversationDate = due;
  let conversationStart = localMoment(due, start, zone).toMillis();
  if (input.startsAt !== undefined) {
    conversationStart = instantOf(input.startsAt, 'startsAt');
    conversationDate = dateOf(localDay(conversationStart, zone), 'startsAt');
  }
  if (now >= conversationStart) return [];

  const candidates: { offsetDays: number; at: number }[] = [];
  for (const offsetDays of offsets) {
    const day = workingDateFrom(conversationDate.minus({ days: offsetDays }), -1, holidays);
    let at = localMoment(day, start, zone).toMillis();
    if (at < now) at = nextWorkingMoment(now, zone, start, end, holidays);
    if (at < conversationStart) candidates.push({ offsetDays, at });
  }

  // The smallest offset first, so it claims its day before a larger one can.
  candidates.sort((a, b) => a.offsetDays - b.offsetDays);
  const byDay = new Map<IsoDate, { offsetDays: number; at: number }>();
  for (const candidate of candidates) {
    const day = localDay(candidate.at, zone);
    if (!byDay.has(day)) byDay.set(day, candidate);
  }
  return [...byDay.values()]
    .sort((a, b) => a.at - b.at || a.offsetDays - b.offsetDays)
    .map(({ offsetDays, at }) => ({ offsetDays, at: new Date(at) }));
}

// ---------------------------------------------------------------------------------------------------------
// Held reminder

/**
 * When to remind a manager who has not marked the conversation held: the start of working hours on the
 * `afterWorkingDays`-th working day after `dueDate` in `timeZone` (days off are not counted).
 */
export function heldReminderAt(dueDate: IsoDate, timeZone: string, options: HeldReminderOptions): Date {
  const due = dateOf(dueDate, 'dueDate');
  const zone = zoneOf(timeZone);
  const start = timeOf(options.dayStart, 'dayStart');
  const count = options.afterWorkingDays;
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`afterWorkingDays must be a whole number, 0 or more: ${count}`);
  }
  const holidays = holidaysOf(options.country);

  // Zero: the due date itself when it is a working day. From one on, the due date never counts.
  let day = count === 0 ? workingDateFrom(due, 1, holidays) : due;
  for (let i = 0; i < count; i++) day = workingDateFrom(day.plus({ days: 1 }), 1, holidays);
  return localMoment(day, start, zone).toJSDate();
}
