import { ALL_COMMANDS } from '../../bot/src/cards/commands';
import { translator } from '../../bot/src/cards/i18n';
import { cardProblems } from '../support/cards';
import type { AdaptiveCard } from '../../bot/src/cards/adaptive-card';
import type { Locale } from '../../bot/src/domain/locale';
import { VERBS } from '../../bot/src/cards/verbs';
import type { LearningSuggestion } from '../../bot/src/domain/learning-suggestion';
import { checkPlan } from '../../bot/src/domain/traject';
import { composeCard, defaultValues, summaryCard } from '../../bot/src/features/traject/traject.card';
import { helpCard } from '../../bot/src/features/help/help.card';
import { addCard, circleCard, formCard } from '../../bot/src/features/circles/circle.card';
import type { Circle } from '../../bot/src/domain/circle';
import { planRhythm } from '../../bot/src/domain/cycle-calendar';
import {
  manageCycleCard,
  planConfirmedCard,
  planFormCard,
  planPreviewCard,
} from '../../bot/src/features/cycles/plan.card';
import { groupIntroCard, welcomeCard } from '../../bot/src/features/welcome/welcome.card';

const validate = (card: AdaptiveCard): string[] => cardProblems(card);

function texts(card: AdaptiveCard): string {
  return JSON.stringify(card.body);
}

const locales: Locale[] = ['nl', 'en'];

const roster = ['Anna *de* Wit', 'Bas', 'Cem', 'Dewi'].map((name, i) => ({
  aadObjectId: `0000000${i}-0000-4000-8000-000000000000`,
  name,
}));
const circle: Circle = {
  id: 'c1',
  tenantId: 't',
  name: 'Zorg [team](http://x)',
  locale: 'nl',
  timeZone: 'Europe/Amsterdam',
  chat: {
    conversationId: '19:x@thread.v2',
    conversationType: 'groupChat',
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/',
    botId: '28:b',
    botName: 'W',
  },
  members: roster.slice(0, 2),
  createdBy: roster[0]!.aadObjectId,
  lastSubmissionId: 's',
  status: 'formed',
  version: 2,
  createdAt: new Date(),
  updatedAt: new Date(),
};

const suggestion: LearningSuggestion = {
  questions: [3, 9],
  learning: [
    { kind: 'podcast', idea: 'Een podcast over AI in het werk' },
    { kind: 'expert', idea: '[link](http://x) *bold*' },
  ],
  why: 'Past bij je leerbehoeften.',
  model: 'gpt-4o-mini',
  promptVersion: 'traject-suggestion/1',
  suggestedAt: '2026-11-26T10:00:00.000Z',
};

describe.each(locales)('cards in %s', (locale) => {
  const t = translator(locale);
  const cards: [string, AdaptiveCard][] = [
    ['welcome', welcomeCard(t, 'Sanne de Vries')],
    ['welcome without a name', welcomeCard(t, undefined)],
    ['group introduction', groupIntroCard(t)],
    ['help', helpCard(t, locale, ALL_COMMANDS)],
    [
      'traject compose (empty)',
      composeCard(t, {
        values: defaultValues('2026-11-26'),
        version: 0,
        submissionId: '9b2c7a4e-1f0d-4c3b-8a6e-5d4f3e2a1b0c',
        peoplePicker: false,
      }),
    ],
    ...(
      [
        ['idle', { state: 'idle' }],
        ['pending', { state: 'pending' }],
        ['offered', { state: 'offered', suggestion }],
        ['failed', { state: 'failed', reason: 'timeout' }],
        ['needing words', { state: 'failed', reason: 'needWords' }],
      ] as const
    ).map(([name, ai]): [string, AdaptiveCard] => [
      `traject compose with an AI suggestion ${name}`,
      composeCard(t, {
        values: defaultValues('2026-11-26'),
        version: 0,
        submissionId: '9b2c7a4e-1f0d-4c3b-8a6e-5d4f3e2a1b0c',
        peoplePicker: false,
        ai,
        taken: name === 'idle' ? suggestion : undefined,
        locale,
      }),
    ]),
    [
      'plan form',
      planFormCard(t, locale, circle, {
        values: {
          week: '2027-04-26',
          startDay: 'auto',
          time: '09:00',
          cycles: '2',
          everyWeeks: '2',
          pauseFrom: '',
          pauseTo: '',
        },
        planned: [],
        hint: 'x',
        refusal: 'plan.refused.invalid_time',
      }),
    ],
    (() => {
      const plan = planRhythm({
        firstWeek: '2027-04-26',
        everyWeeks: 1,
        cycles: 2,
        timeOfDay: '09:00',
        now: new Date('2026-11-26T10:00:00Z'),
      });
      if (!plan.ok) throw new Error('plan expected');
      const values = {
        week: '2027-04-26',
        startDay: 'auto',
        time: '09:00',
        cycles: '2',
        everyWeeks: '1',
        pauseFrom: '',
        pauseTo: '',
      };
      return [
        'plan preview with a skipped week',
        planPreviewCard(t, locale, circle, {
          cycles: plan.cycles,
          skipped: plan.skipped,
          complete: false,
          values,
          submissionId: 's',
        }),
      ] as [string, AdaptiveCard];
    })(),
    (() => {
      const plan = planRhythm({
        firstWeek: '2027-05-10',
        everyWeeks: 1,
        cycles: 1,
        timeOfDay: '09:00',
        now: new Date('2026-11-26T10:00:00Z'),
      });
      if (!plan.ok) throw new Error('plan expected');
      const proposal = plan.cycles[0]!;
      const cycle = {
        id: 'c',
        tenantId: 't',
        circleId: 'c1',
        circleName: 'X',
        memberAadObjectIds: [],
        weekStart: proposal.week,
        status: 'planned' as const,
        timeZone: proposal.timeZone,
        timeOfDay: '09:00',
        durationMinutes: 60,
        planSubmissionId: 's',
        version: 3,
        createdAt: new Date(),
        updatedAt: new Date(),
        sessions: proposal.sessions.map((x, i) => ({
          ...x,
          status: i === 1 ? ('cancelled' as const) : ('planned' as const),
          sequence: 0,
        })),
      };
      return [
        'plan: manage a cycle',
        manageCycleCard(t, locale, circle, cycle, {
          now: new Date('2026-11-26T10:00:00Z'),
          notice: 'plan.refused.day_taken',
          calendarLink: 'https://x.example/a.ics',
        }),
      ] as [string, AdaptiveCard];
    })(),
    [
      'plan confirmed',
      planConfirmedCard(t, locale, circle, {
        cycles: [],
        alreadyPlanned: ['2027-05-03'],
        calendarLink: () => 'https://x.example/a.ics',
        graph: false,
      }),
    ],
    ['circle form', formCard(t, { roster, values: { name: '', members: '', locale }, submissionId: 's' })],
    [
      'circle form with problems',
      formCard(t, {
        roster,
        values: { name: 'x', members: roster[0]!.aadObjectId, locale },
        submissionId: 's',
        problems: [
          { code: 'too_few', min: 3 },
          { code: 'name_taken' },
          { code: 'too_many_circles', names: ['Bas'], max: 2 },
        ],
      }),
    ],
    ['circle (below the minimum)', circleCard(t, circle, { notices: ['x'] })],
    ['circle add', addCard(t, circle, { candidates: roster.slice(2), submissionId: 's' })],
    [
      'traject compose with problems',
      composeCard(t, {
        values: { ...defaultValues('2026-11-26'), durationMonths: '0', questions: '' },
        version: 3,
        submissionId: '9b2c7a4e-1f0d-4c3b-8a6e-5d4f3e2a1b0c',
        peoplePicker: true,
        problems: checkPlan(
          {
            startDate: 'x',
            durationMonths: 0,
            activeWeeksTarget: 20,
            hoursPerWeek: 4,
            questions: [],
            talents: '',
            learningNeeds: 'y'.repeat(2001),
          },
          '2026-11-26',
        ),
      }),
    ],
    [
      'traject summary',
      summaryCard(
        t,
        locale,
        {
          id: 'x',
          tenantId: 't',
          ownerAadObjectId: 'a',
          startDate: '2026-12-01',
          durationMonths: 6,
          activeWeeksTarget: 20,
          hoursPerWeek: 4,
          questions: [1, 9, 10],
          talents: 'Luisteren *goed*',
          learningNeeds: '',
          version: 2,
          lastSubmissionId: undefined,
          createdAt: new Date(),
          updatedAt: new Date(),
          aiSuggestion: suggestion,
        },
        { activeWeeks: 3, minutesUsed: 690, proposals: 2 },
        'traject.saved',
      ),
    ],
  ];

  it.each(cards)(
    '%s is a valid Adaptive Card 1.5 with text for screen readers and old clients',
    (_name, card) => {
      expect(validate(card)).toEqual([]);
      expect(card.version).toBe('1.5');
      expect(card.fallbackText.length).toBeGreaterThan(10);
      expect(card.speak?.length ?? 0).toBeGreaterThan(10);
    },
  );

  it("shows the AI model's words only as TextRuns, where markdown and links do not apply", () => {
    const card = composeCard(t, {
      values: defaultValues('2026-11-26'),
      version: 0,
      submissionId: '9b2c7a4e-1f0d-4c3b-8a6e-5d4f3e2a1b0c',
      peoplePicker: false,
      ai: { state: 'offered', suggestion },
    });
    const json = JSON.stringify(card);
    expect(json).toMatch(/"type":"TextRun","text":"[^"]*\[link\]\(http:\/\/x\) \*bold\*"/);
    expect(json).not.toMatch(/"type":"TextBlock","text":"[^"]*\[link\]/);
    expect(json).toContain(t('traject.ai.madeBy', { model: 'gpt-4o-mini' }));
  });

  it("puts the person's name in a TextRun, where markdown does not apply", () => {
    const card = welcomeCard(t, '*Bold* [link](http://x)');
    const runs = card.body.filter((e) => e.type === 'RichTextBlock');
    expect(JSON.stringify(runs)).toContain('*Bold* [link](http://x)');
    const textBlocks = card.body.filter((e) => e.type === 'TextBlock');
    expect(JSON.stringify(textBlocks)).not.toContain('*Bold*');
  });

  it('lists every command in the help card in this language', () => {
    const card = helpCard(t, locale, ALL_COMMANDS);
    for (const command of ALL_COMMANDS) {
      expect(texts(card)).toContain(command.words[locale][0]);
      expect(texts(card)).toContain(t(command.description));
    }
  });

  it('gives the welcome and introduction cards a button that asks for help by verb', () => {
    for (const card of [welcomeCard(t, 'Sanne'), groupIntroCard(t)]) {
      expect(card.actions).toEqual([
        { type: 'Action.Submit', title: t('welcome.action.help'), data: { verb: VERBS.showHelp } },
      ]);
    }
  });
});

describe('card validation', () => {
  it('catches a broken card, so the checks above can fail', () => {
    const broken = {
      ...welcomeCard(translator('nl'), 'X'),
      body: [{ type: 'TextBlock', text: 'x', size: 'Gigantic' }],
    };
    expect(validate(broken as AdaptiveCard).length).toBeGreaterThan(0);
  });
});
