import { translator } from '../../bot/src/cards/i18n';
import type { ManagerSummary, TalentConversation } from '../../bot/src/domain/talent-conversation';
import {
  formatMeeting,
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

  it.each(['nl', 'en'] as const)(
    'show a Teams meeting in the reader’s own zone, with the join button and the form to change it (%s)',
    (locale) => {
      const t = translator(locale);
      const withMeeting: TalentConversation = {
        ...conversation,
        meeting: {
          time: '10:30',
          minutes: 45,
          timeZone: 'Europe/Amsterdam',
          revision: 2,
          plannedAt: '2026-11-26T00:00:00.000Z',
        },
      };
      const entry = {
        conversationId: conversation.id,
        tenantId: 't',
        eventId: 'e1',
        organizer: 'planner@contoso.nl',
        joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
        revision: 2,
        updatedAt: '2026-11-26T00:00:00.000Z',
      };
      const nudge = managerNudgeCard(t, locale, {
        conversation: withMeeting,
        summary,
        daysBefore: 7,
        tabLink: 'https://x/tab/',
        today: '2026-11-26',
        meeting: { canPlan: true, entry, timeZone: 'America/New_York' },
      });
      const prep = preparationCard(t, locale, {
        conversation: withMeeting,
        summary,
        managerName: 'Ruben',
        tabLink: 'https://x/tab/',
        noteId: '6f1c1c52-5a36-4c43-9a55-3c1f1b0c1d2e',
        // The calendar has not caught up with revision 3 yet: the invitation is still on its way.
        meeting: { canPlan: true, entry: { ...entry, revision: 1 }, timeZone: 'Europe/Amsterdam' },
      });
      for (const card of [nudge, prep]) expect(cardProblems(card)).toEqual([]);
      // 10:30 in Amsterdam is 04:30 in New York (both on summer time on 26 May).
      expect(JSON.stringify(nudge)).toContain('04:30–05:15');
      expect(JSON.stringify(nudge)).toContain(entry.joinUrl);
      expect(JSON.stringify(nudge)).toContain('"verb":"talent.meeting"');
      expect(JSON.stringify(prep)).toContain('10:30–11:15');
      expect(JSON.stringify(prep)).toContain(
        t('talent.meeting.pending', { when: formatMeeting(withMeeting, locale, 'Europe/Amsterdam')! }),
      );
      // The calendar refused revision 2 for good: the card says so, shows no join button, and offers the form.
      const refused = managerNudgeCard(t, locale, {
        conversation: withMeeting,
        summary,
        daysBefore: 7,
        tabLink: 'https://x/tab/',
        today: '2026-11-26',
        meeting: {
          canPlan: true,
          entry: {
            conversationId: conversation.id,
            tenantId: 't',
            revision: 0,
            failure: { code: 'CALENDAR_FORBIDDEN', revision: 2 },
            updatedAt: '2026-11-26T00:00:00.000Z',
          },
          timeZone: 'Europe/Amsterdam',
        },
      });
      expect(cardProblems(refused)).toEqual([]);
      expect(JSON.stringify(refused)).toContain(
        t('talent.meeting.failed', { when: formatMeeting(withMeeting, locale, 'Europe/Amsterdam')! }),
      );
      expect(JSON.stringify(refused)).not.toContain('meetup-join');
      expect(JSON.stringify(refused)).toContain('"verb":"talent.meeting"');
      // Without Graph: no form to plan one.
      const plain = managerNudgeCard(t, locale, {
        conversation,
        summary,
        daysBefore: 7,
        tabLink: 'https://x/tab/',
        today: '2026-11-26',
      });
      expect(JSON.stringify(plain)).not.toContain('talent.meeting');
    },
  );
});
