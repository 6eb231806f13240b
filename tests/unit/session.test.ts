import path from 'node:path';
import { translator } from '../../bot/src/cards/i18n';
import {
  applyEvent,
  canMove,
  foldEvents,
  SESSION_LIMITS,
  type SessionEvent,
  type SessionHeader,
  type SessionState,
} from '../../bot/src/domain/session';
import type { Videoframe } from '../../bot/src/domain/videoframe';
import { sessionCard } from '../../bot/src/features/sessions/session.card';
import { stageViewCard } from '../../bot/src/features/sessions/stage-view.card';
import { loadVideoframes } from '../../bot/src/integrations/videoframe-files';
import { cardProblems } from '../support/cards';
import { sessionHeader } from '../support/session-header';

const members = [
  { aadObjectId: 'a-1', name: 'Jan de Vries', teamsUserId: '29:a-1' },
  { aadObjectId: 'b-2', name: 'Ayşe Yılmaz', teamsUserId: '29:b-2' },
  { aadObjectId: 'c-3', name: 'Jo', teamsUserId: '29:c-3' },
];

describe('the session as a fold of its events', () => {
  let frame: Videoframe;
  beforeAll(async () => {
    frame = (await loadVideoframes([path.join(__dirname, '..', '..', 'bot', 'videoframes')])).frames[0]!;
  });

  const header = (locale: 'nl' | 'en'): SessionHeader =>
    sessionHeader({
      id: 't:c:cycle:0',
      circleName: 'Zorg [team](http://x)',
      cycleId: 'cycle',
      dayIndex: 0,
      locale,
      members,
      carried: {
        proposals: [{ title: 'Eerder voorstel', decision: 'adopt', dayIndex: 0 }],
        openQuestions: ['Wie mist er?'],
        situations: [{ text: 'Oude situatie', fromSessionId: 't:c:cycle:-1' }],
        question: 3,
      },
      defaults: { timeboxes: [10, 10, 15, 5, 15], anonymousBrainstorm: true },
    });

  const at = '2027-03-01T08:00:00.000Z';
  function fullSession(locale: 'nl' | 'en', contributionsPerStage: number): SessionState[] {
    const events: SessionEvent[] = [
      { type: 'opened', at, by: undefined, trigger: 'schedule', header: header(locale) },
      { type: 'checkedIn', at, by: 'a-1', energy: 4 },
      { type: 'checkedIn', at, by: 'b-2', energy: 3 },
      {
        type: 'begun',
        at,
        by: 'a-1',
        frame,
        timeboxes: [10, 10, 15, 5, 15],
        anonymousBrainstorm: true,
        situation: { text: 'x'.repeat(SESSION_LIMITS.situationMaxLength), fromSessionId: undefined },
        question: 6,
      },
    ];
    const states: SessionState[] = [];
    const stages = ['analysis', 'problem', 'brainstorm'] as const;
    stages.forEach((stage, i) => {
      for (let n = 0; n < contributionsPerStage; n++)
        events.push({
          type: 'contributed',
          at,
          by: members[n % 3]!.aadObjectId,
          key: `${stage}${n}`,
          stage,
          text: `${'*lang* '.repeat(70)}${n}`.slice(0, SESSION_LIMITS.contributionMaxLength),
        });
      events.push({
        type: 'moved',
        at,
        by: 'a-1',
        from: i,
        to: i + 1,
        draft: i === 2 ? { attempt: 'x1', withModel: true } : undefined,
      });
    });
    const long = (n: number) => 'w'.repeat(n);
    events.push({
      type: 'draftReady',
      at,
      attempt: 'x1',
      result: {
        draft: {
          title: long(120),
          summary: long(1200),
          steps: Array.from({ length: 8 }, () => long(300)),
          expectedEffect: long(600),
          risks: Array.from({ length: 5 }, () => long(300)),
          question: 6,
          criticalQuestions: [long(300), long(300), long(300)],
        },
        provenance: { source: 'ai', model: 'gpt-test', promptVersion: 'p@1', latencyMs: 900 },
      },
    });
    events.push({ type: 'moved', at, by: 'b-2', from: 3, to: 4, draft: undefined });
    events.push({ type: 'rated', at, by: 'b-2', usefulness: 4, feasibility: 2 });
    const beforeDecision = foldEvents(events)!;
    events.push({
      type: 'decided',
      at,
      by: 'a-1',
      kind: 'reject',
      reason: long(500),
      final: beforeDecision.draft!.result!.draft,
    });
    events.push({ type: 'closed', at, by: undefined, reason: 'meeting_end' });
    let state: SessionState | undefined;
    for (const event of events) {
      state = applyEvent(state, event);
      states.push(state);
    }
    return states;
  }

  it('counts one version per event and guards the stage moves', () => {
    const states = fullSession('nl', 2);
    const last = states.at(-1)!;
    expect(last.version).toBe(states.length);
    expect(last.present.sort()).toEqual(['a-1', 'b-2']);
    const atAi = states.find((s) => s.stageIndex === 3 && s.draft?.status === 'drafting')!;
    expect(canMove(atAi, 3, 4)).toBe(false); // no draft yet: onwards only once there is one
    expect(canMove(atAi, 3, 2)).toBe(true);
    expect(canMove(atAi, 2, 3)).toBe(false); // a card of an earlier stage
    expect(canMove(atAi, 3, 5)).toBe(false);
  });

  it.each(['nl', 'en'] as const)(
    'renders every step as valid Adaptive Cards within Teams’ size limit, with full stages (%s)',
    (locale) => {
      const t = translator(locale);
      for (const state of fullSession(locale, SESSION_LIMITS.contributionsMax / 3)) {
        for (const viewer of [undefined, 'a-1']) {
          const card = sessionCard(state, { t, viewer, frames: [frame], modelAvailable: true }, ['29:a-1']);
          expect(cardProblems(card)).toEqual([]);
          expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
        }
        const stage = stageViewCard(state, { t, viewer: undefined, frames: [frame], modelAvailable: true });
        expect(cardProblems(stage)).toEqual([]);
      }
    },
  );

  it('never lets what people typed become markdown, and shows the circle’s energy only as an average', () => {
    const states = fullSession('nl', 1);
    const t = translator('nl');
    const kickoff = sessionCard(states[2]!, { t, viewer: 'b-2', frames: [frame], modelAvailable: false });
    const json = JSON.stringify(kickoff);
    // Two check-ins: too few for an average (tests/unit/session-labels.test.ts has the rule in full).
    expect(json).toContain('Energie van de cirkel: nog te weinig om te tonen (2 van 3 ingecheckt).');
    expect(json).not.toContain('3.5');
    expect(json).toContain('Jij koos 3.');
    expect(json).not.toContain('Jij koos 4.');
    const brainstorm = sessionCard(states.filter((s) => s.stageIndex === 2).at(-1)!, {
      t,
      viewer: 'a-1',
      frames: [frame],
      modelAvailable: false,
    });
    // Anonymous brainstorm: no names on the ideas, but the viewer's own are marked for them.
    const ideas = JSON.stringify(brainstorm.body.filter((e) => e.type === 'RichTextBlock'));
    expect(ideas).toContain('Anoniem');
    expect(ideas).not.toContain('Jan de Vries');
    // Typed text and names sit in TextRuns, never in TextBlocks (markdown).
    for (const element of brainstorm.body) {
      if (element.type === 'TextBlock') expect(String(element.text)).not.toContain('*lang*');
    }
  });
});
