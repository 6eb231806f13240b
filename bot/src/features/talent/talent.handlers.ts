import { MessageFactory, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { z } from 'zod/v4';
import { toAttachment, type AdaptiveCard } from '../../cards/adaptive-card';
import { translator, type MessageKey } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import { LEDGER_LIMITS } from '../../domain/ledger';
import type { TalentConversation } from '../../domain/talent-conversation';
import type { TalentOutcome } from '../../domain/talent-conversation.service';
import { localeOf, tenantIdOf, turnLogger } from '../shared/activity';
import type { FeatureDeps } from '../shared/deps';
import { formatDate, formatMeeting, talentMessageCard } from './talent.card';
import { scheduleSnooze, scheduleTalentCalendar, scheduleTalentJobs, type TalentDeps } from './talent-jobs';

const base = z.object({
  conversationId: z.string().min(3).max(300),
  version: z.union([z.string().regex(/^\d{1,9}$/), z.number().int().min(0)]).transform(Number),
});
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const moveData = base.extend({ date: isoDate });
const heldData = base.extend({ heldOn: isoDate, agreements: z.string().max(20_000).optional().default('') });
const wishesData = base.extend({ wishes: z.string().max(20_000).optional().default('') });
// The form's fields have names of their own: it sits on the same card as the "another date" form.
const meetingData = base.extend({
  meetingDate: isoDate,
  meetingTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  meetingMinutes: z.union([z.string().regex(/^\d{1,3}$/), z.number().int()]).transform(Number),
});
const noteData = base.extend({
  noteId: z.string().uuid(),
  note: z.string().max(20_000).optional().default(''),
});

/**
 * The buttons of the talent-development cards: another date (either side), snooze and "held" (the manager),
 * what to discuss (the professional). Identity comes from the activity; the conversation id on the card is
 * only a pointer, checked against the tenant and the person.
 */
export function registerTalent(
  app: Application<TurnState>,
  deps: FeatureDeps & { talent: TalentDeps },
): void {
  const talent = deps.talent;
  const locale = (context: TurnContext) => localeOf(context.activity, deps.defaultLocale);
  const reply = (context: TurnContext, key: MessageKey, params?: Record<string, string | number>) =>
    talentMessageCard(translator(locale(context)), key, params);

  const refusal = (context: TurnContext, outcome: Extract<TalentOutcome, { kind: 'refused' }>) =>
    reply(context, `talent.problem.${outcome.problem}`);

  /** Who acts, on a conversation of their own tenant; undefined (and a card saying why) otherwise. */
  const who = (context: TurnContext, conversationId: string): string | undefined => {
    const tenantId = tenantIdOf(context.activity);
    const aad = context.activity.from?.aadObjectId;
    if (!tenantId || !aad || !conversationId.startsWith(`${tenantId}:`)) return undefined;
    return aad;
  };

  /** A new date or time: the nudges follow, and so does the calendar event when there is one. */
  const afterPlanChange = async (conversation: TalentConversation, previous: TalentConversation) => {
    await scheduleTalentJobs(talent, conversation, previous);
    if (conversation.meeting)
      await scheduleTalentCalendar(talent, conversation.id, `v${conversation.version}`);
  };

  const handlers: Record<string, (context: TurnContext, raw: unknown) => Promise<AdaptiveCard>> = {
    [VERBS.talentMove]: async (context, raw) => {
      const data = moveData.safeParse(raw);
      if (!data.success) return reply(context, 'talent.badData');
      const by = who(context, data.data.conversationId);
      if (!by) return reply(context, 'talent.problem.not_found');
      const outcome = await talent.talents.move(
        data.data.conversationId,
        by,
        data.data.version,
        data.data.date,
      );
      if (outcome.kind === 'refused') return refusal(context, outcome);
      if (outcome.kind === 'changed') await afterPlanChange(outcome.conversation, outcome.previous);
      const c = outcome.conversation;
      return reply(context, 'talent.done.moved', { date: formatDate(c.dueDate, locale(context)) });
    },
    [VERBS.talentMeeting]: async (context, raw) => {
      const data = meetingData.safeParse(raw);
      if (!data.success) return reply(context, 'talent.badData');
      const by = who(context, data.data.conversationId);
      const tenantId = tenantIdOf(context.activity);
      if (!by || !tenantId || !talent.calendar) return reply(context, 'talent.problem.not_found');
      // The time is meant in the zone of whoever sets it.
      const actor = await talent.professionals.find(tenantId, by);
      const timeZone = actor?.timeZone ?? talent.timing.defaultTimeZone;
      const outcome = await talent.talents.setMeeting(data.data.conversationId, by, data.data.version, {
        date: data.data.meetingDate,
        time: data.data.meetingTime,
        minutes: data.data.meetingMinutes,
        timeZone,
      });
      if (outcome.kind === 'refused') return refusal(context, outcome);
      if (outcome.kind === 'changed') await afterPlanChange(outcome.conversation, outcome.previous);
      return reply(context, 'talent.done.meeting', {
        when: formatMeeting(outcome.conversation, locale(context), timeZone) ?? '',
      });
    },
    [VERBS.talentHeld]: async (context, raw) => {
      const data = heldData.safeParse(raw);
      if (!data.success) return reply(context, 'talent.badData');
      const by = who(context, data.data.conversationId);
      if (!by) return reply(context, 'talent.problem.not_found');
      const outcome = await talent.talents.markHeld(data.data.conversationId, by, data.data.version, {
        heldOn: data.data.heldOn,
        agreements: data.data.agreements,
      });
      if (outcome.kind === 'refused') return refusal(context, outcome);
      const held = outcome.conversation;
      if (outcome.kind === 'changed') await scheduleTalentJobs(talent, held, outcome.previous);
      // The next one, six months on (planned once however often this is pressed).
      const traject = await talent.trajects.find({
        tenantId: held.tenantId,
        aadObjectId: held.professionalAadObjectId,
      });
      const next = await talent.talents.ensurePlanned({
        tenantId: held.tenantId,
        professionalAadObjectId: held.professionalAadObjectId,
        managerAadObjectId: held.managerAadObjectId,
        trajectStart: traject?.startDate ?? held.dueDate,
      });
      if (next.created) await scheduleTalentJobs(talent, next.conversation);
      turnLogger(context, deps.logger).info({ conversationId: held.id }, 'talent conversation held');
      return reply(context, 'talent.done.held', {
        date: formatDate(held.heldOn ?? held.dueDate, locale(context)),
        next: formatDate(next.conversation.dueDate, locale(context)),
      });
    },
    [VERBS.talentSnooze]: async (context, raw) => {
      const data = base.safeParse(raw);
      if (!data.success) return reply(context, 'talent.badData');
      const by = who(context, data.data.conversationId);
      const conversation = by ? await talent.talents.get(data.data.conversationId) : undefined;
      if (!by || !conversation) return reply(context, 'talent.problem.not_found');
      if (conversation.managerAadObjectId !== by.toLowerCase())
        return reply(context, 'talent.problem.not_manager');
      if (conversation.status !== 'planned') return reply(context, 'talent.problem.not_planned');
      const manager = await talent.professionals.find(conversation.tenantId, by);
      await scheduleSnooze(talent, conversation, manager);
      return reply(context, 'talent.done.snoozed');
    },
    [VERBS.talentWishes]: async (context, raw) => {
      const data = wishesData.safeParse(raw);
      if (!data.success) return reply(context, 'talent.badData');
      const by = who(context, data.data.conversationId);
      if (!by) return reply(context, 'talent.problem.not_found');
      const outcome = await talent.talents.setWishes(data.data.conversationId, by, data.data.wishes);
      return outcome.kind === 'refused' ? refusal(context, outcome) : reply(context, 'talent.done.wishes');
    },
    [VERBS.talentNote]: async (context, raw) => {
      const data = noteData.safeParse(raw);
      if (!data.success) return reply(context, 'talent.badData');
      const by = who(context, data.data.conversationId);
      const conversation = by ? await talent.talents.get(data.data.conversationId) : undefined;
      if (!by || !conversation) return reply(context, 'talent.problem.not_found');
      if (conversation.professionalAadObjectId !== by.toLowerCase())
        return reply(context, 'talent.problem.not_party');
      // A development note shared with the manager, as in the tab; the card's id makes a resend record it once.
      const outcome = await talent.ledger.addNote(
        { tenantId: conversation.tenantId, aadObjectId: by },
        { id: data.data.noteId, text: data.data.note, sharedWithManager: true },
      );
      if (outcome.kind === 'invalid')
        return reply(context, 'talent.problem.note', { max: LEDGER_LIMITS.noteMaxLength });
      if (outcome.kind === 'conflict') return reply(context, 'talent.problem.stale');
      return reply(context, 'talent.done.note');
    },
  };

  for (const [verb, handler] of Object.entries(handlers)) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => handler(context, data));
    app.adaptiveCards.actionSubmit(verb, async (context, _state, data) => {
      await context.sendActivity(MessageFactory.attachment(toAttachment(await handler(context, data))));
    });
  }
}

/**
 * After a traject is saved: the professional's open conversation is planned (or its manager brought up to
 * date) and its nudges scheduled. Safe to run on every save and replay.
 */
export async function planTalentConversation(
  talent: TalentDeps,
  owner: { tenantId: string; aadObjectId: string },
  trajectStart: string,
  managerAadObjectId: string | undefined,
): Promise<void> {
  const { conversation, previous } = await talent.talents.ensurePlanned({
    tenantId: owner.tenantId,
    professionalAadObjectId: owner.aadObjectId,
    managerAadObjectId,
    trajectStart,
  });
  await scheduleTalentJobs(talent, conversation);
  // Another manager: a Teams meeting planned with the previous one is cancelled.
  if (previous?.meeting) await scheduleTalentCalendar(talent, conversation.id, `v${conversation.version}`);
}
