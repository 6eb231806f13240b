/**
 * The date rules of the Vitale Weekcyclus: which days a cycle may use, when its sessions start and end, how
 * a traject's rhythm of cycles is laid out, and where one session may be moved. Pure functions over dates;
 * no Teams, no MongoDB. User mistakes come back as typed result codes, never as exceptions; only input that
 * an edge should have refused already (a malformed ISO date given to a helper, an unknown holiday country in
 * configuration) throws a RangeError.
 *
 * Decisions:
 * - A cycle's four sessions lie within ONE calendar week (ISO week, Monday to Sunday), because the concept
 *   says "four times in one week ... on four consecutive days": Monday–Thursday or Tuesday–Friday, all four
 *   working days. A week where neither works (Koningsdag on a Tuesday, Wednesday or Thursday; the Ascension
 *   week, Thursday off) is impossible, and the planner names the next possible week.
 * - A working day is Monday to Friday and not a public holiday. Public holidays come from date-holidays
 *   (maintained data, not a list of our own), type 'public' only: in the Netherlands Goede Vrijdag and
 *   Bevrijdingsdag are 'school' there, not days off by law. The country is a parameter (default NL), and the
 *   holiday source can be injected (`HolidayCalendar`) so an organisation's own closing days can be added.
 * - Dates are calendar dates in the circle's time zone; a session's start and end are UTC instants computed
 *   with luxon in that zone, so 09:00 stays 09:00 local on both sides of a daylight-saving change.
 * - "Move a whole cycle" is planning the cycle again in another week (`proposeCycle`); cancelling needs no
 *   date rule beyond "not started yet", which the cycle service checks. Only moving one session has rules
 *   of its own here (`moveSession`).
 */

import Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';

/** A calendar date, YYYY-MM-DD. */
export type IsoDate = string;

export const CYCLE_CALENDAR = {
  defaultTimeZone: 'Europe/Amsterdam',
  defaultCountry: 'NL',
  sessionsPerCycle: 4,
  /** The earliest and latest local start time of a session (inclusive), in working time. */
  earliestStart: { hour: 7, minute: 0 },
  latestStart: { hour: 19, minute: 0 },
  durationMinutes: { min: 30, max: 120, default: 60 },
  everyWeeks: { min: 1, max: 8 },
  /** At most this many cycles are planned in one go; a longer traject is planned again later. */
  maxCycles: 52,
  /** How far ahead `nextPossibleWeek` looks, in weeks. */
  lookAheadWeeks: 53,
  /** How far past its first week a rhythm looks for weeks (long pauses included), in weeks. */
  rhythmHorizonWeeks: 156,
} as const;

export const START_DAYS = ['monday', 'tuesday'] as const;
export type StartDay = (typeof START_DAYS)[number];

const START_OFFSET: Record<StartDay, number> = { monday: 0, tuesday: 1 };

/** Where public holidays come from. Injectable, so tests and organisations can add or replace days. */
export interface HolidayCalendar {
  /** The public holiday on this calendar date, or undefined when there is none. */
  holidayOn(date: IsoDate): { name: string } | undefined;
}

export interface CalendarOptions {
  /** Default: the public holidays of the Netherlands (`publicHolidays('NL')`). */
  holidays?: HolidayCalendar | undefined;
}

export type DayOff =
  { date: IsoDate; reason: 'weekend' } | { date: IsoDate; reason: 'public_holiday'; name: string };

export interface PlannedSession {
  /** 0..3: which session of the cycle. It is the session's identity (calendar UIDs use it), also after a move. */
  dayIndex: number;
  /** The calendar date in the circle's time zone. */
  date: IsoDate;
  start: Date;
  end: Date;
}

export interface ProposedCycle {
  ok: true;
  /** The Monday of the cycle's week. */
  week: IsoDate;
  startDay: StartDay;
  timeOfDay: string;
  timeZone: string;
  durationMinutes: number;
  sessions: PlannedSession[];
}

/** Problems with the values themselves, whatever the week. */
export type InputProblem = 'invalid_date' | 'invalid_time' | 'invalid_time_zone' | 'invalid_duration';

export type CycleRefusal =
  | { ok: false; reason: InputProblem }
  | {
      ok: false;
      /** Neither Monday–Thursday nor Tuesday–Friday are four working days. */
      reason: 'no_four_working_days';
      week: IsoDate;
      daysOff: DayOff[];
      nextPossibleWeek?: IsoDate;
    }
  | {
      ok: false;
      /** The asked start day's four days are not all working days; `possibleStartDay` works this week. */
      reason: 'start_day_not_possible';
      week: IsoDate;
      daysOff: DayOff[];
      possibleStartDay?: StartDay;
      nextPossibleWeek?: IsoDate;
    }
  | {
      ok: false;
      /** The cycle would start at or before `now`. */
      reason: 'in_the_past';
      week: IsoDate;
      nextPossibleWeek?: IsoDate;
    };

export type CycleProposal = ProposedCycle | CycleRefusal;

export interface CycleRequest extends CalendarOptions {
  /** Any date in the week; the week runs Monday to Sunday (ISO), so a Saturday or Sunday means its own week. */
  week: IsoDate;
  /** When given, only this start day is tried; otherwise Monday when it works, else Tuesday. */
  startDay?: StartDay | undefined;
  /** Local time of day, HH:mm, 07:00–19:00. */
  timeOfDay: string;
  /** IANA time zone; default Europe/Amsterdam. */
  timeZone?: string | undefined;
  /** 30–120; default 60. */
  durationMinutes?: number | undefined;
  now: Date;
}

// ---------------------------------------------------------------------------------------------------------
// Holidays

const holidayCalendars = new Map<string, HolidayCalendar>();

/**
 * The public holidays of a country (ISO 3166-1 alpha-2, optionally a state/province code), from date-holidays,
 * type 'public' only. Names come in `language` (default: the country's own). Cached per country; the
 * holidays of a year are computed once. Throws a RangeError for a country or state date-holidays does not
 * know: that is configuration, checked at start.
 */
export function publicHolidays(
  country: string = CYCLE_CALENDAR.defaultCountry,
  options: { state?: string; language?: string } = {},
): HolidayCalendar {
  const key = `${country}|${options.state ?? ''}|${options.language ?? ''}`;
  const cached = holidayCalendars.get(key);
  if (cached) return cached;

  const catalogue = new Holidays();
  if (!catalogue.getCountries()[country]) throw new RangeError(`unknown holiday country: ${country}`);
  if (options.state !== undefined && !catalogue.getStates(country)?.[options.state]) {
    throw new RangeError(`unknown holiday state: ${country}-${options.state}`);
  }
  const holidayOptions = {
    types: ['public' as const],
    ...(options.language ? { languages: [options.language] } : {}),
  };
  const source =
    options.state === undefined
      ? new Holidays(country, holidayOptions)
      : new Holidays(country, options.state, holidayOptions);

  const years = new Map<number, Map<IsoDate, string>>();
  const yearOf = (year: number): Map<IsoDate, string> => {
    let days = years.get(year);
    if (!days) {
      days = new Map();
      for (const holiday of source.getHolidays(year)) {
        if (holiday.type !== 'public') continue;
        // `date` is the local calendar date ("YYYY-MM-DD hh:mm:ss"); `start`/`end` are instants in the
        // country's zone, used only to count the days of a holiday longer than one day.
        const first = DateTime.fromISO(holiday.date.slice(0, 10), { zone: 'utc' });
        const length = Math.max(
          1,
          Math.round((holiday.end.getTime() - holiday.start.getTime()) / 86_400_000),
        );
        for (let i = 0; i < length; i++) {
          const date = first.plus({ days: i }).toISODate();
          if (date && !days.has(date)) days.set(date, holiday.name);
        }
      }
      years.set(year, days);
    }
    return days;
  };

  const calendar: HolidayCalendar = {
    holidayOn(date) {
      const day = calendarDate(date);
      const name = yearOf(day.year).get(date);
      return name === undefined ? undefined : { name };
    },
  };
  holidayCalendars.set(key, calendar);
  return calendar;
}

// ---------------------------------------------------------------------------------------------------------
// Days and weeks

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = DateTime.fromISO(value, { zone: 'utc' });
  return date.isValid && date.toISODate() === value;
}

function calendarDate(value: IsoDate): DateTime {
  if (!isIsoDate(value)) throw new RangeError(`not an ISO date: ${value}`);
  return DateTime.fromISO(value, { zone: 'utc' });
}

function isoOf(date: DateTime): IsoDate {
  // A DateTime made by fromISO on a checked date is valid, so toISODate() is never null here.
  return date.toISODate() ?? '';
}

/** The Monday of the (ISO) week that holds `date`. */
export function weekOf(date: IsoDate): IsoDate {
  return isoOf(calendarDate(date).startOf('week'));
}

/** The date `weeks` weeks after (or before) `date`. */
export function addWeeks(date: IsoDate, weeks: number): IsoDate {
  return isoOf(calendarDate(date).plus({ weeks }));
}

/** Why `date` is not a working day, or undefined when it is one. */
export function dayOff(date: IsoDate, options: CalendarOptions = {}): DayOff | undefined {
  if (calendarDate(date).weekday >= 6) return { date, reason: 'weekend' };
  const holiday = (options.holidays ?? publicHolidays()).holidayOn(date);
  return holiday ? { date, reason: 'public_holiday', name: holiday.name } : undefined;
}

/** Monday to Friday and not a public holiday. */
export function isWorkingDay(date: IsoDate, options: CalendarOptions = {}): boolean {
  return dayOff(date, options) === undefined;
}

/** The days off among Monday to Friday of the week that holds `date`. */
export function daysOffInWeek(date: IsoDate, options: CalendarOptions = {}): DayOff[] {
  const monday = calendarDate(weekOf(date));
  const off: DayOff[] = [];
  for (let i = 0; i < 5; i++) {
    const found = dayOff(isoOf(monday.plus({ days: i })), options);
    if (found) off.push(found);
  }
  return off;
}

// ---------------------------------------------------------------------------------------------------------
// Times

/** HH:mm between 07:00 and 19:00 (inclusive), or undefined. */
export function parseTimeOfDay(value: string): { hour: number; minute: number } | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  const at = hour * 60 + minute;
  const { earliestStart: from, latestStart: to } = CYCLE_CALENDAR;
  if (at < from.hour * 60 + from.minute || at > to.hour * 60 + to.minute) return undefined;
  return { hour, minute };
}

/**
 * The zone's name when it is a valid IANA time zone, with its casing corrected; otherwise undefined. The
 * name is not replaced by the runtime's canonical one (ICU turns Asia/Kolkata into Asia/Calcutta).
 */
export function validTimeZone(value: string): string | undefined {
  if (!IANAZone.isValidZone(value)) return undefined;
  const resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === value.toLowerCase() ? resolved : value;
}

function validDuration(value: number | undefined): number | undefined {
  const minutes = value ?? CYCLE_CALENDAR.durationMinutes.default;
  const { min, max } = CYCLE_CALENDAR.durationMinutes;
  return Number.isInteger(minutes) && minutes >= min && minutes <= max ? minutes : undefined;
}

/**
 * The session's start and end on `date` at local `time` in `zone`. Undefined when that local time does not
 * exist that day (a daylight-saving gap; none falls between 07:00 and 19:00 in today's zones, but luxon
 * would silently shift it).
 */
function sessionAt(
  date: IsoDate,
  time: { hour: number; minute: number },
  zone: string,
  durationMinutes: number,
): { start: Date; end: Date } | undefined {
  const day = calendarDate(date);
  const start = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: time.hour, minute: time.minute },
    { zone },
  );
  if (!start.isValid || start.hour !== time.hour || start.minute !== time.minute) return undefined;
  return { start: start.toJSDate(), end: start.plus({ minutes: durationMinutes }).toJSDate() };
}

// ---------------------------------------------------------------------------------------------------------
// One cycle

interface Settings {
  time: { hour: number; minute: number };
  timeOfDay: string;
  zone: string;
  durationMinutes: number;
  holidays: HolidayCalendar;
}

function settingsOf(request: {
  timeOfDay: string;
  timeZone?: string | undefined;
  durationMinutes?: number | undefined;
  holidays?: HolidayCalendar | undefined;
}): Settings | { problem: InputProblem } {
  const zone = validTimeZone(request.timeZone ?? CYCLE_CALENDAR.defaultTimeZone);
  if (!zone) return { problem: 'invalid_time_zone' };
  const time = parseTimeOfDay(request.timeOfDay);
  if (!time) return { problem: 'invalid_time' };
  const durationMinutes = validDuration(request.durationMinutes);
  if (durationMinutes === undefined) return { problem: 'invalid_duration' };
  return {
    time,
    timeOfDay: request.timeOfDay,
    zone,
    durationMinutes,
    holidays: request.holidays ?? publicHolidays(),
  };
}

type StartDayOutcome =
  { kind: 'ok'; cycle: ProposedCycle } | { kind: 'days_off' } | { kind: 'past' } | { kind: 'no_such_time' };

function tryStartDay(monday: IsoDate, startDay: StartDay, settings: Settings, now: Date): StartDayOutcome {
  const first = calendarDate(monday).plus({ days: START_OFFSET[startDay] });
  const sessions: PlannedSession[] = [];
  for (let dayIndex = 0; dayIndex < CYCLE_CALENDAR.sessionsPerCycle; dayIndex++) {
    const date = isoOf(first.plus({ days: dayIndex }));
    if (dayOff(date, settings)) return { kind: 'days_off' };
    const at = sessionAt(date, settings.time, settings.zone, settings.durationMinutes);
    if (!at) return { kind: 'no_such_time' };
    sessions.push({ dayIndex, date, ...at });
  }
  if (sessions[0]!.start.getTime() <= now.getTime()) return { kind: 'past' };
  return {
    kind: 'ok',
    cycle: {
      ok: true,
      week: monday,
      startDay,
      timeOfDay: settings.timeOfDay,
      timeZone: settings.zone,
      durationMinutes: settings.durationMinutes,
      sessions,
    },
  };
}

function firstPossible(monday: IsoDate, settings: Settings, now: Date): ProposedCycle | undefined {
  for (const startDay of START_DAYS) {
    const outcome = tryStartDay(monday, startDay, settings, now);
    if (outcome.kind === 'ok') return outcome.cycle;
  }
  return undefined;
}

function nextPossibleAfter(monday: IsoDate, settings: Settings, now: Date): IsoDate | undefined {
  // Look from the week after the asked one, or from this week when the asked one lies further back.
  const thisWeek = weekOf(isoOf(DateTime.fromJSDate(now, { zone: settings.zone }).startOf('day')));
  const next = addWeeks(monday, 1);
  const from = next > thisWeek ? next : thisWeek;
  for (let weeks = 0; weeks < CYCLE_CALENDAR.lookAheadWeeks; weeks++) {
    const candidate = firstPossible(addWeeks(from, weeks), settings, now);
    if (candidate) return candidate.week;
  }
  return undefined;
}

function proposeWith(
  monday: IsoDate,
  startDay: StartDay | undefined,
  settings: Settings,
  now: Date,
): CycleProposal {
  const outcomes = new Map(START_DAYS.map((day) => [day, tryStartDay(monday, day, settings, now)] as const));
  const asked = startDay ? [startDay] : START_DAYS;
  for (const day of asked) {
    const outcome = outcomes.get(day);
    if (outcome?.kind === 'ok') return outcome.cycle;
  }

  const next = (): { nextPossibleWeek?: IsoDate } => {
    const week = nextPossibleAfter(monday, settings, now);
    return week ? { nextPossibleWeek: week } : {};
  };
  const kinds = [...outcomes.values()].map((o) => o.kind);
  if (kinds.every((kind) => kind === 'days_off' || kind === 'no_such_time')) {
    if (kinds.includes('no_such_time')) return { ok: false, reason: 'invalid_time' };
    return {
      ok: false,
      reason: 'no_four_working_days',
      week: monday,
      daysOff: daysOffInWeek(monday, settings),
      ...next(),
    };
  }
  if (startDay && outcomes.get(startDay)?.kind === 'days_off') {
    const other = START_DAYS.find((day) => day !== startDay && outcomes.get(day)?.kind === 'ok');
    return {
      ok: false,
      reason: 'start_day_not_possible',
      week: monday,
      daysOff: daysOffInWeek(monday, settings),
      ...(other ? { possibleStartDay: other } : {}),
      ...next(),
    };
  }
  if (startDay && outcomes.get(startDay)?.kind === 'no_such_time') {
    return { ok: false, reason: 'invalid_time' };
  }
  return { ok: false, reason: 'in_the_past', week: monday, ...next() };
}

/**
 * Proposes one cycle: four sessions on four consecutive working days of one week (Monday–Thursday or
 * Tuesday–Friday), at `timeOfDay` local time in `timeZone`. Without `startDay`, Monday is preferred when it
 * works. The cycle must start after `now`; in the current week Tuesday–Friday is proposed when Monday has
 * passed. A refusal for the week names `nextPossibleWeek` (any start day) within a year, when there is one.
 */
export function proposeCycle(request: CycleRequest): CycleProposal {
  const settings = settingsOf(request);
  if ('problem' in settings) return { ok: false, reason: settings.problem };
  if (!isIsoDate(request.week)) return { ok: false, reason: 'invalid_date' };
  return proposeWith(weekOf(request.week), request.startDay, settings, request.now);
}

// ---------------------------------------------------------------------------------------------------------
// A rhythm of cycles

export interface Pause {
  /** First and last day of the pause, inclusive. */
  from: IsoDate;
  to: IsoDate;
}

export interface RhythmRequest extends CalendarOptions {
  /** Any date in the first week to try. */
  firstWeek: IsoDate;
  /** A cycle every so many weeks, 1–8. */
  everyWeeks: number;
  /** How many cycles, 1–52 (see `cyclesToReach`). */
  cycles: number;
  pauses?: readonly Pause[] | undefined;
  /**
   * A preference, unlike `proposeCycle`'s `startDay`: each cycle starts on this day where its week allows,
   * on the other start day where only that works (e.g. Tuesday–Friday in the week of Tweede Pinksterdag).
   */
  preferredStartDay?: StartDay | undefined;
  timeOfDay: string;
  timeZone?: string | undefined;
  durationMinutes?: number | undefined;
  now: Date;
}

export type SkippedWeek =
  | { week: IsoDate; reason: 'paused' }
  | { week: IsoDate; reason: 'no_four_working_days'; daysOff: DayOff[] }
  | { week: IsoDate; reason: 'in_the_past' };

export type RhythmPlan =
  | {
      ok: true;
      cycles: ProposedCycle[];
      /** The weeks passed over, earliest first, each with why. */
      skipped: SkippedWeek[];
      /** False when fewer cycles than asked fit within `rhythmHorizonWeeks` (e.g. a very long pause). */
      complete: boolean;
    }
  | {
      ok: false;
      reason: InputProblem | 'invalid_every_weeks' | 'invalid_cycle_count' | 'invalid_pause';
    };

/**
 * How many cycles are still needed to reach the traject's active-weeks target: each cycle makes one active
 * week. Never negative. More than `CYCLE_CALENDAR.maxCycles` are planned in parts.
 */
export function cyclesToReach(activeWeeksTarget: number, activeWeeksDone: number): number {
  const target = Math.max(0, Math.floor(activeWeeksTarget));
  const done = Math.max(0, Math.floor(activeWeeksDone));
  return Math.max(0, target - done);
}

function pausedWeek(monday: IsoDate, pauses: readonly Pause[]): boolean {
  // A pause counts when it touches the week's working days (Monday–Friday): a pause that ends on a
  // Saturday leaves the next cycle's week alone.
  const friday = isoOf(calendarDate(monday).plus({ days: 4 }));
  return pauses.some((pause) => pause.from <= friday && pause.to >= monday);
}

/**
 * Plans a traject's rhythm in one go: `cycles` cycles, one every `everyWeeks` weeks from `firstWeek`.
 *
 * A week that cannot hold a cycle (paused, no four consecutive working days, already past) is skipped and
 * the cycle goes to the next week that can; the rhythm then continues from the week actually used, so two
 * cycles are never closer than `everyWeeks` and a pause is followed by a resume in the first week after it.
 * Every skipped week is reported with its reason.
 */
export function planRhythm(request: RhythmRequest): RhythmPlan {
  const settings = settingsOf(request);
  if ('problem' in settings) return { ok: false, reason: settings.problem };
  if (!isIsoDate(request.firstWeek)) return { ok: false, reason: 'invalid_date' };
  const { everyWeeks: every, maxCycles } = CYCLE_CALENDAR;
  if (
    !Number.isInteger(request.everyWeeks) ||
    request.everyWeeks < every.min ||
    request.everyWeeks > every.max
  ) {
    return { ok: false, reason: 'invalid_every_weeks' };
  }
  if (!Number.isInteger(request.cycles) || request.cycles < 1 || request.cycles > maxCycles) {
    return { ok: false, reason: 'invalid_cycle_count' };
  }
  const pauses = request.pauses ?? [];
  if (pauses.some((p) => !isIsoDate(p.from) || !isIsoDate(p.to) || p.from > p.to)) {
    return { ok: false, reason: 'invalid_pause' };
  }

  const firstMonday = weekOf(request.firstWeek);
  const lastMonday = addWeeks(firstMonday, CYCLE_CALENDAR.rhythmHorizonWeeks);
  const order: StartDay[] =
    request.preferredStartDay === 'tuesday' ? ['tuesday', 'monday'] : ['monday', 'tuesday'];
  const cycles: ProposedCycle[] = [];
  const skipped: SkippedWeek[] = [];

  let monday = firstMonday;
  while (cycles.length < request.cycles && monday <= lastMonday) {
    if (pausedWeek(monday, pauses)) {
      skipped.push({ week: monday, reason: 'paused' });
      monday = addWeeks(monday, 1);
      continue;
    }
    const outcomes = order.map((day) => tryStartDay(monday, day, settings, request.now));
    const found = outcomes.find((o) => o.kind === 'ok');
    if (found?.kind === 'ok') {
      cycles.push(found.cycle);
      monday = addWeeks(monday, request.everyWeeks);
      continue;
    }
    if (outcomes.some((o) => o.kind === 'past')) {
      skipped.push({ week: monday, reason: 'in_the_past' });
    } else if (outcomes.every((o) => o.kind === 'no_such_time')) {
      return { ok: false, reason: 'invalid_time' };
    } else {
      skipped.push({
        week: monday,
        reason: 'no_four_working_days',
        daysOff: daysOffInWeek(monday, settings),
      });
    }
    monday = addWeeks(monday, 1);
  }
  return { ok: true, cycles, skipped, complete: cycles.length === request.cycles };
}

// ---------------------------------------------------------------------------------------------------------
// Moving one session

export interface CycleSessionState {
  dayIndex: number;
  start: Date;
  end: Date;
  status?: 'planned' | 'started' | 'ended' | 'cancelled' | undefined;
}

export interface MoveRequest extends CalendarOptions {
  /** The cycle's sessions as they are now. */
  sessions: readonly CycleSessionState[];
  /** Which session moves (its dayIndex, which it keeps). */
  dayIndex: number;
  toDate: IsoDate;
  timeOfDay: string;
  /** The circle's time zone; default Europe/Amsterdam. */
  timeZone?: string | undefined;
  /** Default: the session's present length. */
  durationMinutes?: number | undefined;
  now: Date;
}

export type MoveResult =
  | { ok: true; session: PlannedSession }
  | {
      ok: false;
      reason:
        | InputProblem
        | 'unknown_session'
        | 'session_cancelled'
        | 'session_started'
        | 'other_week'
        | 'in_the_past';
    }
  | { ok: false; reason: 'not_a_working_day'; dayOff: DayOff }
  | { ok: false; reason: 'day_taken'; takenBy: number };

/**
 * Moves one session of a cycle to another day and/or time. The rules: the session has not started and is
 * not cancelled; it stays in the cycle's own week (the week of the cycle's earliest session, in the circle's
 * zone) because a cycle is one week; the new day is a working day that no other live (not cancelled) session
 * of the cycle uses; the time is a valid time of day in the future. The four days need no longer be
 * consecutive after a move: the circle chose that. The session keeps its dayIndex (its identity, also in the
 * calendar), whatever its new place in the week. Moving to its own day at another time is allowed.
 */
export function moveSession(request: MoveRequest): MoveResult {
  const session = request.sessions.find((s) => s.dayIndex === request.dayIndex);
  if (!session) return { ok: false, reason: 'unknown_session' };
  const presentLength = Math.round((session.end.getTime() - session.start.getTime()) / 60_000);
  const settings = settingsOf({
    ...request,
    durationMinutes: request.durationMinutes ?? presentLength,
  });
  if ('problem' in settings) return { ok: false, reason: settings.problem };
  if (!isIsoDate(request.toDate)) return { ok: false, reason: 'invalid_date' };
  if (session.status === 'cancelled') return { ok: false, reason: 'session_cancelled' };
  if (session.status === 'started' || session.status === 'ended' || session.start <= request.now) {
    return { ok: false, reason: 'session_started' };
  }

  const localDate = (at: Date): IsoDate =>
    isoOf(DateTime.fromJSDate(at, { zone: settings.zone }).startOf('day'));
  const earliest = request.sessions.reduce((a, b) => (b.start < a.start ? b : a));
  if (weekOf(request.toDate) !== weekOf(localDate(earliest.start)))
    return { ok: false, reason: 'other_week' };

  const off = dayOff(request.toDate, settings);
  if (off) return { ok: false, reason: 'not_a_working_day', dayOff: off };
  const taken = request.sessions.find(
    (s) =>
      s.dayIndex !== session.dayIndex && s.status !== 'cancelled' && localDate(s.start) === request.toDate,
  );
  if (taken) return { ok: false, reason: 'day_taken', takenBy: taken.dayIndex };

  const at = sessionAt(request.toDate, settings.time, settings.zone, settings.durationMinutes);
  if (!at) return { ok: false, reason: 'invalid_time' };
  if (at.start <= request.now) return { ok: false, reason: 'in_the_past' };
  return { ok: true, session: { dayIndex: session.dayIndex, date: request.toDate, ...at } };
}
