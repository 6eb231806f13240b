import { safeJoinUrl, upcomingOf, type CircleSession } from '../../bot/src/domain/cycle';
import { forManager, validatedOnly, type ProposalSummary } from '../../bot/src/domain/proposal';

const NOW = new Date('2026-11-26T10:30:00Z');

function session(overrides: Partial<CircleSession>): CircleSession {
  return {
    circleName: 'Cirkel',
    dayIndex: 0,
    start: '2026-11-26T09:00:00.000Z',
    end: '2026-11-26T10:00:00.000Z',
    status: 'planned',
    ...overrides,
  };
}

describe('upcoming sessions', () => {
  it('keeps those not yet ended, the one under way included, earliest first, up to the limit', () => {
    const sessions = [
      session({ dayIndex: 3, start: '2026-11-30T09:00:00.000Z', end: '2026-11-30T10:00:00.000Z' }),
      session({ dayIndex: 0, start: '2026-11-26T09:00:00.000Z', end: '2026-11-26T10:00:00.000Z' }),
      session({ dayIndex: 1, start: '2026-11-26T10:00:00.000Z', end: '2026-11-26T11:00:00.000Z' }),
      session({ dayIndex: 2, start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T10:00:00.000Z' }),
    ];
    expect(upcomingOf(sessions, NOW, 10).map((s) => s.dayIndex)).toEqual([1, 2, 3]);
    expect(upcomingOf(sessions, NOW, 2).map((s) => s.dayIndex)).toEqual([1, 2]);
    expect(upcomingOf(sessions, NOW, 0)).toEqual([]);
  });

  it('drops a session ended early by its status, and keeps a cancelled one to show it will not happen', () => {
    const later = { start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T10:00:00.000Z' };
    expect(upcomingOf([session({ ...later, status: 'ended' })], NOW, 5)).toEqual([]);
    expect(upcomingOf([session({ ...later, status: 'cancelled' })], NOW, 5)).toHaveLength(1);
  });

  it.each([
    ['https://teams.microsoft.com/l/meetup-join/19%3ameeting', true],
    ['http://teams.microsoft.com/l/meetup-join/x', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
    [42, false],
    [undefined, false],
  ])('offers %p as a join link: %p', (value, offered) => {
    expect(safeJoinUrl(value) !== undefined).toBe(offered);
  });
});

describe('proposals', () => {
  const proposals: ProposalSummary[] = [
    { id: '1', title: 'Concept', status: 'draft', createdAt: '2026-11-20T10:00:00.000Z' },
    { id: '2', title: 'Goed plan', status: 'validated', question: 3, createdAt: '2026-11-21T10:00:00.000Z' },
    { id: '3', title: 'Afgewezen', status: 'rejected', createdAt: '2026-11-22T10:00:00.000Z' },
  ];

  it('counts and shows a manager only the validated ones, without ids or status', () => {
    expect(validatedOnly(proposals).map((p) => p.id)).toEqual(['2']);
    expect(forManager(proposals)).toEqual([
      { title: 'Goed plan', question: 3, createdAt: '2026-11-21T10:00:00.000Z' },
    ]);
  });
});
