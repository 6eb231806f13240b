import { MessageFactory, TeamsInfo, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { z } from 'zod/v4';
import {
  adaptiveCard,
  executeAction,
  heading,
  paragraph,
  plainText,
  toAttachment,
  type AdaptiveCard,
} from '../../cards/adaptive-card';
import { COMMANDS, commandPattern } from '../../cards/commands';
import { translator, type MessageKey, type Translate } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import type { Circle } from '../../domain/circle';
import type { PlannedCycle } from '../../domain/cycle-planner.service';
import type { Locale } from '../../domain/locale';
import type { MeetingChat } from '../../domain/meeting-link';
import { formatWeek } from '../cycles/plan.card';
import { botWasAdded, localeOf, meetingIdOf, tenantIdOf, turnLogger } from '../shared/activity';
import type { FeatureDeps } from '../shared/deps';

const linkData = z.object({ circleId: z.string().uuid() });

function linkedCard(
  t: Translate,
  locale: Locale,
  circle: Circle,
  cycle: PlannedCycle | undefined,
): AdaptiveCard {
  const title = t('meeting.linked.title', { circle: circle.name });
  return adaptiveCard({
    fallbackText: title,
    speak: title,
    body: [
      plainText(title, { weight: 'Bolder', size: 'Large' }),
      ...(cycle ? [paragraph(t('meeting.linked.cycle', { week: formatWeek(cycle.weekStart, locale) }))] : []),
      paragraph(t('meeting.linked.body')),
    ],
  });
}

function chooseCard(t: Translate, circles: readonly Circle[]): AdaptiveCard {
  const title = t('meeting.choose.title');
  return adaptiveCard({
    fallbackText: title,
    speak: title,
    body: [
      heading(title),
      paragraph(t('meeting.choose.intro')),
      {
        type: 'Input.ChoiceSet',
        id: 'circleId',
        label: t('meeting.choose.field'),
        isRequired: true,
        errorMessage: t('meeting.choose.field'),
        value: circles[0]?.id ?? '',
        choices: circles.map((c) => ({ title: c.name, value: c.id })),
      },
    ],
    actions: [executeAction(t('meeting.choose.action'), VERBS.meetingLink, {}, { style: 'positive' })],
  });
}

/**
 * The bot in a Teams meeting's chat: when the app is added to the meeting, it finds which circle (and cycle)
 * the meeting belongs to by its join URL, or asks a member; the link is what later lets it post the session
 * cards in this chat.
 */
export function registerMeetings(app: Application<TurnState>, deps: FeatureDeps): void {
  const where = (context: TurnContext) => {
    const activity = context.activity;
    const tenantId = tenantIdOf(activity);
    const meetingId = meetingIdOf(activity);
    if (!tenantId || !meetingId) return undefined;
    const chat: MeetingChat = {
      conversationId: activity.conversation.id,
      serviceUrl: activity.serviceUrl,
      channelId: activity.channelId,
      botId: activity.recipient.id,
      botName: activity.recipient.name,
    };
    return { tenantId, meetingId, chat };
  };
  const message = (t: Translate, key: MessageKey) =>
    adaptiveCard({ fallbackText: t(key), body: [paragraph(t(key))] });

  /** The meeting's join URL and title from Teams (`GET v1/meetings/{id}`); undefined when Teams will not say. */
  const meetingInfo = async (context: TurnContext, meetingId: string) => {
    try {
      const info = await TeamsInfo.getMeetingInfo(context, meetingId);
      return { joinUrl: info.details?.joinUrl, title: info.details?.title };
    } catch (err) {
      turnLogger(context, deps.logger).warn({ err }, 'meeting details unavailable');
      return { joinUrl: undefined, title: undefined };
    }
  };

  /** Links by join URL when a planned session has it; otherwise asks which of the person's circles it is. */
  const offerLink = async (context: TurnContext): Promise<AdaptiveCard> => {
    const locale = localeOf(context.activity, deps.defaultLocale);
    const t = translator(locale);
    const here = where(context);
    if (!here) return message(t, 'meeting.notMeeting');
    const existing = await deps.meetingLinks.findByChat(here.tenantId, here.chat.conversationId);
    const info = await meetingInfo(context, here.meetingId);
    const cycle = info.joinUrl ? await deps.planner.findByJoinUrl(here.tenantId, info.joinUrl) : undefined;
    const circleId = cycle?.circleId ?? existing?.circleId;
    const circle = circleId ? await deps.circles.findById(here.tenantId, circleId) : undefined;
    if (circle) {
      await deps.meetingLinks.save({
        tenantId: here.tenantId,
        meetingId: here.meetingId,
        chat: here.chat,
        joinUrl: info.joinUrl,
        title: info.title,
        circleId: circle.id,
        cycleId: cycle?.id ?? existing?.cycleId,
        linkedBy: existing?.linkedBy ?? context.activity.from?.aadObjectId ?? '',
        linkedAt: existing?.linkedAt ?? deps.clock(),
      });
      turnLogger(context, deps.logger).info({ matched: Boolean(cycle) }, 'meeting linked');
      return linkedCard(t, locale, circle, cycle);
    }
    const aadObjectId = context.activity.from?.aadObjectId;
    const mine = aadObjectId ? await deps.circles.listForMember(here.tenantId, aadObjectId) : [];
    return mine.length > 0 ? chooseCard(t, mine) : message(t, 'meeting.noCircles');
  };

  const link = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const locale = localeOf(context.activity, deps.defaultLocale);
    const t = translator(locale);
    const here = where(context);
    if (!here) return message(t, 'meeting.notMeeting');
    const parsed = linkData.safeParse(raw);
    if (!parsed.success) return message(t, 'meeting.badData');
    const circle = await deps.circles.findById(here.tenantId, parsed.data.circleId);
    const me = context.activity.from?.aadObjectId?.toLowerCase();
    if (!circle || !circle.members.some((m) => m.aadObjectId.toLowerCase() === me)) {
      return message(t, 'meeting.notMember');
    }
    const info = await meetingInfo(context, here.meetingId);
    await deps.meetingLinks.save({
      tenantId: here.tenantId,
      meetingId: here.meetingId,
      chat: here.chat,
      joinUrl: info.joinUrl,
      title: info.title,
      circleId: circle.id,
      cycleId: undefined,
      linkedBy: context.activity.from?.aadObjectId ?? '',
      linkedAt: deps.clock(),
    });
    return linkedCard(t, locale, circle, undefined);
  };

  const reply = async (context: TurnContext, card: AdaptiveCard) => {
    await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
  };

  // Registered before the welcome feature's: in a meeting chat the bot links the meeting instead of the
  // general introduction. Teams may send the install twice; the ledger lets one card through.
  app.activity(
    (context) =>
      Promise.resolve(
        context.activity.type === 'conversationUpdate' &&
          botWasAdded(context.activity) &&
          meetingIdOf(context.activity) !== undefined,
      ),
    async (context) => {
      const here = where(context);
      if (!here) return;
      const first = await deps.effects.claim(
        `meeting-intro:${here.tenantId}:${here.chat.conversationId}`,
        'meeting-intro',
        deps.clock(),
      );
      if (first) await reply(context, await offerLink(context));
    },
  );
  app.message(commandPattern(COMMANDS.link), async (context) => reply(context, await offerLink(context)));
  app.adaptiveCards.actionExecute(VERBS.meetingLink, async (context, _s, data) => link(context, data));
  app.adaptiveCards.actionSubmit(VERBS.meetingLink, async (context, _s, data) =>
    reply(context, await link(context, data)),
  );
}
