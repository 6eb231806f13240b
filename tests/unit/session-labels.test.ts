import path from 'node:path';
import { translator, type Translate } from '../../bot/src/cards/i18n';
import type { AdaptiveCard } from '../../bot/src/cards/adaptive-card';
import type { Locale } from '../../bot/src/domain/locale';
import type { DraftResult } from '../../bot/src/domain/proposal-draft';
import {
  AVERAGE_MIN_PEOPLE,
  averageEnergy,
  averageRatings,
  foldEvents,
  type SessionEvent,
  type SessionHeader,
  type SessionState,
} from '../../bot/src/domain/session';
import { DIDACTIC_QUESTIONS } from '../../bot/src/domain/traject';
import type { Videoframe } from '../../bot/src/domain/videoframe';
import { currentStageTitle, sessionCard } from '../../bot/src/features/sessions/session.card';
import { stageViewCard } from '../../bot/src/features/sessions/stage-view.card';
import { loadVideoframes } from '../../bot/src/integrations/videoframe-files';
import { cardProblems } from '../support/cards';
import { sessionHeader } from '../support/session-header';

/**
 * Issue 13, points 4 and 5: a circle's average never shows one or two people's scores (nor, by moving,
 * anyone's), and a card says "AI" only where a model wrote the text.
 */

const locales: Locale[] = ['nl', 'en'];
const at = '2027-03-01T08:00:00.000Z';
const members = ['a', 'b', 'c', 'd', 'e'].map((x, i) => ({
  aadObjectId: `${x}-${i}`,
  name: `Lid ${x.toUpperCase()}`,
  teamsUserId: `29:${x}`,
}));
const ids = members.map((m) => m.aadObjectId);

let frame: Videoframe;
beforeAll(async () => {
  frame = (await loadVideoframes([path.join(__dirname, '..', '..', 'bot', 'videoframes')])).frames[0]!;
});

function header(locale: Locale): SessionHeader {
  return sessionHeader({ locale, members });
}

const opened = (locale: Locale): SessionEvent => ({
  type: 'opened',
  at,
  by: undefined,
  trigger: 'command',
  header: header(locale),
});
const checkIns = (energies: number[]): SessionEvent[] =>
  energies.map((energy, i) => ({ type: 'checkedIn', at, by: ids[i]!, energy }));
const begun = (): SessionEvent => ({
  type: 'begun',
  at,
  by: ids[0]!,
  frame,
  timeboxes: [10, 10, 15, 5, 15],
  anonymousBrainstorm: false,
  situation: { text: 'De overdracht aan de balie', fromSessionId: undefined },
  // Questions 3 and 4 are about AI as a subject; see withoutQuestions.
  question: 3,
});
const move = (from: number, to: number, draft?: { attempt: string; withModel: boolean }): SessionEvent => ({
  type: 'moved',
  at,
  by: ids[0]!,
  from,
  to,
  draft,
});

/** Through the first three stages, one contribution each, onto the AI stage with a draft asked for. */
function toAiStage(withModel: boolean): SessionEvent[] {
  const events: SessionEvent[] = [begun()];
  (['analysis', 'problem', 'brainstorm'] as const).forEach((stage, i) => {
    events.push(
      { type: 'contributed', at, by: ids[i]!, key: stage, stage, text: `Een bijdrage bij ${stage}` },
      move(i, i + 1, i === 2 ? { attempt: 'x1', withModel } : undefined),
    );
  });
  return events;
}

const ownDraft: DraftResult = {
  draft: {
    title: 'Verbetervoorstel van Balie',
    summary: 'Een bijdrage bij problem',
    steps: ['Een bijdrage bij brainstorm'],
    expectedEffect: 'Nog door de cirkel te bepalen.',
    risks: [],
    criticalQuestions: ['Wie merkt het als eerste?'],
  },
  provenance: { source: 'contributions' },
};
const modelDraft: DraftResult = {
  draft: { ...ownDraft.draft, title: 'Vaste overdracht om 15:00' },
  provenance: {
    source: 'ai',
    model: 'gpt-test',
    promptVersion: 'improvement-proposal@1234abcd',
    namesReplaced: true,
  },
};

const ready = (attempt: string, result: DraftResult): SessionEvent => ({
  type: 'draftReady',
  at,
  attempt,
  result,
});
const ratings = (n: number): SessionEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'rated' as const,
    at,
    by: ids[i]!,
    usefulness: [5, 2, 4, 3, 1][i]!,
    feasibility: [1, 4, 2, 5, 3][i]!,
  }));
const decided = (result: DraftResult): SessionEvent => ({
  type: 'decided',
  at,
  by: ids[0]!,
  kind: 'adopt',
  reason: undefined,
  final: result.draft,
});
const closed: SessionEvent = { type: 'closed', at, by: undefined, reason: 'command' };

const fold = (events: SessionEvent[]): SessionState => foldEvents(events)!;

function views(t: Translate, modelAvailable: boolean) {
  return { t, viewer: undefined, frames: [frame], modelAvailable };
}

/** Every text of a card: what is shown, read out or used as a fallback (not the data sent back). */
function textsOf(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, key: string | undefined) => {
    if (key === 'data') return;
    if (typeof node === 'string') found.push(node);
    else if (Array.isArray(node)) node.forEach((n) => walk(n, undefined));
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk(v, k);
  };
  walk(card, undefined);
  return found;
}

/** The didactic questions speak of AI as a subject of the day, not of who wrote what. */
function withoutQuestions(texts: string[], t: Translate): string[] {
  const questions = DIDACTIC_QUESTIONS.map((q) => t(`question.${q}`));
  return texts.map((text) => questions.reduce((rest, q) => rest.split(q).join(''), text));
}

const claimsAi = (text: string) => /\bAI\b/.test(text);

function aiTexts(card: AdaptiveCard, t: Translate): string[] {
  return withoutQuestions(textsOf(card), t).filter(claimsAi);
}

/** A rendered template as a pattern, with its numbers free: does the card show this figure at all? */
function figurePattern(t: Translate, key: 'session.checkin.average' | 'session.rate.average'): RegExp {
  const free = '\u0000';
  const text = t(key, { average: free, usefulness: free, feasibility: free, count: free, members: free });
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped.split(free).join('[0-9.,]+'));
}

const cardText = (card: AdaptiveCard) => textsOf(card).join('\n');

describe('averages of a few people are not shown as a number', () => {
  it(`keeps the threshold at ${AVERAGE_MIN_PEOPLE} (DESIGN.md) and the number out of the domain's hands below it`, () => {
    expect(AVERAGE_MIN_PEOPLE).toBe(3);
    for (const n of [1, 2]) {
      const energies = [5, 1, 3].slice(0, n);
      for (const state of [
        fold([opened('nl'), ...checkIns(energies)]),
        fold([opened('nl'), ...checkIns(energies), begun()]),
        fold([opened('nl'), ...checkIns(energies), closed]),
      ]) {
        const energy = averageEnergy(state);
        expect(energy.status).not.toBe('shown');
        expect(energy).toEqual({ status: expect.any(String), count: n });
      }
      const rated = [opened('nl'), ...toAiStage(false), ready('x1', ownDraft), move(3, 4), ...ratings(n)];
      for (const state of [fold(rated), fold([...rated, decided(ownDraft)]), fold([...rated, closed])]) {
        expect(averageRatings(state)).toEqual({ status: expect.any(String), count: n });
      }
    }
  });

  it('shows an average of three or more only once nobody can change theirs (differencing)', () => {
    const three = [opened('nl'), ...checkIns([2, 4, 5])];
    expect(averageEnergy(fold(three))).toEqual({ status: 'collecting', count: 3 });
    expect(averageEnergy(fold([...three, begun()]))).toEqual({ status: 'shown', count: 3, average: 3.7 });
    expect(averageEnergy(fold([...three, closed]))).toEqual({ status: 'shown', count: 3, average: 3.7 });
    const rated = [opened('nl'), ...toAiStage(false), ready('x1', ownDraft), move(3, 4), ...ratings(3)];
    expect(averageRatings(fold(rated))).toEqual({ status: 'collecting', count: 3 });
    expect(averageRatings(fold([...rated, decided(ownDraft)]))).toEqual({
      status: 'shown',
      count: 3,
      usefulness: 3.7,
      feasibility: 2.3,
    });
  });

  describe.each(locales)('on the cards (%s)', (locale) => {
    const t = translator(locale);
    const energyFigure = () => figurePattern(t, 'session.checkin.average');
    const ratingFigure = () => figurePattern(t, 'session.rate.average');

    it.each([1, 2])(
      'with %i check-in(s): kick-off, first stage, summary and stage view show the count only',
      (n) => {
        const energies = [5, 1].slice(0, n);
        const kickoff = fold([opened(locale), ...checkIns(energies)]);
        const first = fold([opened(locale), ...checkIns(energies), begun()]);
        const events = [opened(locale), ...checkIns(energies), ...toAiStage(false), ready('x1', ownDraft)];
        const summary = fold([...events, move(3, 4), ...ratings(n), decided(ownDraft), closed]);
        const cards = [kickoff, first, summary].flatMap((s) => [
          sessionCard(s, views(t, false)),
          stageViewCard(s, views(t, false)),
        ]);
        for (const card of cards) {
          expect(cardProblems(card)).toEqual([]);
          expect(cardText(card)).not.toMatch(energyFigure());
          expect(cardText(card)).not.toMatch(ratingFigure());
        }
        expect(cardText(sessionCard(kickoff, views(t, false)))).toContain(
          t('session.checkin.tooFew', { count: n, members: 5, min: 3 }),
        );
        expect(cardText(sessionCard(first, views(t, false)))).toContain(
          t('session.checkin.withheld', { count: n, members: 5 }),
        );
        const summaryText = cardText(sessionCard(summary, views(t, false)));
        expect(summaryText).toContain(t('session.checkin.withheld', { count: n, members: 5 }));
        expect(summaryText).toContain(t('session.rate.withheld', { count: n, members: 5 }));
      },
    );

    it.each([1, 2, 3])('with %i rating(s): the evaluation and the stage view show the count only', (n) => {
      const state = fold([
        opened(locale),
        ...toAiStage(false),
        ready('x1', ownDraft),
        move(3, 4),
        ...ratings(n),
      ]);
      for (const card of [sessionCard(state, views(t, false)), stageViewCard(state, views(t, false))]) {
        expect(cardProblems(card)).toEqual([]);
        expect(cardText(card)).not.toMatch(ratingFigure());
        expect(cardText(card)).toContain(
          n < 3
            ? t('session.rate.tooFew', { count: n, members: 5, min: 3 })
            : t('session.rate.open', { count: n, members: 5 }),
        );
      }
    });

    it('with three: the kick-off shows the count while people can still tap, then the average', () => {
      const three = [opened(locale), ...checkIns([2, 4, 5])];
      const kickoff = sessionCard(fold(three), views(t, false));
      expect(cardText(kickoff)).not.toMatch(energyFigure());
      expect(cardText(kickoff)).toContain(t('session.checkin.open', { count: 3, members: 5 }));
      const average = t('session.checkin.average', { average: 3.7, count: 3 });
      expect(cardText(sessionCard(fold([...three, begun()]), views(t, false)))).toContain(average);
      expect(cardText(sessionCard(fold([...three, closed]), views(t, false)))).toContain(average);
      const summary = fold([
        ...three,
        ...toAiStage(false),
        ready('x1', ownDraft),
        move(3, 4),
        ...ratings(3),
        decided(ownDraft),
      ]);
      const summaryText = cardText(sessionCard(summary, views(t, false)));
      expect(summaryText).toContain(average);
      expect(summaryText).toContain(
        t('session.rate.average', { usefulness: 3.7, feasibility: 2.3, count: 3, members: 5 }),
      );
      expect(cardProblems(sessionCard(summary, views(t, false)))).toEqual([]);
    });
  });
});

describe('"AI" only where a model wrote the text', () => {
  describe.each(locales)('%s', (locale) => {
    const t = translator(locale);
    const ownTitle = () => t('session.stage.progress', { n: 4, title: t('session.ownDraft.title') });

    /** Every state of the AI and evaluation stages, the summary and the kick-off, without a model. */
    function withoutModel(): SessionState[] {
      const kickoff = [opened(locale), ...checkIns([3, 4])];
      const ai = [...kickoff, ...toAiStage(false)];
      const evaluation = [...ai, ready('x1', ownDraft), move(3, 4)];
      return [
        fold(kickoff),
        fold(ai),
        fold([...ai, ready('x1', ownDraft)]),
        // A model failed before the service was restarted without one.
        fold([...kickoff, ...toAiStage(true), { type: 'draftFailed', at, attempt: 'x1', reason: 'timeout' }]),
        fold(evaluation),
        fold([...evaluation, ...ratings(4)]),
        fold([...evaluation, ...ratings(4), decided(ownDraft)]),
        fold([...evaluation, ...ratings(4), decided(ownDraft), closed]),
      ];
    }

    it('without a model: no card, stage view or stage name says AI', () => {
      for (const state of withoutModel()) {
        for (const card of [sessionCard(state, views(t, false)), stageViewCard(state, views(t, false))]) {
          expect(cardProblems(card)).toEqual([]);
          expect(aiTexts(card, t)).toEqual([]);
        }
        expect(claimsAi(currentStageTitle(state, views(t, false)))).toBe(false);
      }
      // The kick-off's settings name the stage by what it will be.
      const kickoff = sessionCard(withoutModel()[0]!, views(t, false));
      expect(cardText(kickoff)).toContain(
        t('session.settings.timebox', { stage: t('session.ownDraft.title') }),
      );
      const ai = sessionCard(withoutModel()[1]!, views(t, false));
      expect(cardText(ai)).toContain(ownTitle());
      expect(cardText(ai)).toContain(t('session.ownDraft.intro'));
      expect(cardText(ai)).toContain(t('session.draft.assembling'));
      expect(ai.fallbackText).toBe(
        t('session.fallback', { circle: 'Balie', stage: t('session.ownDraft.title') }),
      );
      expect(cardText(sessionCard(withoutModel()[2]!, views(t, false)))).toContain(
        t('session.draft.byContributions'),
      );
    });

    it('going on without AI with a model configured: only the offer to ask the model says AI', () => {
      const failed = [
        opened(locale),
        ...toAiStage(true),
        { type: 'draftFailed', at, attempt: 'x1', reason: 'unreachable' } as SessionEvent,
      ];
      // The failure is the model's: that card may name it, and offers to go on without.
      expect(aiTexts(sessionCard(fold(failed), views(t, true)), t)).not.toEqual([]);
      const own: SessionEvent[] = [
        ...failed,
        { type: 'draftRequested', at, by: ids[1]!, attempt: 'x2', withModel: false },
      ];
      const evaluation = [...own, ready('x2', ownDraft), move(3, 4), ...ratings(2)];
      const states = [
        fold(own),
        fold([...own, ready('x2', ownDraft)]),
        fold(evaluation),
        fold([...evaluation, decided(ownDraft)]),
        fold([...evaluation, decided(ownDraft), closed]),
      ];
      for (const state of states) {
        const card = sessionCard(state, views(t, true));
        expect(cardProblems(card)).toEqual([]);
        const offer =
          state.draft?.status === 'ready' && state.stageIndex === 3 ? [t('session.draft.askAi')] : [];
        // (The button's title appears twice: on Action.Execute and on its Action.Submit fallback.)
        expect([...new Set(aiTexts(card, t))]).toEqual(offer);
        const stage = stageViewCard(state, views(t, true));
        expect(cardProblems(stage)).toEqual([]);
        expect(aiTexts(stage, t)).toEqual([]);
        expect(claimsAi(currentStageTitle(state, views(t, true)))).toBe(false);
      }
      expect(cardText(sessionCard(states[0]!, views(t, true)))).toContain(ownTitle());
      expect(cardText(sessionCard(states[1]!, views(t, true)))).toContain(ownTitle());
    });

    it("a model's draft says so, with the model's name, on the card and the stage view", () => {
      const events = [opened(locale), ...toAiStage(true), ready('x1', modelDraft)];
      const byModel = t('session.draft.byAi', { model: 'gpt-test' });
      const stageTitle = frame.stages[3]!.title[locale];
      for (const state of [
        fold(events),
        fold([...events, move(3, 4)]),
        fold([...events, move(3, 4), decided(modelDraft)]),
      ]) {
        const card = sessionCard(state, views(t, true));
        const stage = stageViewCard(state, views(t, true));
        expect(cardProblems(card)).toEqual([]);
        expect(cardProblems(stage)).toEqual([]);
        expect(cardText(stage)).toContain(byModel);
        if (state.phase === 'stages') expect(cardText(card)).toContain(byModel);
      }
      const ai = sessionCard(fold(events), views(t, true));
      expect(cardText(ai)).toContain(t('session.stage.progress', { n: 4, title: stageTitle }));
      expect(currentStageTitle(fold(events), views(t, true))).toBe(stageTitle);
      // Still being written by the model: the frame's own title and intro.
      const drafting = sessionCard(fold([opened(locale), ...toAiStage(true)]), views(t, true));
      expect(cardText(drafting)).toContain(t('session.draft.drafting'));
      expect(cardText(drafting)).toContain(frame.stages[3]!.prompt[locale]);
    });
  });
});
