import { DateTime } from 'luxon';

import {
  CYCLE_CALENDAR,
  type CycleProposal,
  type CycleSessionState,
  type HolidayCalendar,
  type ProposedCycle,
  addWeeks,
  cyclesToReach,
  dayOff,
  daysOffInWeek,
  isWorkingDay,
  moveSession,
  parseTimeOfDay,
  planRhythm,
  proposeCycle,
  publicHolidays,
  validTimeZone,
  weekOf,
} from '../../bot/src/domain/cycle-calendar';

// Far enough back that every week in these tests lies ahead of it.
const LONG_AGO = new Date('2025-01-01T00:00:00Z');
const AMS = 'Europe/Amsterdam';

function ok(proposal: CycleProposal): ProposedCycle {
  if (!proposal.ok) throw new Error(`expected a cycle, got ${JSON.stringify(proposal)}`);
  return proposal;
}

const dates = (cycle: ProposedCycle): string[] => cycle.sessions.map((s) => s.date);
const utc = (cycle: ProposedCycle): string[] => cycle.sessions.map((s) => s.start.toISOString());
const local = (at: Date, zone: string): string =>
  DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm');

/** The invariants every proposed cycle must keep, whatever the week. */
function expectValidCycle(cycle: ProposedCycle, timeOfDay: string, zone: string): void {
  expect(cycle.sessions).toHaveLength(4);
  const first = DateTime.fromISO(cycle.sessions[0]!.date, { zone: 'utc' });
  expect([1, 2]).toContain(first.weekday);
  expect(cycle.startDay).toBe(first.weekday === 1 ? 'monday' : 'tuesday');
  cycle.sessions.forEach((session, i) => {
    expect(session.dayIndex).toBe(i);
    expect(session.date).toBe(first.plus({ days: i }).toISODate());
    expect(weekOf(session.date)).toBe(cycle.week);
    expect(isWorkingDay(session.date)).toBe(true);
    expect(local(session.start, zone)).toBe(`${session.date} ${timeOfDay}`);
    expect(session.end.getTime() - session.start.getTime()).toBe(cycle.durationMinutes * 60_000);
  });
}

describe('working days', () => {
  it('knows weekends and Dutch public holidays from date-holidays', () => {
    expect(isWorkingDay('2026-06-08')).toBe(true); // an ordinary Monday
    expect(dayOff('2026-06-13')).toEqual({ date: '2026-06-13', reason: 'weekend' });
    expect(dayOff('2026-06-14')).toEqual({ date: '2026-06-14', reason: 'weekend' });
    expect(dayOff('2027-04-27')).toEqual({
      date: '2027-04-27',
      reason: 'public_holiday',
      name: 'Koningsdag',
    });
    expect(dayOff('2027-05-06')).toMatchObject({ reason: 'public_holiday', name: 'Hemelvaartsdag' });
    expect(dayOff('2027-05-17')).toMatchObject({ reason: 'public_holiday', name: 'Tweede pinksterdag' });
    expect(dayOff('2026-12-25')).toMatchObject({ reason: 'public_holiday', name: 'Kerstmis' });
    expect(dayOff('2028-12-26')).toMatchObject({ reason: 'public_holiday', name: 'Tweede kerstdag' });
    expect(dayOff('2026-04-06')).toMatchObject({ reason: 'public_holiday' }); // Tweede paasdag
  });

  it('does not count Goede Vrijdag and Bevrijdingsdag as days off (they are not public holidays by law)', () => {
    expect(isWorkingDay('2026-04-03')).toBe(true); // Goede Vrijdag
    expect(isWorkingDay('2026-05-05')).toBe(true); // Bevrijdingsdag, a Tuesday
    expect(isWorkingDay('2028-04-14')).toBe(true); // Goede Vrijdag 2028
  });

  it('follows Koningsdag to the Saturday when 27 April is a Sunday (2025)', () => {
    expect(dayOff('2025-04-26')).toMatchObject({ reason: 'weekend' });
    expect(isWorkingDay('2025-04-28')).toBe(true);
  });

  it('takes another country, or an injected calendar, instead of the Netherlands', () => {
    const us = publicHolidays('US');
    expect(dayOff('2026-11-26', { holidays: us })).toMatchObject({ reason: 'public_holiday' }); // Thanksgiving
    expect(isWorkingDay('2027-04-27', { holidays: us })).toBe(true); // no Koningsdag there
    expect(publicHolidays('NL', { language: 'en' }).holidayOn('2027-04-27')).toEqual({ name: "King's Day" });
    expect(() => publicHolidays('XX')).toThrow(RangeError);

    const closed: HolidayCalendar = {
      holidayOn: (date) => (date === '2026-06-10' ? { name: 'Bedrijfsuitje' } : undefined),
    };
    expect(dayOff('2026-06-10', { holidays: closed })).toMatchObject({ name: 'Bedrijfsuitje' });
    expect(isWorkingDay('2026-12-25', { holidays: closed })).toBe(true);
  });

  it('lists the days off of a week, Monday to Friday', () => {
    expect(daysOffInWeek('2027-04-29')).toEqual([
      { date: '2027-04-27', reason: 'public_holiday', name: 'Koningsdag' },
    ]);
    expect(daysOffInWeek('2026-06-10')).toEqual([]);
  });
});

describe('weeks', () => {
  it('runs Monday to Sunday, so a weekend date means its own week', () => {
    expect(weekOf('2026-06-08')).toBe('2026-06-08');
    expect(weekOf('2026-06-11')).toBe('2026-06-08');
    expect(weekOf('2026-06-13')).toBe('2026-06-08');
    expect(weekOf('2026-06-14')).toBe('2026-06-08');
    expect(weekOf('2027-01-01')).toBe('2026-12-28'); // across a year's end
    expect(addWeeks('2026-12-28', 1)).toBe('2027-01-04');
    expect(() => weekOf('2026-02-30')).toThrow(RangeError);
  });
});

describe('proposeCycle', () => {
  const base = { timeOfDay: '09:00', timeZone: AMS, now: LONG_AGO };

  it('proposes Monday–Thursday of an ordinary week at the local time', () => {
    const cycle = ok(proposeCycle({ ...base, week: '2026-06-10' }));
    expect(cycle).toMatchObject({
      week: '2026-06-08',
      startDay: 'monday',
      timeZone: AMS,
      durationMinutes: 60,
    });
    expect(dates(cycle)).toEqual(['2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11']);
    expect(utc(cycle)[0]).toBe('2026-06-08T07:00:00.000Z'); // 09:00 CEST
    expect(cycle.sessions[0]!.end.toISOString()).toBe('2026-06-08T08:00:00.000Z');
    expectValidCycle(cycle, '09:00', AMS);
  });

  it('uses the default time zone Europe/Amsterdam and a default length of 60 minutes', () => {
    const cycle = ok(proposeCycle({ week: '2026-12-07', timeOfDay: '09:00', now: LONG_AGO }));
    expect(cycle.timeZone).toBe('Europe/Amsterdam');
    expect(utc(cycle)[0]).toBe('2026-12-07T08:00:00.000Z'); // 09:00 CET
    expect(cycle.durationMinutes).toBe(60);
  });

  it('takes a weekend date as its own week (Monday to Sunday)', () => {
    const cycle = ok(proposeCycle({ ...base, week: '2026-06-13' }));
    expect(dates(cycle)).toEqual(['2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11']);
  });

  it('gives Tuesday–Friday when asked and possible', () => {
    const cycle = ok(proposeCycle({ ...base, week: '2026-06-08', startDay: 'tuesday' }));
    expect(dates(cycle)).toEqual(['2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12']);
    expectValidCycle(cycle, '09:00', AMS);
  });

  it('moves to Tuesday–Friday when Monday is Koningsdag (2026)', () => {
    const cycle = ok(proposeCycle({ ...base, week: '2026-04-27' }));
    expect(cycle.startDay).toBe('tuesday');
    expect(dates(cycle)).toEqual(['2026-04-28', '2026-04-29', '2026-04-30', '2026-05-01']);
  });

  it('moves to Tuesday–Friday in the week of Tweede Pinksterdag (2027-05-17)', () => {
    const cycle = ok(proposeCycle({ ...base, week: '2027-05-19' }));
    expect(dates(cycle)).toEqual(['2027-05-18', '2027-05-19', '2027-05-20', '2027-05-21']);
    const monday = proposeCycle({ ...base, week: '2027-05-19', startDay: 'monday' });
    expect(monday).toMatchObject({
      ok: false,
      reason: 'start_day_not_possible',
      week: '2027-05-17',
      possibleStartDay: 'tuesday',
      daysOff: [{ date: '2027-05-17', reason: 'public_holiday', name: 'Tweede pinksterdag' }],
    });
  });

  it('refuses a Koningsdag week with Koningsdag on a Tuesday and names the next possible week, past Ascension', () => {
    // 2027: Koningsdag Tuesday 27 April; the week after holds Hemelvaartsdag (Thursday 6 May).
    expect(proposeCycle({ ...base, week: '2027-04-27' })).toEqual({
      ok: false,
      reason: 'no_four_working_days',
      week: '2027-04-26',
      daysOff: [{ date: '2027-04-27', reason: 'public_holiday', name: 'Koningsdag' }],
      nextPossibleWeek: '2027-05-10',
    });
    expect(proposeCycle({ ...base, week: '2027-05-03' })).toMatchObject({
      ok: false,
      reason: 'no_four_working_days',
      daysOff: [{ date: '2027-05-06', name: 'Hemelvaartsdag' }],
      nextPossibleWeek: '2027-05-10',
    });
  });

  it('refuses Koningsdag on a Thursday and the Ascension week of 2026 and 2028', () => {
    expect(proposeCycle({ ...base, week: '2028-04-24' })).toMatchObject({ reason: 'no_four_working_days' });
    expect(proposeCycle({ ...base, week: '2028-05-22' })).toMatchObject({ reason: 'no_four_working_days' });
    expect(proposeCycle({ ...base, week: '2026-05-11' })).toMatchObject({
      reason: 'no_four_working_days',
      nextPossibleWeek: '2026-05-18',
    });
  });

  it('handles the Christmas weeks: Monday–Thursday in 2026, none in 2028 (next: after New Year)', () => {
    // 2026: Kerstmis on Friday 25 December, so only Monday–Thursday.
    const christmas2026 = ok(proposeCycle({ ...base, week: '2026-12-21' }));
    expect(dates(christmas2026)).toEqual(['2026-12-21', '2026-12-22', '2026-12-23', '2026-12-24']);
    expect(proposeCycle({ ...base, week: '2026-12-21', startDay: 'tuesday' })).toMatchObject({
      ok: false,
      reason: 'start_day_not_possible',
      possibleStartDay: 'monday',
    });
    // 2028: Monday 25 and Tuesday 26 December are off; 1 January 2029 is a Monday, so Tuesday–Friday then.
    const refused = proposeCycle({ ...base, week: '2028-12-27' });
    expect(refused).toMatchObject({ reason: 'no_four_working_days', nextPossibleWeek: '2029-01-01' });
    const after = ok(proposeCycle({ ...base, week: '2029-01-01' }));
    expect(dates(after)).toEqual(['2029-01-02', '2029-01-03', '2029-01-04', '2029-01-05']);
  });

  it('keeps 09:00 local on both sides of the late-March daylight-saving change', () => {
    // Summer time starts on Sunday 29 March 2026, inside the ISO week of 23 March.
    const before = ok(proposeCycle({ ...base, week: '2026-03-23' }));
    const after = ok(proposeCycle({ ...base, week: '2026-03-30' }));
    expect(utc(before)).toEqual([
      '2026-03-23T08:00:00.000Z',
      '2026-03-24T08:00:00.000Z',
      '2026-03-25T08:00:00.000Z',
      '2026-03-26T08:00:00.000Z',
    ]);
    expect(utc(after)[0]).toBe('2026-03-30T07:00:00.000Z');
    expectValidCycle(before, '09:00', AMS);
    expectValidCycle(after, '09:00', AMS);
  });

  it('keeps 09:00 local on both sides of the late-October change', () => {
    // Winter time starts on Sunday 25 October 2026.
    expect(utc(ok(proposeCycle({ ...base, week: '2026-10-19' })))[3]).toBe('2026-10-22T07:00:00.000Z');
    expect(utc(ok(proposeCycle({ ...base, week: '2026-10-26' })))[0]).toBe('2026-10-26T08:00:00.000Z');
  });

  it('computes other time zones in their own rules: New York changes on other dates, Kolkata never', () => {
    const ny = { ...base, timeZone: 'America/New_York' };
    // New York starts summer time on 8 March 2026: 09:00 is 14:00Z before, 13:00Z after.
    expect(utc(ok(proposeCycle({ ...ny, week: '2026-03-02' })))[0]).toBe('2026-03-02T14:00:00.000Z');
    expect(utc(ok(proposeCycle({ ...ny, week: '2026-03-09' })))[0]).toBe('2026-03-09T13:00:00.000Z');
    // In the weeks between the two changes the gap to Amsterdam is five hours, not six.
    const sameWeekNy = ok(proposeCycle({ ...ny, week: '2026-03-23' }));
    const sameWeekAms = ok(proposeCycle({ ...base, week: '2026-03-23' }));
    expect(sameWeekNy.sessions[0]!.start.getTime() - sameWeekAms.sessions[0]!.start.getTime()).toBe(
      5 * 3600_000,
    );
    // And back on 1 November 2026, a week after Europe.
    expect(utc(ok(proposeCycle({ ...ny, week: '2026-10-26' })))[0]).toBe('2026-10-26T13:00:00.000Z');
    expect(utc(ok(proposeCycle({ ...ny, week: '2026-11-02' })))[0]).toBe('2026-11-02T14:00:00.000Z');
    expectValidCycle(sameWeekNy, '09:00', 'America/New_York');

    const kolkata = { ...base, timeZone: 'Asia/Kolkata' };
    expect(utc(ok(proposeCycle({ ...kolkata, week: '2026-03-23' })))[0]).toBe('2026-03-23T03:30:00.000Z');
    expect(utc(ok(proposeCycle({ ...kolkata, week: '2026-11-02' })))[0]).toBe('2026-11-02T03:30:00.000Z');
  });

  it('puts the calendar date in the circle zone even when the UTC date differs', () => {
    // 07:00 in Auckland is the previous evening in UTC.
    const cycle = ok(
      proposeCycle({ ...base, timeZone: 'Pacific/Auckland', timeOfDay: '07:00', week: '2026-06-08' }),
    );
    expect(dates(cycle)[0]).toBe('2026-06-08');
    expect(utc(cycle)[0]).toBe('2026-06-07T19:00:00.000Z');
  });

  it('takes the length of a session from 30 to 120 minutes', () => {
    const short = ok(proposeCycle({ ...base, week: '2026-06-08', durationMinutes: 30 }));
    expect(short.sessions[0]!.end.toISOString()).toBe('2026-06-08T07:30:00.000Z');
    const long = ok(proposeCycle({ ...base, week: '2026-06-08', durationMinutes: 120 }));
    expect(long.sessions[3]!.end.toISOString()).toBe('2026-06-11T09:00:00.000Z');
    for (const durationMinutes of [29, 121, 60.5, 0, Number.NaN]) {
      expect(proposeCycle({ ...base, week: '2026-06-08', durationMinutes })).toEqual({
        ok: false,
        reason: 'invalid_duration',
      });
    }
  });

  it('refuses a time of day outside 07:00–19:00 or not written HH:mm', () => {
    expect(ok(proposeCycle({ ...base, week: '2026-06-08', timeOfDay: '07:00' })).sessions).toHaveLength(4);
    expect(ok(proposeCycle({ ...base, week: '2026-06-08', timeOfDay: '19:00' })).sessions).toHaveLength(4);
    for (const timeOfDay of ['06:59', '19:01', '9:00', '24:00', '12:60', '', 'noon', '09:00:00']) {
      expect(proposeCycle({ ...base, week: '2026-06-08', timeOfDay })).toEqual({
        ok: false,
        reason: 'invalid_time',
      });
    }
    expect(parseTimeOfDay('13:45')).toEqual({ hour: 13, minute: 45 });
  });

  it('refuses a time zone that is not IANA, and an impossible date', () => {
    for (const timeZone of ['Mars/Olympus', '', 'UTC+2', 'Amsterdam']) {
      expect(proposeCycle({ ...base, week: '2026-06-08', timeZone })).toEqual({
        ok: false,
        reason: 'invalid_time_zone',
      });
    }
    expect(validTimeZone('europe/amsterdam')).toBe('Europe/Amsterdam');
    expect(validTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata'); // not ICU's Asia/Calcutta
    expect(proposeCycle({ ...base, week: '2026-02-30' })).toEqual({ ok: false, reason: 'invalid_date' });
    expect(proposeCycle({ ...base, week: '8 June' })).toEqual({ ok: false, reason: 'invalid_date' });
  });

  it('does not propose what has begun: Tuesday–Friday once Monday has passed, else the next week', () => {
    const mondayNoon = new Date('2026-06-08T10:00:00Z'); // 12:00 in Amsterdam
    const rest = ok(proposeCycle({ ...base, week: '2026-06-08', now: mondayNoon }));
    expect(rest.startDay).toBe('tuesday');
    expect(proposeCycle({ ...base, week: '2026-06-08', startDay: 'monday', now: mondayNoon })).toEqual({
      ok: false,
      reason: 'in_the_past',
      week: '2026-06-08',
      nextPossibleWeek: '2026-06-15',
    });
    const tuesdayNoon = new Date('2026-06-09T10:00:00Z');
    expect(proposeCycle({ ...base, week: '2026-06-08', now: tuesdayNoon })).toMatchObject({
      reason: 'in_the_past',
      nextPossibleWeek: '2026-06-15',
    });
    // A session at exactly `now` has begun.
    expect(
      proposeCycle({ ...base, week: '2026-06-08', startDay: 'monday', now: rest.sessions[0]!.start }),
    ).toMatchObject({ reason: 'in_the_past' });
    expect(proposeCycle({ ...base, week: '2026-06-01', now: mondayNoon })).toMatchObject({
      reason: 'in_the_past',
      nextPossibleWeek: '2026-06-08', // Tuesday–Friday of this week
    });
    // A week long gone points to a week still to come, not to the week after the old one.
    expect(proposeCycle({ ...base, week: '2020-06-01', now: tuesdayNoon })).toMatchObject({
      reason: 'in_the_past',
      nextPossibleWeek: '2026-06-15',
    });
  });
});

describe('planRhythm', () => {
  const base = { timeOfDay: '09:00', timeZone: AMS, now: LONG_AGO };

  it('plans a cycle every two weeks and passes over the Koningsdag and Ascension weeks of 2027', () => {
    const plan = planRhythm({ ...base, firstWeek: '2027-04-12', everyWeeks: 2, cycles: 4 });
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.cycles.map((c) => c.week)).toEqual(['2027-04-12', '2027-05-10', '2027-05-24', '2027-06-07']);
    expect(plan.skipped).toEqual([
      {
        week: '2027-04-26',
        reason: 'no_four_working_days',
        daysOff: [{ date: '2027-04-27', reason: 'public_holiday', name: 'Koningsdag' }],
      },
      {
        week: '2027-05-03',
        reason: 'no_four_working_days',
        daysOff: [{ date: '2027-05-06', reason: 'public_holiday', name: 'Hemelvaartsdag' }],
      },
    ]);
    expect(plan.complete).toBe(true);
  });

  it('keeps 09:00 local across the March change: 08:00Z before, 07:00Z after', () => {
    const plan = planRhythm({ ...base, firstWeek: '2026-03-16', everyWeeks: 1, cycles: 3 });
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.cycles.map((c) => utc(c)[0])).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    plan.cycles.forEach((c) => expectValidCycle(c, '09:00', AMS));
  });

  it('pauses and resumes in the first week after the pause', () => {
    const plan = planRhythm({
      ...base,
      firstWeek: '2026-07-06',
      everyWeeks: 1,
      cycles: 4,
      pauses: [{ from: '2026-07-20', to: '2026-08-09' }],
    });
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.cycles.map((c) => c.week)).toEqual(['2026-07-06', '2026-07-13', '2026-08-10', '2026-08-17']);
    expect(plan.skipped).toEqual([
      { week: '2026-07-20', reason: 'paused' },
      { week: '2026-07-27', reason: 'paused' },
      { week: '2026-08-03', reason: 'paused' },
    ]);
  });

  it('skips a week when a pause touches one of its working days, not when it touches only a weekend', () => {
    const weekendOnly = planRhythm({
      ...base,
      firstWeek: '2026-07-06',
      everyWeeks: 1,
      cycles: 2,
      pauses: [{ from: '2026-07-11', to: '2026-07-12' }],
    });
    expect(weekendOnly).toMatchObject({ ok: true, skipped: [] });
    const oneFriday = planRhythm({
      ...base,
      firstWeek: '2026-07-06',
      everyWeeks: 1,
      cycles: 1,
      pauses: [{ from: '2026-07-10', to: '2026-07-10' }],
    });
    expect(oneFriday).toMatchObject({ ok: true, skipped: [{ week: '2026-07-06', reason: 'paused' }] });
    if (oneFriday.ok) expect(oneFriday.cycles[0]!.week).toBe('2026-07-13');
  });

  it('prefers the asked start day and falls back to the other one where only that works', () => {
    const plan = planRhythm({
      ...base,
      firstWeek: '2027-05-10',
      everyWeeks: 1,
      cycles: 3,
      preferredStartDay: 'monday',
    });
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.cycles.map((c) => c.startDay)).toEqual(['monday', 'tuesday', 'monday']); // 17 May: Pinksteren
    const tuesdays = planRhythm({
      ...base,
      firstWeek: '2026-06-01',
      everyWeeks: 1,
      cycles: 2,
      preferredStartDay: 'tuesday',
    });
    if (!tuesdays.ok) throw new Error(tuesdays.reason);
    expect(tuesdays.cycles.map((c) => c.sessions[0]!.date)).toEqual(['2026-06-02', '2026-06-09']);
  });

  it('passes over weeks already begun', () => {
    const plan = planRhythm({
      ...base,
      firstWeek: '2026-06-01',
      everyWeeks: 1,
      cycles: 1,
      now: new Date('2026-06-04T12:00:00Z'),
    });
    expect(plan).toMatchObject({ ok: true, skipped: [{ week: '2026-06-01', reason: 'in_the_past' }] });
    if (plan.ok) expect(plan.cycles[0]!.week).toBe('2026-06-08');
  });

  it('plans up to 52 cycles that all keep the rules, a year of Dutch holidays included', () => {
    const plan = planRhythm({ ...base, firstWeek: '2026-01-05', everyWeeks: 1, cycles: 52 });
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.cycles).toHaveLength(52);
    plan.cycles.forEach((c) => expectValidCycle(c, '09:00', AMS));
    for (let i = 1; i < plan.cycles.length; i++) {
      expect(plan.cycles[i]!.week > plan.cycles[i - 1]!.week).toBe(true);
    }
    // In 2026 only the Ascension week (Thursday 14 May) has no four consecutive working days: Tweede
    // paasdag, Koningsdag and Tweede pinksterdag fall on a Monday, Kerstmis on a Friday.
    expect(plan.skipped.map((s) => s.week)).toEqual(['2026-05-11']);
    expect(plan.cycles.find((c) => c.week === '2026-04-27')?.startDay).toBe('tuesday');
    expect(plan.cycles.find((c) => c.week === '2026-12-21')?.startDay).toBe('monday');
  });

  it('keeps at least everyWeeks between cycles', () => {
    const plan = planRhythm({ ...base, firstWeek: '2027-03-01', everyWeeks: 3, cycles: 10 });
    if (!plan.ok) throw new Error(plan.reason);
    for (let i = 1; i < plan.cycles.length; i++) {
      const gap = DateTime.fromISO(plan.cycles[i]!.week).diff(
        DateTime.fromISO(plan.cycles[i - 1]!.week),
        'weeks',
      );
      expect(gap.weeks).toBeGreaterThanOrEqual(3);
    }
  });

  it('says so when a very long pause leaves no room within the horizon', () => {
    const plan = planRhythm({
      ...base,
      firstWeek: '2026-06-01',
      everyWeeks: 1,
      cycles: 2,
      pauses: [{ from: '2026-06-01', to: '2030-01-01' }],
    });
    expect(plan).toMatchObject({ ok: true, cycles: [], complete: false });
    if (plan.ok) expect(plan.skipped.length).toBeLessThanOrEqual(CYCLE_CALENDAR.rhythmHorizonWeeks + 1);
  });

  it('refuses what it cannot plan', () => {
    const good = { ...base, firstWeek: '2026-06-01', everyWeeks: 2, cycles: 3 };
    expect(planRhythm({ ...good, cycles: 53 })).toEqual({ ok: false, reason: 'invalid_cycle_count' });
    expect(planRhythm({ ...good, cycles: 0 })).toEqual({ ok: false, reason: 'invalid_cycle_count' });
    expect(planRhythm({ ...good, everyWeeks: 0 })).toEqual({ ok: false, reason: 'invalid_every_weeks' });
    expect(planRhythm({ ...good, everyWeeks: 9 })).toEqual({ ok: false, reason: 'invalid_every_weeks' });
    expect(planRhythm({ ...good, everyWeeks: 1.5 })).toEqual({ ok: false, reason: 'invalid_every_weeks' });
    expect(planRhythm({ ...good, pauses: [{ from: '2026-08-01', to: '2026-07-01' }] })).toEqual({
      ok: false,
      reason: 'invalid_pause',
    });
    expect(planRhythm({ ...good, timeZone: 'Nowhere/Land' })).toEqual({
      ok: false,
      reason: 'invalid_time_zone',
    });
    expect(planRhythm({ ...good, timeOfDay: '20:00' })).toEqual({ ok: false, reason: 'invalid_time' });
    expect(planRhythm({ ...good, firstWeek: '2026-13-01' })).toEqual({ ok: false, reason: 'invalid_date' });
  });
});

describe('cyclesToReach', () => {
  it('counts one active week per cycle and never goes below zero', () => {
    expect(cyclesToReach(20, 0)).toBe(20);
    expect(cyclesToReach(20, 3)).toBe(17);
    expect(cyclesToReach(20, 25)).toBe(0);
  });
});

describe('moveSession', () => {
  const cycle = ok(proposeCycle({ week: '2026-06-08', timeOfDay: '09:00', timeZone: AMS, now: LONG_AGO }));
  const sessions: CycleSessionState[] = cycle.sessions.map((s) => ({ ...s, status: 'planned' }));
  const base = { sessions, timeZone: AMS, now: LONG_AGO };

  it('moves a session to a free working day in the same week and another time', () => {
    const moved = moveSession({ ...base, dayIndex: 3, toDate: '2026-06-12', timeOfDay: '14:00' });
    expect(moved).toEqual({
      ok: true,
      session: {
        dayIndex: 3,
        date: '2026-06-12',
        start: new Date('2026-06-12T12:00:00Z'),
        end: new Date('2026-06-12T13:00:00Z'),
      },
    });
  });

  it('lets a session keep its day at another time, and keeps its length unless told', () => {
    const long = sessions.map((s) =>
      s.dayIndex === 1 ? { ...s, end: new Date(s.start.getTime() + 90 * 60_000) } : s,
    );
    const moved = moveSession({
      ...base,
      sessions: long,
      dayIndex: 1,
      toDate: '2026-06-09',
      timeOfDay: '15:30',
    });
    expect(moved).toMatchObject({ ok: true, session: { date: '2026-06-09' } });
    if (moved.ok) {
      expect(local(moved.session.start, AMS)).toBe('2026-06-09 15:30');
      expect(moved.session.end.getTime() - moved.session.start.getTime()).toBe(90 * 60_000);
    }
    const shorter = moveSession({
      ...base,
      dayIndex: 1,
      toDate: '2026-06-09',
      timeOfDay: '15:30',
      durationMinutes: 45,
    });
    if (shorter.ok) expect(shorter.session.end.getTime() - shorter.session.start.getTime()).toBe(45 * 60_000);
    else throw new Error(shorter.reason);
  });

  it('refuses a day another session uses, unless that one is cancelled', () => {
    expect(moveSession({ ...base, dayIndex: 3, toDate: '2026-06-09', timeOfDay: '14:00' })).toEqual({
      ok: false,
      reason: 'day_taken',
      takenBy: 1,
    });
    const oneCancelled = sessions.map((s) => (s.dayIndex === 1 ? { ...s, status: 'cancelled' as const } : s));
    expect(
      moveSession({ ...base, sessions: oneCancelled, dayIndex: 3, toDate: '2026-06-09', timeOfDay: '14:00' }),
    ).toMatchObject({ ok: true, session: { date: '2026-06-09' } });
    expect(
      moveSession({ ...base, sessions: oneCancelled, dayIndex: 1, toDate: '2026-06-12', timeOfDay: '14:00' }),
    ).toEqual({ ok: false, reason: 'session_cancelled' });
  });

  it('refuses a weekend, a public holiday and another week', () => {
    expect(moveSession({ ...base, dayIndex: 0, toDate: '2026-06-13', timeOfDay: '10:00' })).toEqual({
      ok: false,
      reason: 'not_a_working_day',
      dayOff: { date: '2026-06-13', reason: 'weekend' },
    });
    expect(moveSession({ ...base, dayIndex: 0, toDate: '2026-06-15', timeOfDay: '10:00' })).toEqual({
      ok: false,
      reason: 'other_week',
    });
    expect(moveSession({ ...base, dayIndex: 0, toDate: '2026-06-05', timeOfDay: '10:00' })).toEqual({
      ok: false,
      reason: 'other_week',
    });
    const koningsdagWeek = ok(proposeCycle({ week: '2026-04-27', timeOfDay: '09:00', now: LONG_AGO }));
    expect(
      moveSession({
        sessions: koningsdagWeek.sessions,
        dayIndex: 3,
        toDate: '2026-04-27',
        timeOfDay: '09:00',
        now: LONG_AGO,
      }),
    ).toEqual({
      ok: false,
      reason: 'not_a_working_day',
      dayOff: { date: '2026-04-27', reason: 'public_holiday', name: 'Koningsdag' },
    });
  });

  it('refuses a session that has begun, and a new time in the past', () => {
    const tuesdayEvening = new Date('2026-06-09T17:00:00Z');
    expect(
      moveSession({ ...base, now: tuesdayEvening, dayIndex: 1, toDate: '2026-06-12', timeOfDay: '10:00' }),
    ).toEqual({
      ok: false,
      reason: 'session_started',
    });
    expect(
      moveSession({ ...base, now: tuesdayEvening, dayIndex: 3, toDate: '2026-06-09', timeOfDay: '18:00' }),
    ).toMatchObject({
      reason: 'day_taken',
    });
    const tueToFri = ok(
      proposeCycle({ week: '2026-06-08', startDay: 'tuesday', timeOfDay: '09:00', now: LONG_AGO }),
    ).sessions;
    expect(
      moveSession({
        sessions: tueToFri,
        now: new Date('2026-06-08T10:00:00Z'),
        dayIndex: 2,
        toDate: '2026-06-08',
        timeOfDay: '11:00',
      }),
    ).toEqual({ ok: false, reason: 'in_the_past' });
    expect(
      moveSession({
        sessions: tueToFri,
        now: new Date('2026-06-08T10:00:00Z'),
        dayIndex: 2,
        toDate: '2026-06-08',
        timeOfDay: '13:00',
      }),
    ).toMatchObject({ ok: true, session: { dayIndex: 2, date: '2026-06-08' } });
    const started = sessions.map((s) => (s.dayIndex === 2 ? { ...s, status: 'started' as const } : s));
    expect(
      moveSession({ ...base, sessions: started, dayIndex: 2, toDate: '2026-06-12', timeOfDay: '10:00' }),
    ).toEqual({
      ok: false,
      reason: 'session_started',
    });
  });

  it('refuses an unknown session and invalid values', () => {
    expect(moveSession({ ...base, dayIndex: 7, toDate: '2026-06-12', timeOfDay: '10:00' })).toEqual({
      ok: false,
      reason: 'unknown_session',
    });
    expect(moveSession({ ...base, dayIndex: 0, toDate: '2026-06-12', timeOfDay: '20:00' })).toEqual({
      ok: false,
      reason: 'invalid_time',
    });
    expect(moveSession({ ...base, dayIndex: 0, toDate: '2026-06-31', timeOfDay: '10:00' })).toEqual({
      ok: false,
      reason: 'invalid_date',
    });
    expect(
      moveSession({ ...base, timeZone: 'Neverland', dayIndex: 0, toDate: '2026-06-12', timeOfDay: '10:00' }),
    ).toEqual({
      ok: false,
      reason: 'invalid_time_zone',
    });
  });

  it('reads the cycle week in the circle zone (Auckland, whose mornings are the previous day in UTC)', () => {
    const nz = ok(
      proposeCycle({ week: '2026-06-08', timeOfDay: '07:00', timeZone: 'Pacific/Auckland', now: LONG_AGO }),
    );
    const moved = moveSession({
      sessions: nz.sessions,
      timeZone: 'Pacific/Auckland',
      dayIndex: 3,
      toDate: '2026-06-12',
      timeOfDay: '07:00',
      now: LONG_AGO,
    });
    expect(moved).toMatchObject({ ok: true, session: { date: '2026-06-12' } });
    if (moved.ok) expect(moved.session.start.toISOString()).toBe('2026-06-11T19:00:00.000Z');
    // Monday 8 June is taken by session 0 even though its UTC date is 7 June.
    expect(
      moveSession({
        sessions: nz.sessions,
        timeZone: 'Pacific/Auckland',
        dayIndex: 3,
        toDate: '2026-06-08',
        timeOfDay: '12:00',
        now: LONG_AGO,
      }),
    ).toMatchObject({ reason: 'day_taken', takenBy: 0 });
  });
});
