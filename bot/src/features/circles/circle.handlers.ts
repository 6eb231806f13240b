import { MessageFactory, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { adaptiveCard, paragraph, toAttachment, type AdaptiveCard } from '../../cards/adaptive-card';
import { COMMANDS, commandPattern } from '../../cards/commands';
import { translator, type MessageKey, type Translate } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import {
  CIRCLE_LIMITS,
  DEFAULT_CIRCLE_TIME_ZONE,
  type CircleChat,
  type CircleMember,
} from '../../domain/circle';
import { conversationKind, localeOf, tenantIdOf, turnLogger } from '../shared/activity';
import type { FeatureDeps } from '../shared/deps';
import { rosterOf } from '../shared/roster';
import { addCard, circleCard, formCard } from './circle.card';
import { addMembersData, formCircleData } from './circle.schema';

interface Where {
  tenantId: string;
  aadObjectId: string;
  chat: CircleChat;
}

/** The chat and the person, as the channel vouches for them; undefined outside a group chat or channel. */
function whereOf(context: TurnContext): Where | undefined {
  const activity = context.activity;
  const kind = conversationKind(activity);
  const tenantId = tenantIdOf(activity);
  const aadObjectId = activity.from?.aadObjectId;
  if ((kind !== 'groupChat' && kind !== 'channel') || !tenantId || !aadObjectId) return undefined;
  return {
    tenantId,
    aadObjectId,
    chat: {
      conversationId: activity.conversation.id,
      conversationType: kind,
      channelId: activity.channelId,
      serviceUrl: activity.serviceUrl,
      botId: activity.recipient.id,
      botName: activity.recipient.name,
    },
  };
}

export function registerCircles(app: Application<TurnState>, deps: FeatureDeps): void {
  const textCard = (t: Translate, ...keys: MessageKey[]): AdaptiveCard =>
    adaptiveCard({ fallbackText: t(keys[0]!), body: keys.map((k) => paragraph(t(k))) });
  const tOf = (context: TurnContext) => translator(localeOf(context.activity, deps.defaultLocale));

  /** The roster, or undefined (logged) when Teams would not give it. */
  const roster = async (context: TurnContext): Promise<CircleMember[] | undefined> => {
    try {
      return await rosterOf(context);
    } catch (err) {
      turnLogger(context, deps.logger).warn({ err }, 'roster unavailable');
      return undefined;
    }
  };

  /** `cirkel`: in a personal chat, where to form one and which circles you are in; in a group, the circle or a form. */
  const show = async (context: TurnContext): Promise<AdaptiveCard> => {
    const t = tOf(context);
    const where = whereOf(context);
    if (!where) {
      const tenantId = tenantIdOf(context.activity);
      const aadObjectId = context.activity.from?.aadObjectId;
      const mine = tenantId && aadObjectId ? await deps.circles.listForMember(tenantId, aadObjectId) : [];
      return adaptiveCard({
        fallbackText: t('circle.onlyInGroup'),
        body: [
          paragraph(t('circle.onlyInGroup')),
          paragraph(
            mine.length > 0
              ? t('circle.yours', { names: mine.map((c) => c.name).join(', ') })
              : t('circle.none'),
          ),
        ],
      });
    }
    const circle = await deps.circles.findByChat(where.tenantId, where.chat.conversationId);
    if (circle) return circleCard(t, circle);
    const people = await roster(context);
    if (!people) return textCard(t, 'circle.rosterUnavailable');
    return formCard(t, {
      roster: people,
      values: { name: '', members: '', locale: localeOf(context.activity, deps.defaultLocale) },
      submissionId: deps.newId(),
    });
  };

  const form = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const t = tOf(context);
    const where = whereOf(context);
    if (!where) return textCard(t, 'circle.onlyInGroup');
    const parsed = formCircleData.safeParse(raw);
    if (!parsed.success) {
      turnLogger(context, deps.logger).warn(
        { fields: parsed.error.issues.map((i) => i.path.join('.')) },
        'circle card data refused',
      );
      return textCard(t, 'circle.badData');
    }
    const data = parsed.data;
    // The roster is fetched again: who may be chosen is what Teams says now, not what the card listed.
    const people = await roster(context);
    if (!people) return textCard(t, 'circle.rosterUnavailable');
    const outcome = await deps.circles.form({
      tenantId: where.tenantId,
      chat: where.chat,
      name: data.name,
      locale: data.locale,
      timeZone: DEFAULT_CIRCLE_TIME_ZONE,
      memberIds: data.members,
      roster: people,
      createdBy: where.aadObjectId,
      submissionId: data.submissionId,
    });
    turnLogger(context, deps.logger).info({ outcome: outcome.kind }, 'circle form');
    const circleT = (locale: 'nl' | 'en') => translator(locale);
    switch (outcome.kind) {
      case 'formed':
      case 'unchanged':
        return circleCard(circleT(outcome.circle.locale), outcome.circle, {
          notices: [circleT(outcome.circle.locale)('circle.formed')],
        });
      case 'chat_has_circle':
        return circleCard(t, outcome.circle, { notices: [t('circle.chatHasCircle')] });
      case 'invalid':
        return formCard(t, {
          roster: people,
          values: {
            name: data.name.slice(0, CIRCLE_LIMITS.nameMaxLength * 2),
            members: data.members.join(','),
            locale: data.locale,
          },
          submissionId: data.submissionId,
          problems: outcome.problems,
        });
    }
  };

  const leave = async (context: TurnContext): Promise<AdaptiveCard> => {
    const t = tOf(context);
    const where = whereOf(context);
    if (!where) return textCard(t, 'circle.onlyInGroup');
    const name = context.activity.from?.name ?? '';
    const outcome = await deps.circles.leave(where.tenantId, where.chat.conversationId, where.aadObjectId);
    turnLogger(context, deps.logger).info({ outcome: outcome.kind }, 'circle leave');
    switch (outcome.kind) {
      case 'no_circle':
        return textCard(t, 'circle.noCircle');
      case 'changed':
      case 'unchanged':
        return circleCard(t, outcome.circle, { notices: [t('circle.left', { name })] });
      case 'invalid':
        return circleCard(t, outcome.circle, { problems: outcome.problems });
      case 'conflict':
        return outcome.circle
          ? circleCard(t, outcome.circle, { notices: [t('circle.conflict')] })
          : textCard(t, 'circle.noCircle');
    }
  };

  const addForm = async (context: TurnContext): Promise<AdaptiveCard> => {
    const t = tOf(context);
    const where = whereOf(context);
    if (!where) return textCard(t, 'circle.onlyInGroup');
    const circle = await deps.circles.findByChat(where.tenantId, where.chat.conversationId);
    if (!circle) return textCard(t, 'circle.noCircle');
    if (circle.members.length >= CIRCLE_LIMITS.maxMembers)
      return circleCard(t, circle, { notices: [t('circle.full')] });
    const people = await roster(context);
    if (!people) return textCard(t, 'circle.rosterUnavailable');
    const inCircle = new Set(circle.members.map((m) => m.aadObjectId.toLowerCase()));
    return addCard(t, circle, {
      candidates: people.filter((p) => !inCircle.has(p.aadObjectId.toLowerCase())),
      submissionId: deps.newId(),
    });
  };

  const add = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const t = tOf(context);
    const where = whereOf(context);
    if (!where) return textCard(t, 'circle.onlyInGroup');
    const parsed = addMembersData.safeParse(raw);
    if (!parsed.success) return textCard(t, 'circle.badData');
    const people = await roster(context);
    if (!people) return textCard(t, 'circle.rosterUnavailable');
    const outcome = await deps.circles.add({
      tenantId: where.tenantId,
      conversationId: where.chat.conversationId,
      memberIds: parsed.data.members,
      roster: people,
      expectedVersion: parsed.data.version,
      submissionId: parsed.data.submissionId,
    });
    turnLogger(context, deps.logger).info({ outcome: outcome.kind }, 'circle add');
    switch (outcome.kind) {
      case 'no_circle':
        return textCard(t, 'circle.noCircle');
      case 'changed':
      case 'unchanged':
        return circleCard(t, outcome.circle, { notices: [t('circle.added')] });
      case 'invalid': {
        const inCircle = new Set(outcome.circle.members.map((m) => m.aadObjectId.toLowerCase()));
        return addCard(t, outcome.circle, {
          candidates: people.filter((p) => !inCircle.has(p.aadObjectId.toLowerCase())),
          submissionId: parsed.data.submissionId,
          problems: outcome.problems,
        });
      }
      case 'conflict':
        return outcome.circle
          ? circleCard(t, outcome.circle, { notices: [t('circle.conflict')] })
          : textCard(t, 'circle.noCircle');
    }
  };

  const reply = async (context: TurnContext, card: AdaptiveCard) => {
    await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
  };

  app.message(commandPattern(COMMANDS.circle), async (context) => reply(context, await show(context)));
  app.message(commandPattern(COMMANDS.leaveCircle), async (context) => reply(context, await leave(context)));
  app.adaptiveCards.actionExecute(VERBS.circleForm, async (context, _state, data) => form(context, data));
  // Leaving is always about the person who pressed, never about anything in the card's data.
  app.adaptiveCards.actionExecute(VERBS.circleLeave, async (context) => leave(context));
  app.adaptiveCards.actionExecute(VERBS.circleAddForm, async (context) => addForm(context));
  app.adaptiveCards.actionExecute(VERBS.circleAdd, async (context, _state, data) => add(context, data));
  app.adaptiveCards.actionSubmit(VERBS.circleForm, async (context, _state, data) =>
    reply(context, await form(context, data)),
  );
  app.adaptiveCards.actionSubmit(VERBS.circleLeave, async (context) => reply(context, await leave(context)));
  app.adaptiveCards.actionSubmit(VERBS.circleAddForm, async (context) =>
    reply(context, await addForm(context)),
  );
  app.adaptiveCards.actionSubmit(VERBS.circleAdd, async (context, _state, data) =>
    reply(context, await add(context, data)),
  );
}
