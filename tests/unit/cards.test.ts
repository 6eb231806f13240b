import { ALL_COMMANDS } from '../../bot/src/cards/commands';
import { translator } from '../../bot/src/cards/i18n';
import type * as AdaptiveCards from 'adaptivecards';
import type { AdaptiveCard } from '../../bot/src/cards/adaptive-card';
import type { Locale } from '../../bot/src/domain/locale';
import { VERBS } from '../../bot/src/cards/verbs';
import { checkPlan } from '../../bot/src/domain/traject';
import { composeCard, defaultValues, summaryCard } from '../../bot/src/features/traject/traject.card';
import { helpCard } from '../../bot/src/features/help/help.card';
import { groupIntroCard, welcomeCard } from '../../bot/src/features/welcome/welcome.card';

// The Adaptive Cards SDK's own parser (the library Teams' renderers are built on), in its CommonJS build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

function validate(card: AdaptiveCard): string[] {
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`${event.phase}: ${event.message}`);
  }
  const validation = parsed.validateProperties();
  for (const event of validation.validationEvents) problems.push(event.message);
  return problems;
}

function texts(card: AdaptiveCard): string {
  return JSON.stringify(card.body);
}

const locales: Locale[] = ['nl', 'en'];

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
