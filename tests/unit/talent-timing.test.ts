import {
  type NudgeScheduleInput,
  type PlannedNudge,
  conversationDueDates,
  heldReminderAt,
  nextDueAfterHeld,
  nudgeSchedule,
  workingMoment,
} from '../../bot/src/domain/talent-timing';

const AMS = 'Europe/Amsterdam';
const NYC = 'America/New_York';
const TOKYO = 'Asia/Tokyo';
const HOURS = { dayStart: '09:00', dayEnd: '17:00' };

const at = (iso: string): Date => new Date(iso);
const plain = (nudges: PlannedNudge[]): { offsetDays: number; at: string }[] =>
  nudges.map((n) => ({ offsetDays: n.offsetDays, at: n.at.toISOString() }));
const schedule = (input: Partial<NudgeScheduleInput> & Pick<NudgeScheduleInput, 'dueDate' | 'now'>) =>
  plain(nudgeSchedule({ recipientTimeZone: AMS, offsetsDays: [7, 1], ...HOURS, ...input }));

describe('due dates', () => {
  it('is due six months after the start, then every six months up to and including `until`', () => {
    expect(conversationDueDates('2026-03-02', { firstAfterMonths: 6, everyMonths: 6 })).toEqual([
      '2026-09-02',
    ]);
    expect(
      conversationDueDates('2026-03-02', { firstAfterMonths: 6, everyMonths: 6, until: '2027-09-02' }),
    ).toEqual(['2026-09-02', '2027-03-02', '2027-09-02']);
    expect(
      conversationDueDates('2026-03-02', { firstAfterMonths: 3, everyMonths: 4, until: '2027-03-01' }),
    ).toEqual(['2026-06-02', '2026-10-02', '2027-02-02']);
  });

  it('clamps to the end of a shorter month without drifting, leap years included', () => {
    expect(
      conversationDueDates('2026-08-31', { firstAfterMonths: 6, everyMonths: 6, until: '2028-12-31' }),
    ).toEqual(['2027-02-28', '2027-08-31', '2028-02-29', '2028-08-31']);
    expect(conversationDueDates('2023-08-31', { firstAfterMonths: 6, everyMonths: 6 })).toEqual([
      '2024-02-29',
    ]);
    expect(conversationDueDates('2026-03-31', { firstAfterMonths: 6, everyMonths: 6 })).toEqual([
      '2026-09-30',
    ]);
  });

  it('gives none when `until` lies before the first due date', () => {
    expect(
      conversationDueDates('2026-03-02', { firstAfterMonths: 6, everyMonths: 6, until: '2026-09-01' }),
    ).toEqual([]);
  });

  it('counts the next conversation from the day the last one was held', () => {
    expect(nextDueAfterHeld('2027-03-02', 6)).toBe('2027-09-02');
    expect(nextDueAfterHeld('2027-08-31', 6)).toBe('2028-02-29');
    expect(nextDueAfterHeld('2028-08-31', 6)).toBe('2029-02-28');
  });

  it('refuses malformed dates and month counts with a RangeError', () => {
    expect(() => conversationDueDates('2026-02-30', { firstAfterMonths: 6, everyMonths: 6 })).toThrow(
      RangeError,
    );
    expect(() => conversationDueDates('2026-3-2', { firstAfterMonths: 6, everyMonths: 6 })).toThrow(
      /YYYY-MM-DD/,
    );
    expect(() =>
      conversationDueDates('2026-03-02', { firstAfterMonths: 6, everyMonths: 0, until: '2030-01-01' }),
    ).toThrow(RangeError);
    expect(() => conversationDueDates('2026-03-02', { firstAfterMonths: 1.5, everyMonths: 6 })).toThrow(
      RangeError,
    );
    expect(() => nextDueAfterHeld('2027-13-01', 6)).toThrow(RangeError);
  });
});

describe('working moment', () => {
  const nine = { dayStart: '09:00' };

  it('is the start of working hours on a working day, in the zone, across daylight saving', () => {
    expect(workingMoment('2026-06-17', AMS, nine).toISOString()).toBe('2026-06-17T07:00:00.000Z');
    expect(workingMoment('2026-11-03', AMS, nine).toISOString()).toBe('2026-11-03T08:00:00.000Z');
    expect(workingMoment('2026-06-17', NYC, { dayStart: '08:30' }).toISOString()).toBe(
      '2026-06-17T12:30:00.000Z',
    );
    expect(workingMoment('2026-06-17', TOKYO, nine).toISOString()).toBe('2026-06-17T00:00:00.000Z');
  });

  it('moves a weekend day or a public holiday back to the working day before', () => {
    expect(workingMoment('2026-06-20', AMS, nine).toISOString()).toBe('2026-06-19T07:00:00.000Z'); // Sat
    expect(workingMoment('2027-04-27', AMS, nine).toISOString()).toBe('2027-04-26T07:00:00.000Z'); // Koningsdag
    // Sunday 27 December, Saturday, Kerstmis (Friday 25) → Thursday 24 December.
    expect(workingMoment('2026-12-27', AMS, nine).toISOString()).toBe('2026-12-24T08:00:00.000Z');
    // Tweede paasdag (Monday 29 March 2027, summer time) → Goede Vrijdag, a working day, still winter time.
    expect(workingMoment('2027-03-29', AMS, nine).toISOString()).toBe('2027-03-26T08:00:00.000Z');
    expect(workingMoment('2026-05-05', AMS, nine).toISOString()).toBe('2026-05-05T07:00:00.000Z'); // Bevrijdingsdag
  });

  it('refuses an unknown zone, a malformed date or time', () => {
    expect(() => workingMoment('2026-06-17', 'Mars/Olympus_Mons', nine)).toThrow(RangeError);
    expect(() => workingMoment('2026-06-17', 'Mars/Olympus_Mons', nine)).toThrow(/time zone/);
    expect(() => workingMoment('2026-06-31', AMS, nine)).toThrow(RangeError);
    expect(() => workingMoment('2026-06-17', AMS, { dayStart: '9:00' })).toThrow(/HH:mm/);
  });
});

describe('nudge schedule', () => {
  // Thursday 18 June 2026, 14:00 in Amsterdam; `now` a week and more before.
  const EARLY = at('2026-06-01T10:00:00Z');

  it('nudges 7 and 1 days before at the start of working hours, in each recipient zone', () => {
    expect(schedule({ dueDate: '2026-06-18', startsAt: at('2026-06-18T12:00:00Z'), now: EARLY })).toEqual([
      { offsetDays: 7, at: '2026-06-11T07:00:00.000Z' },
      { offsetDays: 1, at: '2026-06-17T07:00:00.000Z' },
    ]);
    expect(schedule({ dueDate: '2026-06-18', recipientTimeZone: NYC, now: EARLY })).toEqual([
      { offsetDays: 7, at: '2026-06-11T13:00:00.000Z' },
      { offsetDays: 1, at: '2026-06-17T13:00:00.000Z' },
    ]);
    expect(schedule({ dueDate: '2026-06-18', recipientTimeZone: TOKYO, now: EARLY })).toEqual([
      { offsetDays: 7, at: '2026-06-11T00:00:00.000Z' },
      { offsetDays: 1, at: '2026-06-17T00:00:00.000Z' },
    ]);
  });

  it("takes the planned meeting's date in the recipient's zone over the due date", () => {
    // Moved from the due date to Tuesday 16 June, 14:00 in Amsterdam.
    expect(schedule({ dueDate: '2026-06-18', startsAt: at('2026-06-16T12:00:00Z'), now: EARLY })).toEqual([
      { offsetDays: 7, at: '2026-06-09T07:00:00.000Z' },
      { offsetDays: 1, at: '2026-06-15T07:00:00.000Z' },
    ]);
    // Thursday 18 June 09:30 in Tokyo is still Wednesday 17 June (20:30) for a recipient in New York.
    expect(
      schedule({
        dueDate: '2026-06-18',
        startsAt: at('2026-06-18T00:30:00Z'),
        recipientTimeZone: NYC,
        now: EARLY,
      }),
    ).toEqual([
      { offsetDays: 7, at: '2026-06-10T13:00:00.000Z' },
      { offsetDays: 1, at: '2026-06-16T13:00:00.000Z' },
    ]);
  });

  it('sends the 1-day nudge of a Monday conversation on the Friday before', () => {
    expect(schedule({ dueDate: '2026-06-22', now: EARLY })).toEqual([
      { offsetDays: 7, at: '2026-06-15T07:00:00.000Z' },
      { offsetDays: 1, at: '2026-06-19T07:00:00.000Z' },
    ]);
  });

  it('moves a nudge day that is Koningsdag to the Monday before', () => {
    // Tuesday 4 May 2027: 7 days before is Tuesday 27 April, Koningsdag.
    expect(schedule({ dueDate: '2027-05-04', now: at('2027-04-01T10:00:00Z') })).toEqual([
      { offsetDays: 7, at: '2027-04-26T07:00:00.000Z' },
      { offsetDays: 1, at: '2027-05-03T07:00:00.000Z' },
    ]);
  });

  it('keeps 09:00 local across the daylight-saving changes', () => {
    // Summer time starts Sunday 28 March 2027: the 7-day nudge is in winter time, the 1-day one in summer time.
    expect(schedule({ dueDate: '2027-04-01', now: at('2027-03-01T10:00:00Z') })).toEqual([
      { offsetDays: 7, at: '2027-03-25T08:00:00.000Z' },
      { offsetDays: 1, at: '2027-03-31T07:00:00.000Z' },
    ]);
    // Winter time from Sunday 25 October 2026.
    expect(schedule({ dueDate: '2026-11-10', now: at('2026-10-01T10:00:00Z') })).toEqual([
      { offsetDays: 7, at: '2026-11-03T08:00:00.000Z' },
      { offsetDays: 1, at: '2026-11-09T08:00:00.000Z' },
    ]);
    // New York changes a week after Europe (1 November 2026): 3 November is EST, UTC-5.
    expect(
      schedule({ dueDate: '2026-11-10', recipientTimeZone: NYC, now: at('2026-10-01T10:00:00Z') }),
    ).toEqual([
      { offsetDays: 7, at: '2026-11-03T14:00:00.000Z' },
      { offsetDays: 1, at: '2026-11-09T14:00:00.000Z' },
    ]);
  });

  describe('a nudge whose moment has passed', () => {
    const meeting = { dueDate: '2026-06-18', startsAt: at('2026-06-18T12:00:00Z') }; // Thursday 14:00

    it('goes now when now is within working hours', () => {
      // Friday 12 June 15:30 in Amsterdam.
      expect(schedule({ ...meeting, now: at('2026-06-12T13:30:00Z') })).toEqual([
        { offsetDays: 7, at: '2026-06-12T13:30:00.000Z' },
        { offsetDays: 1, at: '2026-06-17T07:00:00.000Z' },
      ]);
    });

    it('waits for the next working hours when now is before or after them, or in a weekend', () => {
      // Friday 06:00: the same morning at 09:00.
      expect(schedule({ ...meeting, now: at('2026-06-12T04:00:00Z') })[0]).toEqual({
        offsetDays: 7,
        at: '2026-06-12T07:00:00.000Z',
      });
      // Friday 17:00 (the end of working hours is excluded) and Saturday 10:00: Monday 15 June 09:00.
      for (const now of ['2026-06-12T15:00:00Z', '2026-06-13T08:00:00Z']) {
        expect(schedule({ ...meeting, now: at(now) })).toEqual([
          { offsetDays: 7, at: '2026-06-15T07:00:00.000Z' },
          { offsetDays: 1, at: '2026-06-17T07:00:00.000Z' },
        ]);
      }
    });

    it('skips a public holiday on the way to the next working hours', () => {
      // Conversation Friday 30 April 2027; now Monday 26 April 18:00, and the next day is Koningsdag.
      expect(schedule({ dueDate: '2027-04-30', now: at('2027-04-26T16:00:00Z') })).toEqual([
        { offsetDays: 7, at: '2027-04-28T07:00:00.000Z' },
        { offsetDays: 1, at: '2027-04-29T07:00:00.000Z' },
      ]);
    });

    it('is dropped when it would share its day with a later nudge', () => {
      // Wednesday 17 June 08:00: the late 7-day nudge would go at 09:00, the 1-day nudge's own moment.
      expect(schedule({ ...meeting, now: at('2026-06-17T06:00:00Z') })).toEqual([
        { offsetDays: 1, at: '2026-06-17T07:00:00.000Z' },
      ]);
      // Wednesday 16:00: both are late and would go now; only the 1-day nudge does.
      expect(schedule({ ...meeting, now: at('2026-06-17T14:00:00Z') })).toEqual([
        { offsetDays: 1, at: '2026-06-17T14:00:00.000Z' },
      ]);
    });

    it('goes before the conversation on its own day when there is still time', () => {
      // Wednesday 18:00; the meeting is Thursday 14:00.
      expect(schedule({ ...meeting, now: at('2026-06-17T16:00:00Z') })).toEqual([
        { offsetDays: 1, at: '2026-06-18T07:00:00.000Z' },
      ]);
    });

    it('is dropped when the conversation starts first', () => {
      // The meeting is Thursday 09:00; now Wednesday 18:00: the next working moment is the meeting itself.
      expect(
        schedule({
          dueDate: '2026-06-18',
          startsAt: at('2026-06-18T07:00:00Z'),
          now: at('2026-06-17T16:00:00Z'),
        }),
      ).toEqual([]);
      // No meeting planned: the conversation counts from the due date at the start of working hours.
      expect(schedule({ dueDate: '2026-06-18', now: at('2026-06-17T16:00:00Z') })).toEqual([]);
      // Monday's conversation, now Friday evening: the weekend leaves no working moment before it.
      expect(schedule({ dueDate: '2026-06-22', now: at('2026-06-19T16:00:00Z') })).toEqual([]);
      // Started already.
      expect(schedule({ ...meeting, now: at('2026-06-18T12:30:00Z') })).toEqual([]);
    });
  });

  it('gives the new schedule for a moved date', () => {
    const now = at('2026-06-12T08:00:00Z'); // Friday 12 June 10:00
    const before = { dueDate: '2026-06-18', startsAt: at('2026-06-18T12:00:00Z'), now };
    expect(schedule(before)).toEqual([
      { offsetDays: 7, at: '2026-06-12T08:00:00.000Z' },
      { offsetDays: 1, at: '2026-06-17T07:00:00.000Z' },
    ]);
    // Later: Thursday 2 July 14:00.
    expect(schedule({ ...before, startsAt: at('2026-07-02T12:00:00Z') })).toEqual([
      { offsetDays: 7, at: '2026-06-25T07:00:00.000Z' },
      { offsetDays: 1, at: '2026-07-01T07:00:00.000Z' },
    ]);
    // Earlier: Tuesday 16 June 14:00; its 7-day day (Tuesday 9 June) has passed.
    expect(schedule({ ...before, startsAt: at('2026-06-16T12:00:00Z') })).toEqual([
      { offsetDays: 7, at: '2026-06-12T08:00:00.000Z' },
      { offsetDays: 1, at: '2026-06-15T07:00:00.000Z' },
    ]);
  });

  it('keeps one nudge per local day, the one closest to the conversation, sorted by time', () => {
    // Monday conversation: 3, 2 and 1 days before all land on Friday.
    expect(schedule({ dueDate: '2026-06-22', offsetsDays: [1, 3, 7, 2], now: EARLY })).toEqual([
      { offsetDays: 7, at: '2026-06-15T07:00:00.000Z' },
      { offsetDays: 1, at: '2026-06-19T07:00:00.000Z' },
    ]);
  });

  it('drops a nudge on the day itself that would come at or after the meeting', () => {
    expect(
      schedule({
        dueDate: '2026-06-18',
        startsAt: at('2026-06-18T06:30:00Z'),
        offsetsDays: [0, 1],
        now: EARLY,
      }),
    ).toEqual([{ offsetDays: 1, at: '2026-06-17T07:00:00.000Z' }]);
    expect(
      schedule({ dueDate: '2026-06-18', startsAt: at('2026-06-18T12:00:00Z'), offsetsDays: [0], now: EARLY }),
    ).toEqual([{ offsetDays: 0, at: '2026-06-18T07:00:00.000Z' }]);
  });

  it('refuses malformed input with a RangeError', () => {
    expect(() =>
      schedule({ dueDate: '2026-06-18', recipientTimeZone: 'Europe/Amsterdamm', now: EARLY }),
    ).toThrow(/time zone/);
    expect(() => schedule({ dueDate: '18-06-2026', now: EARLY })).toThrow(RangeError);
    expect(() => schedule({ dueDate: '2026-06-18', dayEnd: '08:00', now: EARLY })).toThrow(/dayEnd/);
    expect(() => schedule({ dueDate: '2026-06-18', offsetsDays: [-1], now: EARLY })).toThrow(RangeError);
    expect(() => schedule({ dueDate: '2026-06-18', now: new Date(Number.NaN) })).toThrow(RangeError);
  });
});

describe('held reminder', () => {
  const options = { afterWorkingDays: 2, dayStart: '09:00' };

  it('comes two working days after the due date, weekends and holidays skipped', () => {
    expect(heldReminderAt('2026-06-18', AMS, options).toISOString()).toBe('2026-06-22T07:00:00.000Z'); // Thu → Mon
    expect(heldReminderAt('2026-06-16', AMS, options).toISOString()).toBe('2026-06-18T07:00:00.000Z'); // Tue → Thu
    expect(heldReminderAt('2026-06-20', AMS, options).toISOString()).toBe('2026-06-23T07:00:00.000Z'); // Sat → Tue
    // Friday 23 April 2027: Monday 26, Koningsdag skipped, Wednesday 28.
    expect(heldReminderAt('2027-04-23', AMS, options).toISOString()).toBe('2027-04-28T07:00:00.000Z');
    expect(heldReminderAt('2026-06-18', TOKYO, options).toISOString()).toBe('2026-06-22T00:00:00.000Z');
    // Across the October change: Thursday 22 October 2026 → Monday 26 October, winter time.
    expect(heldReminderAt('2026-10-22', AMS, options).toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });

  it('refuses a malformed zone or count', () => {
    expect(() => heldReminderAt('2026-06-18', 'CEST+2', options)).toThrow(RangeError);
    expect(() => heldReminderAt('2026-06-18', AMS, { ...options, afterWorkingDays: -1 })).toThrow(RangeError);
  });
});
