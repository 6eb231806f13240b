import { MessageFactory, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { z } from 'zod/v4';
import { afterTurn } from '../../after-turn';
import { adaptiveCard, paragraph, toAttachment, type AdaptiveCard } from '../../cards/adaptive-card';
import { COMMANDS, commandPattern } from '../../cards/commands';
import { translator, type MessageKey } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import type { Circle } from '../../domain/circle';
import type { SessionChat, SessionState } from '../../domain/session';
import type { SessionOutcome } from '../../domain/session.service';
import { localeOf, meetingIdOf, tenantIdOf, turnLogger } from '../shared/activity';
import type { FeatureDeps } from '../shared/deps';
import { problemNotice, sessionCard } from './session.card';
import {
  cardView,
  circleOfChat,
  openTodaysSession,
  runDraft,
  scheduleDraftCheck,
  sharedCard,
  todaysSessionInChat,
  updateSharedCard,
} from './session-flow';
import {
  beginData,
  checkInData,
  closeData,
  contributeData,
  decideData,
  moveData,
  rateData,
  redraftData,
  refreshData,
} from './session.schema';

type Data<S extends z.ZodType> = z.output<S>;

const UNKNOWN_SESSION_VERB = 'session.*';

const verbOf = (context: TurnContext): unknown =>
  (context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb ??
  (context.activity.value as { verb?: unknown } | undefined)?.verb;

/**
 * The session in the meeting: started by the meeting's start event, the kick-off job or `start`; stepped
 * through on one card by its members (Action.Execute, with an Action.Submit fallback); closed by the
 * meeting's end event or `stop`. Every action is answered from MongoDB at once (the model runs after the
 * answer), and every change is one event in the session's log (domain/session.ts), so a resent invoke or a
 * double click changes nothing twice and an action from an old card shows the card as it is now.
 */
/** The chat an activity came from, as the session keeps it. */
function chatOf(context: TurnContext): SessionChat {
  const activity = context.activity;
  return {
    conversationId: activity.conversation.id,
    conversationType: activity.conversation.conversationType,
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    botId: activity.recipient.id,
    botName: activity.recipient.name,
  };
}

export function registerSessions(app: Application<TurnState>, deps: FeatureDeps): void {
  const log = (context: TurnContext) => turnLogger(context, deps.logger);

  /** The circle this chat belongs to: a linked meeting chat, or the circle's own chat. */
  const circleHere = async (
    context: TurnContext,
  ): Promise<{ circle: Circle; chat: SessionChat } | undefined> => {
    const tenantId = tenantIdOf(context.activity);
    if (!tenantId) return undefined;
    const chat = chatOf(context);
    const circle = await circleOfChat(deps, tenantId, chat.conversationId);
    return circle ? { circle, chat } : undefined;
  };

  const message = (context: TurnContext, key: MessageKey): AdaptiveCard => {
    const t = translator(localeOf(context.activity, deps.defaultLocale));
    return adaptiveCard({ fallbackText: t(key), body: [paragraph(t(key))] });
  };

  const postCard = async (context: TurnContext, state: SessionState): Promise<void> => {
    const response = await context.sendActivity(
      MessageFactory.attachment(toAttachment(sharedCard(deps, state))),
    );
    if (response?.id) await deps.sessions.recordCard(state.header.id, response.id, chatOf(context));
  };

  /** `start`, or the meeting's start event: opens today's session once and posts its card. */
  const start = async (context: TurnContext, trigger: 'meeting_start' | 'command'): Promise<void> => {
    const here = await circleHere(context);
    if (!here) {
      if (trigger === 'command') {
        const inMeeting = meetingIdOf(context.activity) !== undefined;
        await context.sendActivity(
          MessageFactory.attachment(
            toAttachment(message(context, inMeeting ? 'session.noCircle' : 'session.notHere')),
          ),
        );
      } else log(context).info('meeting started in a chat without a circle');
      return;
    }
    const { state, created } = await openTodaysSession(deps, {
      circle: here.circle,
      chat: here.chat,
      meetingId: meetingIdOf(context.activity),
      trigger,
      by: trigger === 'command' ? context.activity.from?.aadObjectId : undefined,
    });
    log(context).info({ sessionId: state.header.id, created, trigger }, 'session start');
    // Opened now, or asked again with `start`: the card goes (again) to the bottom of the chat. A meeting
    // start event for a session the kick-off job opened already changes nothing.
    if (created || trigger === 'command') await postCard(context, state);
  };

  const stop = async (context: TurnContext, reason: 'meeting_end' | 'command'): Promise<void> => {
    const here = await circleHere(context);
    if (!here) return;
    const { state } = await openOrFind(here);
    if (!state) {
      if (reason === 'command')
        await context.sendActivity(
          MessageFactory.attachment(toAttachment(message(context, 'session.noSession'))),
        );
      return;
    }
    const by = reason === 'command' ? context.activity.from?.aadObjectId : undefined;
    const outcome = await deps.sessions.close(state.header.id, by, reason);
    if (outcome.kind === 'refused' && outcome.problem === 'not_member') {
      await context.sendActivity(
        MessageFactory.attachment(toAttachment(message(context, 'session.problem.not_member'))),
      );
      return;
    }
    log(context).info({ sessionId: state.header.id, outcome: outcome.kind, reason }, 'session close');
    if (outcome.kind === 'changed') {
      const id = state.header.id;
      afterTurn(context, { name: 'session.card', run: () => updateSharedCard(deps, id) });
      if (reason === 'command')
        await context.sendActivity(
          MessageFactory.attachment(toAttachment(message(context, 'session.stopped'))),
        );
    }
  };

  /** Today's session of the circle, when it was opened (closing never opens one). */
  const openOrFind = async (here: { circle: Circle; chat: SessionChat }) => ({
    state: await todaysSessionInChat(deps, here.circle.tenantId, here.chat.conversationId),
  });

  app.meetings.start(async (context) => start(context, 'meeting_start'));
  app.meetings.end(async (context) => stop(context, 'meeting_end'));
  app.message(commandPattern(COMMANDS.start), async (context) => start(context, 'command'));
  app.message(commandPattern(COMMANDS.stop), async (context) => stop(context, 'command'));

  // --- Card actions -------------------------------------------------------------------------------------

  /** Reads the card's data; a forged or malformed payload is refused before anything is looked up. */
  const read = <S extends z.ZodType>(context: TurnContext, schema: S, raw: unknown): Data<S> | undefined => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    log(context).warn(
      { fields: parsed.error.issues.map((i) => i.path.join('.')) },
      'session card data refused',
    );
    return undefined;
  };

  /** Whether the card's session id is of the tenant the activity comes from (its ids start with it). */
  const inTenant = (context: TurnContext, sessionId: string): boolean => {
    const tenantId = tenantIdOf(context.activity);
    return tenantId !== undefined && sessionId.startsWith(`${tenantId}:`);
  };

  /** The session the card names, only within the tenant the activity comes from. */
  const sessionOf = async (context: TurnContext, sessionId: string): Promise<SessionState | undefined> =>
    inTenant(context, sessionId) ? deps.sessions.get(sessionId) : undefined;

  const viewerOf = (context: TurnContext) => context.activity.from?.aadObjectId;

  /** The card for the person who acted: their own view, with why nothing changed when it did not. */
  const answer = (context: TurnContext, outcome: SessionOutcome): AdaptiveCard => {
    if (outcome.kind === 'not_found') return message(context, 'session.notFound');
    const state = outcome.state;
    const notice =
      outcome.kind === 'stale'
        ? { key: 'session.stale' as const }
        : outcome.kind === 'refused'
          ? problemNotice(outcome.problem)
          : undefined;
    return sessionCard(state, cardView(deps, state, viewerOf(context), { notice }));
  };

  /**
   * Runs one action: checks who acts, makes the change, remembers the card's message, and after the answer
   * brings the shared card up to date for everyone (and starts drafting when the change asked for it).
   */
  const act = async (
    context: TurnContext,
    sessionId: string,
    change: (by: string) => Promise<SessionOutcome>,
  ): Promise<AdaptiveCard> => {
    const by = viewerOf(context);
    if (!inTenant(context, sessionId)) return message(context, 'session.notFound');
    if (!by) return message(context, 'reply.identityMissing');
    const cardId = context.activity.replyToId;
    // The service reads the session itself (and again if it loses a race): no read here first.
    const outcome = await change(by);
    if (outcome.kind === 'not_found') return message(context, 'session.notFound');
    if (outcome.kind === 'refused' && outcome.problem === 'not_member') {
      log(context).warn({ sessionId }, 'session action by someone outside the circle refused');
      return sessionCard(
        outcome.state,
        cardView(deps, outcome.state, undefined, { notice: problemNotice('not_member'), readOnly: true }),
      );
    }
    if (cardId && outcome.state.cardActivityId !== cardId) {
      await deps.sessions.recordCard(sessionId, cardId, chatOf(context));
    }
    if (outcome.kind === 'changed') {
      const draft = outcome.state.draft;
      const drafting = draft?.status === 'drafting' ? draft : undefined;
      if (drafting && !drafting.withModel) {
        // No model involved: the circle's own draft is ready at once, in this answer.
        await runDraft(deps, sessionId, drafting.attempt);
        const latest = await deps.sessions.get(sessionId);
        if (latest) outcome.state = latest;
      } else if (drafting) {
        await scheduleDraftCheck(deps, outcome.state);
        const attempt = drafting.attempt;
        afterTurn(context, {
          name: 'session.draft',
          run: async () => {
            await runDraft(deps, sessionId, attempt);
            await updateSharedCard(deps, sessionId);
          },
        });
      }
      afterTurn(context, { name: 'session.card', run: () => updateSharedCard(deps, sessionId) });
    }
    return answer(context, outcome);
  };

  const stepsOf = (text: string) =>
    text
      .split(/\r?\n/)
      .map((s) => s.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
      .filter((s) => s !== '');

  type Handler = (context: TurnContext, raw: unknown) => Promise<AdaptiveCard>;

  const handlers: Record<string, Handler> = {
    [VERBS.sessionRefresh]: async (context, raw) => {
      const data = read(context, refreshData, raw);
      if (!data) return message(context, 'session.badData');
      const state = await sessionOf(context, data.sessionId);
      if (!state) return message(context, 'session.notFound');
      const viewer = viewerOf(context);
      const member =
        viewer !== undefined &&
        state.header.members.some((m) => m.aadObjectId.toLowerCase() === viewer.toLowerCase());
      return sessionCard(state, cardView(deps, state, member ? viewer : undefined, { readOnly: !member }));
    },
    [VERBS.sessionCheckIn]: async (context, raw) => {
      const data = read(context, checkInData, raw);
      if (!data) return message(context, 'session.badData');
      return act(context, data.sessionId, (by) => deps.sessions.checkIn(data.sessionId, by, data.energy));
    },
    [VERBS.sessionBegin]: async (context, raw) => {
      const data = read(context, beginData, raw);
      if (!data) return message(context, 'session.badData');
      const boxes = [data.timebox0, data.timebox1, data.timebox2, data.timebox3, data.timebox4];
      const given = boxes.filter((b): b is number => b !== undefined);
      const timeboxes = given.length === boxes.length ? given : undefined;
      const anonymousBrainstorm = data.anonymous === true || data.anonymous === 'true';
      return act(context, data.sessionId, async (by) => {
        const outcome = await deps.sessions.begin(data.sessionId, by, {
          rev: data.rev,
          frameId: data.frameId,
          situation: data.situation,
          newSituation: data.newSituation,
          question: data.question,
          anonymousBrainstorm,
          timeboxes,
        });
        if (outcome.kind === 'changed' && outcome.state.setup) {
          // The circle's choice of time boxes and anonymity holds for its next sessions too.
          const { tenantId, circleId } = outcome.state.header;
          await deps.circles.saveSessionSettings(tenantId, circleId, {
            timeboxes: outcome.state.setup.timeboxes,
            anonymousBrainstorm,
          });
        }
        return outcome;
      });
    },
    [VERBS.sessionContribute]: async (context, raw) => {
      const data = read(context, contributeData, raw);
      if (!data) return message(context, 'session.badData');
      return act(context, data.sessionId, (by) =>
        deps.sessions.contribute(data.sessionId, by, data.stage, data.contribution),
      );
    },
    [VERBS.sessionMove]: async (context, raw) => {
      const data = read(context, moveData, raw);
      if (!data) return message(context, 'session.badData');
      return act(context, data.sessionId, (by) =>
        deps.sessions.move(data.sessionId, by, {
          rev: data.rev,
          from: data.from,
          to: data.to,
          withModel: deps.proposalDrafter !== undefined,
        }),
      );
    },
    [VERBS.sessionRedraft]: async (context, raw) => {
      const data = read(context, redraftData, raw);
      if (!data) return message(context, 'session.badData');
      return act(context, data.sessionId, (by) =>
        deps.sessions.redraft(data.sessionId, by, {
          rev: data.rev,
          withModel: data.withModel && deps.proposalDrafter !== undefined,
        }),
      );
    },
    [VERBS.sessionRate]: async (context, raw) => {
      const data = read(context, rateData, raw);
      if (!data) return message(context, 'session.badData');
      return act(context, data.sessionId, (by) =>
        deps.sessions.rate(data.sessionId, by, {
          usefulness: data.usefulness,
          feasibility: data.feasibility,
        }),
      );
    },
    [VERBS.sessionDecide]: async (context, raw) => {
      const data = read(context, decideData, raw);
      if (!data) return message(context, 'session.badData');
      return act(context, data.sessionId, (by) =>
        deps.sessions.decide(data.sessionId, by, {
          rev: data.rev,
          kind: data.decision,
          reason: data.reason,
          // The circle's changes to the draft; the service lays them over the draft it decides on.
          edited:
            data.decision === 'adapt'
              ? {
                  title: data.title,
                  summary: data.summary,
                  steps: stepsOf(data.steps),
                  expectedEffect: data.expectedEffect,
                }
              : undefined,
        }),
      );
    },
    [VERBS.sessionClose]: async (context, raw) => {
      const data = read(context, closeData, raw);
      if (!data) return message(context, 'session.badData');
      return act(context, data.sessionId, (by) => deps.sessions.close(data.sessionId, by, 'command'));
    },
  };

  // A session verb we do not know (a forged or outdated card): a clear answer, nothing changed. Registered
  // after the known verbs, which teams-ai tries first.
  handlers[UNKNOWN_SESSION_VERB] = (context) => {
    log(context).warn({ verb: verbOf(context) }, 'unknown session verb refused');
    return Promise.resolve(message(context, 'session.badData'));
  };

  for (const [verb, handler] of Object.entries(handlers)) {
    const selector = verb === UNKNOWN_SESSION_VERB ? /^session\./ : verb;
    app.adaptiveCards.actionExecute(selector, async (context, _state, data) => handler(context, data));
    // Clients without universal actions send the same data as a message: answered with a new card.
    app.adaptiveCards.actionSubmit(selector, async (context, _state, data) => {
      const card = await handler(context, data);
      const response = await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
      const sessionId = (data as { sessionId?: unknown } | undefined)?.sessionId;
      if (response?.id && typeof sessionId === 'string' && inTenant(context, sessionId))
        await deps.sessions.recordCard(sessionId, response.id, chatOf(context));
    });
  }
}
