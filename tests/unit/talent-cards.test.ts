import { translator } from '../../bot/src/cards/i18n';
import type { ManagerSummary, TalentConversation } from '../../bot/src/domain/talent-conversation';
import {
  heldReminderCard,
  managerNudgeCard,
  preparationCard,
} from '../../bot/src/features/talent/talent.card';
import { cardProblems } from '../support/cards';

const conversation: TalentConversation = {
  id: 't:abc:1',
  tenantId: 't',
  professionalAadObjectId: 'p',
  managerAadObjectId: 'm',
  seq: 1,
  dueDate: '2027-05-26',
  status: 'planned',
  wishes: 'Over *mijn* [groei](http://x)',
  version: 3,
  createdAt: '2026-11-26T00:00:00.000Z',
  updatedAt: '2026-11-26T00:00:00.000Z',
};
const summary: ManagerSummary = {
  name: 'Sanne **Smit**',
  minutesUsed: 605,
  hoursMadeAvailable: 80,
  activeWeeks: 3,
  activeWeeksTarget: 20,
  validatedProposals: [{ title: 'Warme overdracht', createdAt: '2026-11-20T10:00:00.000Z' }],
  sharedNotes: [{ text: 'Ik presenteer rustiger', updatedAt: '2026-11-21T10:00:00.000Z' }],
};

/** Every talent card in both languages is valid Adaptive Card JSON, with typed text kept out of markdown. */
describe('talent cards', () => {
  it.each(['nl', 'en'] as const)(
    'are valid, and carry the conversation and its version on every button (%s)',
    (locale) => {
      const t = translator(locale);
      const cards = [
        managerNudgeCard(t, locale, {
          conversation,
          summary,
          daysBefore: 7,
          tabLink: 'https://x/tab/',
          today: '2026-11-26',
        }),
        managerNudgeCard(t, locale, {
          conversation,
          summary,
          daysBefore: 1,
          tabLink: 'https://x/tab/',
          today: '2026-11-26',
        }),
        preparationCard(t, locale, {
          conversation,
          summary,
          managerName: 'Ruben',
          tabLink: 'https://x/tab/',
          noteId: '6f1c1c52-5a36-4c43-9a55-3c1f1b0c1d2e',
        }),
        heldReminderCard(t, locale, { conversation, name: 'Sanne Smit', today: '2027-05-28' }),
      ];
      for (const card of cards) {
        expect(cardProblems(card)).toEqual([]);
        const json = JSON.stringify(card);
        expect(json).toContain('"conversationId":"t:abc:1","version":3');
        // Names and own words only in TextRuns: never in a markdown TextBlock.
        for (const element of card.body) {
          if (element.type === 'TextBlock') expect(String(element.text)).not.toMatch(/Smit|groei/);
        }
      }
      expect(JSON.stringify(cards[0])).toContain('10.1');
      expect(JSON.stringify(cards[3])).toContain('"value":"2027-05-26"');
    },
  );
});
