import { totalsOf, weekOf } from '../../bot/src/domain/ledger';
import {
  addMonths,
  checkPlan,
  nextTalentConversation,
  trajectFigures,
  weeksIn,
  type TrajectPlan,
} from '../../bot/src/domain/traject';

const TODAY = '2026-11-26';

function plan(overrides: Partial<TrajectPlan> = {}): TrajectPlan {
  return {
    startDate: '2026-12-01',
    durationMonths: 6,
    activeWeeksTarget: 20,
    hoursPerWeek: 4,
    questions: [1, 9],
    talents: 'Goed in luisteren',
    learningNeeds: 'Beter plannen',
    ...overrides,
  };
}

describe('checkPlan', () => {
  it("accepts the concept's example: 6 months, 20 active weeks, 4 hours a week", () => {
    expect(checkPlan(plan(), TODAY)).toEqual([]);
  });

  it.each<[string, Partial<TrajectPlan>, string, string]>([
    ['an empty start date', { startDate: '' }, 'startDate', 'required'],
    ['a date that does not exist', { startDate: '2026-02-30' }, 'startDate', 'invalid'],
    ['a date in another format', { startDate: '01-12-2026' }, 'startDate', 'invalid'],
    ['a start more than a year away', { startDate: '2028-01-01' }, 'startDate', 'out_of_range'],
    ['a start more than a year ago', { startDate: '2025-11-01' }, 'startDate', 'out_of_range'],
    ['zero months', { durationMonths: 0 }, 'durationMonths', 'out_of_range'],
    ['25 months', { durationMonths: 25 }, 'durationMonths', 'out_of_range'],
    ['a fraction of a month', { durationMonths: 1.5 }, 'durationMonths', 'out_of_range'],
    [
      'more active weeks than the traject has',
      { durationMonths: 3, activeWeeksTarget: 14 },
      'activeWeeksTarget',
      'out_of_range',
    ],
    ['zero active weeks', { activeWeeksTarget: 0 }, 'activeWeeksTarget', 'out_of_range'],
    ['no hours', { hoursPerWeek: 0 }, 'hoursPerWeek', 'out_of_range'],
    ['not a number of hours', { hoursPerWeek: Number.NaN }, 'hoursPerWeek', 'out_of_range'],
    ['no question', { questions: [] }, 'questions', 'required'],
    ['a question twice', { questions: [3, 3] }, 'questions', 'invalid'],
    ['a question that does not exist', { questions: [11 as never] }, 'questions', 'invalid'],
    ['talents longer than 2000 characters', { talents: 'x'.repeat(2001) }, 'talents', 'too_long'],
    [
      'learning needs longer than 2000 characters',
      { learningNeeds: 'x'.repeat(2001) },
      'learningNeeds',
      'too_long',
    ],
  ])('refuses %s', (_name, overrides, field, code) => {
    expect(checkPlan(plan(overrides), TODAY)).toEqual([expect.objectContaining({ field, code })]);
  });

  it('lets a traject keep a start date more than a year ago, but not move to one', () => {
    expect(
      checkPlan(
        plan({ startDate: '2025-06-01', durationMonths: 24, activeWeeksTarget: 40 }),
        TODAY,
        '2025-06-01',
      ),
    ).toEqual([]);
    expect(
      checkPlan(
        plan({ startDate: '2025-06-01', durationMonths: 24, activeWeeksTarget: 40 }),
        TODAY,
        '2025-07-01',
      ),
    ).toEqual([expect.objectContaining({ field: 'startDate', code: 'out_of_range' })]);
  });

  it('reports every problem at once', () => {
    const problems = checkPlan(plan({ startDate: 'x', hoursPerWeek: 99, questions: [] }), TODAY);
    expect(problems.map((p) => p.field).sort()).toEqual(['hoursPerWeek', 'questions', 'startDate']);
  });

  it('gives the weeks a duration allows as the upper bound', () => {
    expect(checkPlan(plan({ durationMonths: 3, activeWeeksTarget: 13 }), TODAY)).toEqual([]);
    expect(checkPlan(plan({ durationMonths: 3, activeWeeksTarget: 14 }), TODAY)).toEqual([
      { field: 'activeWeeksTarget', code: 'out_of_range', min: 1, max: 13 },
    ]);
  });
});

describe('dates and figures', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2026-12-01', 6, '2027-06-01'],
    ['2026-11-26', -12, '2025-11-26'],
  ])('%s plus %i months is %s', (start, months, expected) => {
    expect(addMonths(start, months)).toBe(expected);
  });

  it('counts weeks in months as 52/12 a month', () => {
    expect(weeksIn(6)).toBe(26);
    expect(weeksIn(12)).toBe(52);
    expect(weeksIn(1)).toBe(4);
  });

  it('derives the end, the hours made available and the first talent-development conversation', () => {
    expect(trajectFigures(plan(), TODAY)).toEqual({
      endDate: '2027-06-01',
      hoursMadeAvailable: 80,
      nextTalentConversation: '2027-06-01',
    });
  });

  it('still answers without a date, as callers without a clock call it', () => {
    const figures = trajectFigures(plan());
    expect(figures.endDate).toBe('2027-06-01');
    expect(figures.nextTalentConversation).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('the next talent-development conversation', () => {
  const twoYears = plan({ startDate: '2026-01-15', durationMonths: 24, activeWeeksTarget: 60 });

  it.each([
    ['before the start', '2025-12-01', '2026-07-15'],
    ['on the start', '2026-01-15', '2026-07-15'],
    ['the day before the first one', '2026-07-14', '2026-07-15'],
    ['on the day of the first one', '2026-07-15', '2026-07-15'],
    ['the day after the first one', '2026-07-16', '2027-01-15'],
    ['in the second half-year', '2026-11-26', '2027-01-15'],
    ['in the last half-year', '2027-09-30', '2028-01-15'],
    ['on the end date', '2028-01-15', '2028-01-15'],
  ])('of a two-year traject, asked %s (%s), is on %s', (_name, today, expected) => {
    expect(nextTalentConversation(twoYears, today)).toBe(expected);
    expect(trajectFigures(twoYears, today).nextTalentConversation).toBe(expected);
  });

  it('stays on the closing conversation at the end once the traject is over', () => {
    expect(nextTalentConversation(twoYears, '2028-01-16')).toBe('2028-01-15');
    expect(nextTalentConversation(twoYears, '2030-01-01')).toBe('2028-01-15');
  });

  it('falls on the end date at the latest when the traject is not a multiple of six months', () => {
    const short = plan({ startDate: '2026-12-01', durationMonths: 4, activeWeeksTarget: 10 });
    expect(nextTalentConversation(short, TODAY)).toBe('2027-04-01');
    const nine = plan({ startDate: '2026-03-10', durationMonths: 9, activeWeeksTarget: 20 });
    expect(nextTalentConversation(nine, '2026-09-10')).toBe('2026-09-10');
    expect(nextTalentConversation(nine, '2026-09-11')).toBe('2026-12-10');
  });

  it('counts every half-year from the start, so the 31st does not drift to the 28th', () => {
    const fromAugust = plan({ startDate: '2026-08-31', durationMonths: 24, activeWeeksTarget: 20 });
    expect(nextTalentConversation(fromAugust, '2026-11-26')).toBe('2027-02-28');
    expect(nextTalentConversation(fromAugust, '2027-03-01')).toBe('2027-08-31');
  });
});

describe('ledger totals', () => {
  const base = {
    tenantId: 't',
    ownerAadObjectId: 'a',
    kind: 'time' as const,
    learningKind: 'other' as const,
    what: 'x',
    createdAt: new Date(),
  };

  it('adds all minutes, but counts only weeks with circle sessions as active', () => {
    const totals = totalsOf(
      [
        { ...base, id: '1', source: 'session', date: '2026-11-23', minutes: 60 },
        { ...base, id: '2', source: 'session', date: '2026-11-26', minutes: 60 },
        { ...base, id: '3', source: 'session', date: '2026-12-01', minutes: 60 },
        { ...base, id: '4', source: 'self', date: '2026-12-15', minutes: 45 },
      ],
      2,
    );
    expect(totals).toEqual({ activeWeeks: 2, minutesUsed: 225, proposals: 2 });
  });

  it('finds the Monday of an ISO week', () => {
    expect(weekOf('2026-11-26')).toBe('2026-11-23');
    expect(weekOf('2026-11-23')).toBe('2026-11-23');
    expect(weekOf('2026-11-29')).toBe('2026-11-23');
    expect(weekOf('2027-01-01')).toBe('2026-12-28');
  });
});
