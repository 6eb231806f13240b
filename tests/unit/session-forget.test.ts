import {
  ERASED_MEMBER,
  foldEvents,
  forgetInEvent,
  forgetInState,
  type SessionEvent,
  type SessionHeader,
  type SessionState,
} from '../../bot/src/domain/session';
import type { ProposalDraft } from '../../bot/src/domain/proposal-draft';
import type { Videoframe } from '../../bot/src/domain/videoframe';
import { sessionHeader } from '../support/session-header';

/**
 * Retention leaves a closed session with its final snapshot only, so the right to erasure works on the folded
 * state: forgetting a person in the state must come to what folding their forgotten events would.
 */

const people = ['Anna-1', 'bram-2', 'Cato-3', 'daan-4'];

const header: SessionHeader = sessionHeader({
  id: 't:c:day:2026-01-05',
  circleName: 'Kring',
  date: '2026-01-05',
  members: people.map((aadObjectId) => ({ aadObjectId, name: `Naam ${aadObjectId}` })),
});

const final = {
  title: 'Plan',
  summary: 's',
  steps: ['a'],
  expectedEffect: 'e',
  risks: [],
} as unknown as ProposalDraft;
const at = (n: number) => new Date(Date.UTC(2026, 0, 5, 9, n)).toISOString();

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** A session's events by people picked at random. */
function randomEvents(seed: number): SessionEvent[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  // Teams sends one person's id in one spelling; the erasure may be asked in another (ids compare in any case).
  const who = () => pick(people);
  const events: SessionEvent[] = [
    { type: 'opened', at: at(0), by: next() < 0.5 ? who() : undefined, trigger: 'command', header },
  ];
  const count = 5 + Math.floor(next() * 30);
  for (let i = 1; i <= count; i++) {
    const by = who();
    const kind = pick([
      'checkedIn',
      'begun',
      'contributed',
      'contributed',
      'moved',
      'draftRequested',
      'draftReady',
      'rated',
      'card',
    ]);
    switch (kind) {
      case 'checkedIn':
        events.push({ type: 'checkedIn', at: at(i), by, energy: 1 + Math.floor(next() * 5) });
        break;
      case 'begun':
        events.push({
          type: 'begun',
          at: at(i),
          by,
          frame: { id: 'f' } as unknown as Videoframe,
          timeboxes: [10, 10, 15, 5, 15],
          anonymousBrainstorm: false,
          situation: { text: 'Werkdruk', fromSessionId: undefined },
          question: undefined,
        });
        break;
      case 'contributed':
        events.push({
          type: 'contributed',
          at: at(i),
          by,
          key: `k${i}`,
          stage: 'analysis',
          text: `idee ${i}`,
        });
        break;
      case 'moved':
        events.push({ type: 'moved', at: at(i), by, from: 0, to: 1, draft: undefined });
        break;
      case 'draftRequested':
        events.push({ type: 'draftRequested', at: at(i), by, attempt: `a${i}`, withModel: false });
        break;
      case 'draftReady':
        events.push({
          type: 'draftReady',
          at: at(i),
          attempt: `a${i - 1}`,
          result: { draft: final, provenance: { source: 'contributions' } },
        });
        break;
      case 'rated':
        events.push({
          type: 'rated',
          at: at(i),
          by,
          usefulness: 1 + (i % 5),
          feasibility: 1 + ((i + 2) % 5),
        });
        break;
      case 'card':
        events.push({ type: 'card', at: at(i), activityId: `act-${i}` });
        break;
    }
  }
  if (next() < 0.7)
    events.push({ type: 'decided', at: at(40), by: who(), kind: 'adopt', reason: undefined, final });
  if (next() < 0.7)
    events.push({ type: 'closed', at: at(50), by: next() < 0.5 ? who() : undefined, reason: 'command' });
  return events;
}

const forgottenFold = (events: readonly SessionEvent[], aadObjectId: string): SessionState =>
  foldEvents(events.map((e) => forgetInEvent(e, aadObjectId)))!;

describe('forgetInState: the right to erasure on a session whose events are gone', () => {
  it('equals folding the forgotten events, for a session where the person did everything once', () => {
    const anna = people[0]!;
    const events: SessionEvent[] = [
      { type: 'opened', at: at(0), by: anna, trigger: 'command', header },
      { type: 'checkedIn', at: at(1), by: 'bram-2', energy: 4 },
      { type: 'checkedIn', at: at(2), by: anna, energy: 2 },
      { type: 'contributed', at: at(3), by: anna, key: 'k1', stage: 'analysis', text: 'Mijn punt' },
      { type: 'contributed', at: at(4), by: 'Cato-3', key: 'k2', stage: 'analysis', text: 'Haar punt' },
      { type: 'rated', at: at(5), by: anna.toUpperCase(), usefulness: 5, feasibility: 3 },
      { type: 'decided', at: at(6), by: anna, kind: 'adapt', reason: 'beter', final },
      { type: 'closed', at: at(7), by: undefined, reason: 'meeting_end' },
    ];
    const state = forgetInState(foldEvents(events)!, anna);
    expect(state).toEqual(forgottenFold(events, anna));
    expect(state.header.members.map((m) => m.aadObjectId)).not.toContain(anna);
    expect(state.contributions.map((c) => c.by)).toEqual([ERASED_MEMBER, 'Cato-3']);
    expect(state.checkins).toEqual({ 'bram-2': 4, [ERASED_MEMBER]: 2 });
    expect(state.ratings).toEqual({ [ERASED_MEMBER]: { usefulness: 5, feasibility: 3 } });
    expect(state.decision?.by).toBe(ERASED_MEMBER);
    expect(state.present).toEqual([ERASED_MEMBER, 'bram-2', 'Cato-3']);
    expect(JSON.stringify(state).toLowerCase()).not.toContain(anna.toLowerCase());
  });

  it('equals folding the forgotten events, for 300 random sessions and one or two erasures', () => {
    let twice = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const events = randomEvents(seed);
      const state = foldEvents(events)!;
      const next = random(seed * 7919);
      const person = people[Math.floor(next() * people.length)]!;
      const forgotten = forgetInState(state, next() < 0.5 ? person : person.toUpperCase());
      expect({ seed, state: forgotten }).toEqual({ seed, state: forgottenFold(events, person) });
      // A second person afterwards: the same, unless the two both checked in or both rated (the fold keeps
      // the later of two values under one placeholder, which a state cannot tell).
      const other = people.find((p) => p !== person)!;
      const both = (entries: Record<string, unknown>) =>
        [person, other].every((id) => Object.keys(entries).some((k) => k.toLowerCase() === id.toLowerCase()));
      if (both(state.checkins) || both(state.ratings)) continue;
      twice += 1;
      expect({ seed, state: forgetInState(forgotten, other) }).toEqual({
        seed,
        state: foldEvents(events.map((e) => forgetInEvent(forgetInEvent(e, person), other))),
      });
    }
    expect(twice).toBeGreaterThan(30);
  });

  it('changes nothing for someone who was not in the session', () => {
    const events = randomEvents(42);
    const state = foldEvents(events)!;
    expect(forgetInState(state, 'someone-else')).toEqual(state);
  });
});
