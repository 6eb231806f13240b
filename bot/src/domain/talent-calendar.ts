import { calendarTransactionId, type CalendarAttendee, type CalendarPort } from './calendar';
import {
  meetingInstants,
  type TalentConversation,
  type TalentConversationRepository,
} from './talent-conversation';

/**
 * A talent-development conversation as a calendar event with a Teams meeting for the manager and the
 * professional (Microsoft Graph configured). The conversation holds the plan (date, time, length and a
 * revision); what the calendar shows is kept apart in a TalentCalendarEntry, written only by the sync, so the
 * sync never competes with people's changes for the conversation's version (their cards stay valid).
 *
 * Decision: the event is organised by the service's organiser mailbox (GRAPH_ORGANIZER, as for the circles'
 * meetings) with both people invited, not by the manager's own mailbox: the app then needs calendar rights on
 * one mailbox only (an application access policy can keep it there), and both get the same invitation. A
 * change of date or time goes through the cards (or the tab); Outlook's "propose new time" is switched off.
 */
export interface TalentCalendarEntry {
  conversationId: string;
  tenantId: string;
  /** The event, once made (absent when the first attempt was refused). */
  eventId?: string | undefined;
  organizer?: string | undefined;
  joinUrl?: string | undefined;
  /** The revision of the conversation's meeting plan the event shows (0: no event yet). */
  revision: number;
  /**
   * The calendar refused the plan's revision `revision` for good (no permission, mailbox gone, a rejected
   * value): people are told, and a new date or time tries again.
   */
  failure?: { code: string; revision: number } | undefined;
  updatedAt: string;
}

export interface TalentCalendarRepository {
  get(conversationId: string): Promise<TalentCalendarEntry | undefined>;
  /** Upsert; a concurrent sync's older revision never overwrites a newer one. */
  save(entry: TalentCalendarEntry): Promise<void>;
  remove(conversationId: string): Promise<void>;
}

export interface TalentMeetingTexts {
  subject: string;
  bodyHtml: string;
  attendees: CalendarAttendee[];
}

export type TalentCalendarResult = 'created' | 'updated' | 'cancelled' | 'unchanged';

/** How often one sync follows a plan that changed while it was writing the previous one to the calendar. */
const MAX_ROUNDS = 3;

export class TalentCalendar {
  constructor(
    private readonly conversations: Pick<TalentConversationRepository, 'get'>,
    private readonly entries: TalentCalendarRepository,
    private readonly calendar: CalendarPort,
    private readonly options: { organizer: string; clock: () => Date },
  ) {}

  entry(conversationId: string): Promise<TalentCalendarEntry | undefined> {
    return this.entries.get(conversationId);
  }

  /**
   * Brings the calendar in line with the conversation: creates the event once (Graph's transactionId makes a
   * repeated create return the first one), moves it when the plan's revision moved on, and cancels it when
   * the conversation is gone (erased) or cancelled. A held conversation keeps its event. Safe to run twice,
   * also at once. Calendar errors propagate (the job that runs this retries).
   */
  async sync(
    conversationId: string,
    texts: { describe(c: TalentConversation): Promise<TalentMeetingTexts>; cancelComment: string },
  ): Promise<TalentCalendarResult> {
    let result: TalentCalendarResult = 'unchanged';
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const [conversation, entry] = await Promise.all([
        this.conversations.get(conversationId),
        this.entries.get(conversationId),
      ]);
      if (!conversation || conversation.status === 'cancelled') {
        if (!entry?.eventId || !entry.organizer) {
          if (entry) await this.entries.remove(conversationId);
          return result;
        }
        await this.calendar.cancelEvent(entry.organizer, entry.eventId, texts.cancelComment);
        await this.entries.remove(conversationId);
        return 'cancelled';
      }
      const meeting = conversation.meeting;
      if (!meeting && entry && conversation.status === 'planned') {
        // The meeting was taken off the plan (another manager): the event goes.
        if (entry.eventId && entry.organizer)
          await this.calendar.cancelEvent(entry.organizer, entry.eventId, texts.cancelComment);
        await this.entries.remove(conversationId);
        return 'cancelled';
      }
      const at = meetingInstants(conversation);
      if (
        conversation.status !== 'planned' ||
        !meeting ||
        !at ||
        !conversation.managerAadObjectId ||
        at.start.getTime() <= this.options.clock().getTime() ||
        (entry?.eventId && entry.revision >= meeting.revision)
      )
        return result;
      const now = this.options.clock().toISOString();
      if (!entry?.eventId || !entry.organizer) {
        const described = await texts.describe(conversation);
        const created = await this.calendar.createEvent({
          organizer: this.options.organizer,
          subject: described.subject,
          bodyHtml: described.bodyHtml,
          start: at.start,
          end: at.end,
          timeZone: meeting.timeZone,
          attendees: described.attendees,
          // One event per planned meeting: a create sent again returns it; a meeting planned anew after the
          // previous one was cancelled (another manager) is another event.
          transactionId: calendarTransactionId(`talent:${conversation.id}:${meeting.plannedAt}`),
        });
        await this.entries.save({
          conversationId,
          tenantId: conversation.tenantId,
          eventId: created.eventId,
          organizer: this.options.organizer,
          joinUrl: created.joinUrl,
          revision: meeting.revision,
          updatedAt: now,
        });
        result = 'created';
      } else {
        await this.calendar.updateEvent(entry.organizer, entry.eventId, {
          start: at.start,
          end: at.end,
          timeZone: meeting.timeZone,
        });
        await this.entries.save({ ...entry, revision: meeting.revision, failure: undefined, updatedAt: now });
        if (result === 'unchanged') result = 'updated';
      }
    }
    return result;
  }

  /** The calendar refused the current plan for good: recorded, so cards and the tab can say so. */
  async recordFailure(conversationId: string, code: string): Promise<void> {
    const [conversation, entry] = await Promise.all([
      this.conversations.get(conversationId),
      this.entries.get(conversationId),
    ]);
    if (!conversation?.meeting) return;
    await this.entries.save({
      ...(entry ?? { conversationId, tenantId: conversation.tenantId, revision: 0 }),
      failure: { code, revision: conversation.meeting.revision },
      updatedAt: this.options.clock().toISOString(),
    });
  }
}
