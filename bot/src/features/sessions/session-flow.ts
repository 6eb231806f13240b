import { DateTime } from 'luxon';
import { translator } from '../../cards/i18n';
import { toAttachment } from '../../cards/adaptive-card';
import { ModelError } from '../../domain/ai';
import type { Circle } from '../../domain/circle';
import type { PlannedCycle, PlannedSession } from '../../domain/cycle-planner.service';
import { mapDraftTexts, type DraftResult } from '../../domain/proposal-draft';
import {
  draftFromContributions,
  type DraftFailure,
  sessionIdFor,
  type CarriedForward,
  type SessionChat,
  type SessionHeader,
  type SessionState,
  type SessionTrigger,
} from '../../domain/session';
import { DEFAULT_TIMEBOX_MINUTES } from '../../domain/videoframe';
import { STAGE_KINDS } from '../../domain/videoframe';
import type { FeatureDeps } from '../shared/deps';
import { sessionCard, type SessionCardView } from './session.card';

/**
 * What the session's triggers (the meeting's start event, the kick-off job, `start`) and its background work
 * (drafting, updating the shared card) have in common. Feature code: it speaks to domain services and ports.
 */
export type SessionDeps = Pick<
  FeatureDeps,
  | 'sessions'
  | 'planner'
  | 'videoframes'
  | 'proposalDrafter'
  | 'conversations'
  | 'clock'
  | 'logger'
  | 'scheduler'
>;

export const SESSION_JOBS = { draftCheck: 'session.draftCheck' } as const;

/** Today's planned session of the circle, if one of its cycles has a session today that is not cancelled. */
export async function todaysPlannedSession(
  deps: Pick<SessionDeps, 'planner' | 'clock'>,
  circle: Circle,
): Promise<{ cycle: PlannedCycle; session: PlannedSession } | undefined> {
  const now = DateTime.fromJSDate(deps.clock(), { zone: circle.timeZone });
  const week = now.startOf('week').minus({ weeks: 1 }).toISODate()!;
  const cycles = await deps.planner.listForCircle(circle.tenantId, circle.id, week);
  const today = now.toISODate();
  for (const cycle of cycles) {
    if (cycle.status === 'cancelled') continue;
    const session = cycle.sessions.find((s) => s.date === today && s.status !== 'cancelled');
    if (session) return { cycle, session };
  }
  return undefined;
}

/** The cycle's earlier days, as the next day opens with them: proposals, open questions, situations. */
async function carriedFrom(
  deps: Pick<SessionDeps, 'sessions'>,
  circle: Circle,
  cycleId: string,
  dayIndex: number,
): Promise<CarriedForward> {
  const carried: CarriedForward = { proposals: [], openQuestions: [], situations: [], question: undefined };
  for (let day = 0; day < dayIndex; day++) {
    const earlier = await deps.sessions.get(
      sessionIdFor(circle.tenantId, circle.id, { cycleId, dayIndex: day }),
    );
    if (!earlier?.setup) continue;
    const situation = earlier.setup.situation;
    if (!carried.situations.some((s) => s.text === situation.text))
      carried.situations.push({ text: situation.text, fromSessionId: earlier.header.id });
    carried.question = earlier.setup.question ?? carried.question;
    if (earlier.decision) {
      carried.proposals.push({
        title: earlier.decision.final.title,
        decision: earlier.decision.kind,
        dayIndex: day,
      });
      if (earlier.decision.kind === 'reject' && earlier.decision.reason)
        carried.openQuestions.push(earlier.decision.reason);
      carried.openQuestions.push(...(earlier.draft?.result?.draft.criticalQuestions ?? []));
    }
  }
  carried.openQuestions = carried.openQuestions.slice(-6);
  return carried;
}

/**
 * Opens today's session of the circle in `chat`, once: the cycle's session of today when there is one,
 * else a session of the circle for today's date.
 */
export async function openTodaysSession(
  deps: SessionDeps,
  request: {
    circle: Circle;
    chat: SessionChat;
    meetingId: string | undefined;
    trigger: SessionTrigger;
    by: string | undefined;
    planned?: { cycle: PlannedCycle; session: PlannedSession } | undefined;
  },
): Promise<{ state: SessionState; created: boolean }> {
  const { circle } = request;
  const planned = request.planned ?? (await todaysPlannedSession(deps, circle));
  const { id, date } = slotOf(deps, circle, planned);
  const existing = await deps.sessions.get(id);
  if (existing) return { state: existing, created: false };
  const frame = deps.videoframes[0];
  const header: SessionHeader = {
    id,
    tenantId: circle.tenantId,
    circleId: circle.id,
    circleName: circle.name,
    cycleId: planned?.cycle.id,
    dayIndex: planned?.session.dayIndex,
    date,
    locale: circle.locale,
    timeZone: planned?.cycle.timeZone ?? circle.timeZone,
    chat: request.chat,
    meetingId: request.meetingId,
    members: circle.members.map((m) => ({
      aadObjectId: m.aadObjectId,
      name: m.name,
      ...(m.teamsUserId ? { teamsUserId: m.teamsUserId } : {}),
    })),
    plannedMinutes: planned?.cycle.durationMinutes ?? 60,
    carried: planned
      ? await carriedFrom(deps, circle, planned.cycle.id, planned.session.dayIndex)
      : { proposals: [], openQuestions: [], situations: [], question: undefined },
    defaults: circle.sessionSettings ?? {
      timeboxes: frame
        ? frame.stages.map((s) => s.timeboxMinutes)
        : STAGE_KINDS.map((k) => DEFAULT_TIMEBOX_MINUTES[k]),
      anonymousBrainstorm: false,
    },
  };
  return deps.sessions.open(header, request.trigger, request.by);
}

/** The user ids (MRIs) whose Teams clients refresh the card into their own view. */
export function refreshUserIds(state: SessionState): string[] {
  return state.header.members.flatMap((m) => (m.teamsUserId ? [m.teamsUserId] : []));
}

export function cardView(
  deps: Pick<SessionDeps, 'videoframes' | 'proposalDrafter'>,
  state: SessionState,
  viewer: string | undefined,
  extra: Partial<SessionCardView> = {},
): SessionCardView {
  return {
    t: translator(state.header.locale),
    viewer,
    frames: deps.videoframes,
    modelAvailable: deps.proposalDrafter !== undefined,
    ...extra,
  };
}

/**
 * The session's card as everyone sees it (no one's own marks), with the refresh for each member's view.
 * `tokens`: people stay person tokens, for a card that waits in the outbox (its sender puts the names in).
 */
export function sharedCard(
  deps: Pick<SessionDeps, 'videoframes' | 'proposalDrafter'>,
  state: SessionState,
  options: { tokens?: boolean } = {},
) {
  const view = cardView(deps, state, undefined, options.tokens ? { keepTokens: true } : {});
  return sessionCard(state, view, refreshUserIds(state));
}

export function referenceOf(state: SessionState) {
  const chat = state.cardChat ?? state.header.chat;
  return {
    serviceUrl: chat.serviceUrl,
    channelId: chat.channelId,
    conversation: {
      id: chat.conversationId,
      isGroup: true,
      conversationType: chat.conversationType ?? 'groupChat',
      tenantId: state.header.tenantId,
      name: '',
    },
    bot: { id: chat.botId, name: chat.botName ?? '' },
  };
}

/** Brings the shared card message up to date with the session as it is now. */
export async function updateSharedCard(deps: SessionDeps, sessionId: string): Promise<void> {
  const state = await deps.sessions.get(sessionId);
  if (!state?.cardActivityId) return;
  await deps.conversations.update(referenceOf(state), state.cardActivityId, {
    type: 'message',
    attachments: [toAttachment(sharedCard(deps, state))],
  });
}

/** How long after a draft was asked for the safety net checks that it arrived. */
const DRAFT_CHECK_MS = 3 * 60_000 + 15_000;

export async function scheduleDraftCheck(deps: SessionDeps, state: SessionState): Promise<void> {
  const draft = state.draft;
  if (!draft || draft.status !== 'drafting' || !draft.withModel) return;
  await deps.scheduler.schedule({
    key: `session-draft-check:${state.header.id}:${draft.attempt}`,
    name: SESSION_JOBS.draftCheck,
    runAt: new Date(Date.parse(draft.requestedAt) + DRAFT_CHECK_MS),
    data: { sessionId: state.header.id, attempt: draft.attempt },
  });
}

/**
 * Drafts the proposal for the attempt the session is waiting for: through the model when the circle asked
 * for AI and one is configured, else from the circle's own contributions. Names never leave the service:
 * the material goes out with placeholders for the members and everyone in the chat, and what comes back
 * refers to people by token (domain/person-ref.ts), never by name. When the chat's roster cannot be read,
 * nothing is sent: without it a guest's name could go out.
 */
export async function runDraft(deps: SessionDeps, sessionId: string, attempt: string): Promise<void> {
  const state = await deps.sessions.get(sessionId);
  if (!state || state.draft?.attempt !== attempt || state.draft.status !== 'drafting') return;
  const t = translator(state.header.locale);
  const drafter = state.draft.withModel ? deps.proposalDrafter : undefined;
  let result: { ok: DraftResult } | { failed: DraftFailure };
  if (!drafter) {
    const draft = draftFromContributions(state, {
      title: t('session.draft.own.title', { circle: state.header.circleName }),
      noProblem: t('session.draft.own.noProblem'),
      effect: t('session.draft.own.effect'),
      criticalQuestions: [
        t('session.draft.own.critical1'),
        t('session.draft.own.critical2'),
        t('session.draft.own.critical3'),
      ],
    });
    result = { ok: { draft, provenance: { source: 'contributions' } } };
  } else {
    const participants = await chatParticipants(deps, state);
    if (!participants) {
      result = { failed: 'names_unchecked' };
    } else {
      const { material, reveal } = deps.sessions.materialFor(state, (q) => t(`question.${q}`), participants);
      try {
        const drafted = await drafter.draft(material);
        result = {
          ok: {
            draft: mapDraftTexts(drafted.draft, reveal),
            provenance: { ...drafted.provenance, namesReplaced: true },
          },
        };
        deps.logger.info(
          {
            sessionId,
            model: drafted.provenance.model,
            promptVersion: drafted.provenance.promptVersion,
            ms: drafted.provenance.latencyMs,
            tokens: drafted.provenance.tokens?.total,
          },
          'proposal drafted',
        );
      } catch (err) {
        const reason = err instanceof ModelError ? err.reason : 'failed';
        if (!(err instanceof ModelError)) deps.logger.error({ err, sessionId }, 'proposal drafting failed');
        else deps.logger.warn({ sessionId, reason }, 'proposal drafting failed');
        result = { failed: reason };
      }
    }
  }
  await deps.sessions.completeDraft(sessionId, attempt, result);
}

/**
 * Everyone in the session's chats (the session's own and the one its card is in), as people to hide from
 * the model. Guests without an Entra id get a reference of their own that no record resolves, so they come
 * back as "a colleague". Undefined when Teams could not say who is there.
 */
async function chatParticipants(
  deps: SessionDeps,
  state: SessionState,
): Promise<{ ref: string; name: string }[] | undefined> {
  const chats = [referenceOf({ ...state, cardChat: undefined }), referenceOf(state)];
  const seen = new Set<string>();
  const people: { ref: string; name: string }[] = [];
  for (const reference of chats) {
    if (seen.has(reference.conversation.id)) continue;
    seen.add(reference.conversation.id);
    try {
      for (const member of await deps.conversations.members(reference)) {
        const ref = member.aadObjectId?.toLowerCase() ?? `guest-${people.length + 1}`;
        people.push({ ref, name: member.name });
      }
    } catch (err) {
      deps.logger.warn(
        { sessionId: state.header.id, code: (err as { code?: unknown }).code, status: statusOf(err) },
        'chat roster unavailable: nothing is sent to the model',
      );
      return undefined;
    }
  }
  return people;
}

const statusOf = (err: unknown) => (err as { statusCode?: unknown }).statusCode;

/**
 * Today's session in a chat (a linked meeting chat, or the circle's own chat), for the meeting side panel
 * and stage; undefined when the chat has no circle or the circle has no session today.
 */
export async function todaysSessionInChat(
  deps: Pick<FeatureDeps, 'sessions' | 'planner' | 'clock' | 'meetingLinks' | 'circles'>,
  tenantId: string,
  conversationId: string,
): Promise<SessionState | undefined> {
  const circle = await circleOfChat(deps, tenantId, conversationId);
  if (!circle) return undefined;
  return deps.sessions.get(slotOf(deps, circle, await todaysPlannedSession(deps, circle)).id);
}

/** The circle a chat belongs to: the circle of a linked meeting chat, or the circle formed in that chat. */
export async function circleOfChat(
  deps: Pick<FeatureDeps, 'meetingLinks' | 'circles'>,
  tenantId: string,
  conversationId: string,
): Promise<Circle | undefined> {
  const link = await deps.meetingLinks.findByChat(tenantId, conversationId);
  return link
    ? deps.circles.findById(tenantId, link.circleId)
    : deps.circles.findByChat(tenantId, conversationId);
}

/** Today's session id of the circle: its cycle's day when one is planned today, else the circle and date. */
function slotOf(
  deps: Pick<SessionDeps, 'clock'>,
  circle: Circle,
  planned: { cycle: PlannedCycle; session: PlannedSession } | undefined,
): { id: string; date: string } {
  if (planned)
    return {
      id: sessionIdFor(circle.tenantId, circle.id, {
        cycleId: planned.cycle.id,
        dayIndex: planned.session.dayIndex,
      }),
      date: planned.session.date,
    };
  const date = DateTime.fromJSDate(deps.clock(), { zone: circle.timeZone }).toISODate()!;
  return { id: sessionIdFor(circle.tenantId, circle.id, { date }), date };
}
