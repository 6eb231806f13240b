/**
 * One session: a circle running a videoframe for an hour in a Teams meeting (CONCEPT.md, "A session").
 *
 * A session is an append-only list of events, each stored under the unique key `<sessionId>#<seq>`. The
 * state is what the events add up to (`applyEvent`, pure). Why events and not one document updated with a
 * filter: FerretDB 1.24 (our embedded database) runs a filtered update as "read, then write the whole
 * document back", so two members adding an idea at the same moment could undo each other, and two "next"
 * presses could both win. A unique insert is atomic on every MongoDB-protocol server: whoever inserts event
 * `seq` first owns that step; the other reads the new state and decides again (an idea is added after it;
 * a "next" from the old stage is stale). `version` is the number of the last event.
 */
import type { ModelFailure } from './ai';
import type { Locale } from './locale';
import type { DraftResult, ProposalDraft } from './proposal-draft';
import type { DidacticQuestion } from './traject';
import { STAGE_KINDS, type StageKind, type Videoframe } from './videoframe';

/** Why a draft did not come: the model's failure, or the chat's names could not be checked (nothing sent). */
export type DraftFailure = ModelFailure | 'names_unchecked';

export const SESSION_LIMITS = {
  contributionMaxLength: 500,
  situationMaxLength: 500,
  reasonMaxLength: 500,
  /** Per session: keeps the document and the cards (Teams: about 28 KB a message) within bounds. */
  contributionsMax: 150,
  /** Contributions shown per stage on a card; the newest, with a count of the rest. */
  contributionsShownPerStage: 12,
  energy: { min: 1, max: 5 },
  rating: { min: 1, max: 5 },
  /** Teams refreshes a card automatically for at most 60 user ids. */
  refreshUsersMax: 60,
} as const;

/** The Teams chat a session's card lives in (a meeting chat, or the circle's own chat). */
export interface SessionChat {
  conversationId: string;
  conversationType: string | undefined;
  serviceUrl: string;
  channelId: string;
  botId: string;
  botName: string | undefined;
}

export interface SessionMember {
  aadObjectId: string;
  name: string;
  /** The Teams user id (MRI, "29:…"), for the card's refresh; known for members seen in a roster. */
  teamsUserId?: string | undefined;
}

/** What the day before left for this day: the cycle's earlier proposals and open questions. */
export interface CarriedForward {
  proposals: { title: string; decision: DecisionKind; dayIndex: number }[];
  openQuestions: string[];
  situations: { text: string; fromSessionId: string }[];
  question: DidacticQuestion | undefined;
}

export type SessionTrigger = 'meeting_start' | 'schedule' | 'command';

export interface SessionHeader {
  id: string;
  tenantId: string;
  circleId: string;
  circleName: string;
  /** The cycle and day, when the session is one of a planned cycle's four. */
  cycleId: string | undefined;
  dayIndex: number | undefined;
  /** The calendar date in the circle's time zone (YYYY-MM-DD). */
  date: string;
  locale: Locale;
  timeZone: string;
  chat: SessionChat;
  meetingId: string | undefined;
  members: SessionMember[];
  /** Planned length in minutes (the cycle's; 60 otherwise): what is credited to the members' ledgers. */
  plannedMinutes: number;
  carried: CarriedForward;
  /** Default settings from the circle. */
  defaults: { timeboxes: number[]; anonymousBrainstorm: boolean };
}

export const DECISION_KINDS = ['adopt', 'adapt', 'reject'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export type CloseReason = 'meeting_end' | 'command';

export type SessionEvent =
  | { type: 'opened'; at: string; by: string | undefined; trigger: SessionTrigger; header: SessionHeader }
  /** The message that holds the session's card (and, when it is not the session's own chat, its chat). */
  | { type: 'card'; at: string; activityId: string; chat?: SessionChat | undefined }
  | { type: 'checkedIn'; at: string; by: string; energy: number }
  | {
      type: 'begun';
      at: string;
      by: string;
      frame: Videoframe;
      timeboxes: number[];
      anonymousBrainstorm: boolean;
      situation: { text: string; fromSessionId: string | undefined };
      question: DidacticQuestion | undefined;
    }
  | { type: 'contributed'; at: string; by: string; key: string; stage: StageKind; text: string }
  | {
      type: 'moved';
      at: string;
      by: string;
      from: number;
      to: number;
      /** Set when the move reaches the AI stage without a draft: the drafting starts with it, atomically. */
      draft: { attempt: string; withModel: boolean } | undefined;
    }
  | { type: 'draftRequested'; at: string; by: string; attempt: string; withModel: boolean }
  | { type: 'draftReady'; at: string; attempt: string; result: DraftResult }
  | { type: 'draftFailed'; at: string; attempt: string; reason: DraftFailure }
  | { type: 'rated'; at: string; by: string; usefulness: number; feasibility: number }
  | {
      type: 'decided';
      at: string;
      by: string;
      kind: DecisionKind;
      reason: string | undefined;
      final: ProposalDraft;
    }
  | { type: 'closed'; at: string; by: string | undefined; reason: CloseReason };

export interface Contribution {
  key: string;
  stage: StageKind;
  by: string;
  text: string;
  at: string;
}

export type SessionPhase = 'kickoff' | 'stages' | 'summary';

export interface DraftState {
  attempt: string;
  status: 'drafting' | 'ready' | 'failed';
  withModel: boolean;
  requestedAt: string;
  result?: DraftResult | undefined;
  reason?: DraftFailure | undefined;
}

export interface SessionState {
  header: SessionHeader;
  version: number;
  phase: SessionPhase;
  /** 0..4 while in the stages. */
  stageIndex: number;
  /** Raised on every stage change: an action from a card of an earlier stage change is stale. */
  stageRev: number;
  stageStartedAt: string | undefined;
  setup:
    | {
        frame: Videoframe;
        timeboxes: number[];
        anonymousBrainstorm: boolean;
        situation: { text: string; fromSessionId: string | undefined };
        question: DidacticQuestion | undefined;
      }
    | undefined;
  checkins: Record<string, number>;
  contributions: Contribution[];
  draft: DraftState | undefined;
  ratings: Record<string, { usefulness: number; feasibility: number }>;
  decision:
    | { kind: DecisionKind; reason: string | undefined; final: ProposalDraft; by: string; at: string }
    | undefined;
  cardActivityId: string | undefined;
  /** The chat of that message, when the card was posted elsewhere than `header.chat` (e.g. `start` in the
   * meeting's chat for a session the kick-off opened in the circle's chat). */
  cardChat: SessionChat | undefined;
  /** Members who did anything in the session (checked in, added, moved, rated, decided): those present. */
  present: string[];
  openedAt: string;
  trigger: SessionTrigger;
  closed: { at: string; reason: CloseReason } | undefined;
}

const STAGE_COUNT = STAGE_KINDS.length;
export const AI_STAGE_INDEX = STAGE_KINDS.indexOf('ai_proposal');
export const EVALUATION_STAGE_INDEX = STAGE_KINDS.indexOf('evaluation');

function markPresent(present: readonly string[], by: string | undefined): string[] {
  if (!by) return [...present];
  return present.includes(by) ? [...present] : [...present, by];
}

/** The state after one more event. Pure: the same events always add up to the same state. */
export function applyEvent(state: SessionState | undefined, event: SessionEvent): SessionState {
  if (event.type === 'opened') {
    return {
      header: event.header,
      version: 1,
      phase: 'kickoff',
      stageIndex: 0,
      stageRev: 0,
      stageStartedAt: undefined,
      setup: undefined,
      checkins: {},
      contributions: [],
      draft: undefined,
      ratings: {},
      decision: undefined,
      cardActivityId: undefined,
      cardChat: undefined,
      present: event.by ? [event.by] : [],
      openedAt: event.at,
      trigger: event.trigger,
      closed: undefined,
    };
  }
  if (!state) throw new Error(`session event ${event.type} before the session was opened`);
  const next: SessionState = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'card':
      return { ...next, cardActivityId: event.activityId, cardChat: event.chat };
    case 'checkedIn':
      return {
        ...next,
        checkins: { ...state.checkins, [event.by]: event.energy },
        present: markPresent(state.present, event.by),
      };
    case 'begun':
      return {
        ...next,
        phase: 'stages',
        stageIndex: 0,
        stageRev: state.stageRev + 1,
        stageStartedAt: event.at,
        setup: {
          frame: event.frame,
          timeboxes: event.timeboxes,
          anonymousBrainstorm: event.anonymousBrainstorm,
          situation: event.situation,
          question: event.question,
        },
        present: markPresent(state.present, event.by),
      };
    case 'contributed':
      return {
        ...next,
        contributions: [
          ...state.contributions,
          { key: event.key, stage: event.stage, by: event.by, text: event.text, at: event.at },
        ],
        present: markPresent(state.present, event.by),
      };
    case 'moved':
      return {
        ...next,
        stageIndex: event.to,
        stageRev: state.stageRev + 1,
        stageStartedAt: event.at,
        draft: event.draft
          ? {
              attempt: event.draft.attempt,
              status: 'drafting',
              withModel: event.draft.withModel,
              requestedAt: event.at,
            }
          : state.draft,
        present: markPresent(state.present, event.by),
      };
    case 'draftRequested':
      return {
        ...next,
        draft: {
          attempt: event.attempt,
          status: 'drafting',
          withModel: event.withModel,
          requestedAt: event.at,
        },
        present: markPresent(state.present, event.by),
      };
    case 'draftReady':
      if (state.draft?.attempt !== event.attempt) return next;
      return { ...next, draft: { ...state.draft, status: 'ready', result: event.result, reason: undefined } };
    case 'draftFailed':
      if (state.draft?.attempt !== event.attempt) return next;
      return { ...next, draft: { ...state.draft, status: 'failed', reason: event.reason } };
    case 'rated':
      return {
        ...next,
        ratings: {
          ...state.ratings,
          [event.by]: { usefulness: event.usefulness, feasibility: event.feasibility },
        },
        present: markPresent(state.present, event.by),
      };
    case 'decided':
      return {
        ...next,
        phase: 'summary',
        stageRev: state.stageRev + 1,
        decision: { kind: event.kind, reason: event.reason, final: event.final, by: event.by, at: event.at },
        present: markPresent(state.present, event.by),
      };
    case 'closed':
      return {
        ...next,
        closed: { at: event.at, reason: event.reason },
        present: markPresent(state.present, event.by),
      };
  }
}

export function foldEvents(events: readonly SessionEvent[]): SessionState | undefined {
  let state: SessionState | undefined;
  for (const event of events) state = applyEvent(state, event);
  return state;
}

export const currentStage = (state: SessionState): StageKind => STAGE_KINDS[state.stageIndex] ?? 'analysis';

export const isMember = (state: SessionState, aadObjectId: string): boolean =>
  state.header.members.some((m) => m.aadObjectId.toLowerCase() === aadObjectId.toLowerCase());

export const memberName = (state: SessionState, aadObjectId: string): string | undefined =>
  state.header.members.find((m) => m.aadObjectId.toLowerCase() === aadObjectId.toLowerCase())?.name;

export function contributionsOf(state: SessionState, stage: StageKind): Contribution[] {
  return state.contributions.filter((c) => c.stage === stage);
}

/**
 * Check-in and rating averages cover at least this many people (DESIGN.md; other figures about groups: 5).
 * An average of one is that person's own score, and an average of two tells each of the two the other's.
 */
export const AVERAGE_MIN_PEOPLE = 3;

/**
 * A circle's average as it may be shown. The number is there only when at least AVERAGE_MIN_PEOPLE gave
 * one and nobody can change theirs any more; otherwise only how many did ('collecting' while they still
 * can, 'too_few' once the count is final).
 *
 * Why wait until the collecting is over: an average that moves as people tap gives away each tap. Shown at
 * 3 and then at 4, the difference is the fourth person's score (4 × new − 3 × old, exact at one decimal),
 * and whoever watched who tapped knows whose it is; a changed tap shows the same way. Rounding to whole
 * numbers or buckets still gives away "high" or "low" at the edges, so the average is shown once, when it
 * can no longer change: the check-in's when the session begins, the ratings' when the circle has decided
 * (or either when the session is closed).
 */
export type GroupAverage<T extends object> =
  ({ status: 'shown'; count: number } & T) | { status: 'collecting' | 'too_few'; count: number };

function groupAverage<T extends object>(count: number, open: boolean, figure: () => T): GroupAverage<T> {
  if (open) return { status: 'collecting', count };
  if (count < AVERAGE_MIN_PEOPLE) return { status: 'too_few', count };
  return { status: 'shown', count, ...figure() };
}

/** The circle's energy as one number (never anyone's own score), rounded to one decimal; see GroupAverage. */
export function averageEnergy(state: SessionState): GroupAverage<{ average: number }> {
  const scores = Object.values(state.checkins);
  // Checking in is open during the kick-off only (SessionService.checkIn).
  const open = state.phase === 'kickoff' && !state.closed;
  return groupAverage(scores.length, open, () => ({
    average: round1(scores.reduce((a, b) => a + b, 0) / scores.length),
  }));
}

/** The circle's average usefulness and feasibility, rounded to one decimal; see GroupAverage. */
export function averageRatings(
  state: SessionState,
): GroupAverage<{ usefulness: number; feasibility: number }> {
  const ratings = Object.values(state.ratings);
  // Anyone may rate, and change their rating, until the circle decides.
  const open = !state.decision && !state.closed;
  const mean = (pick: (r: { usefulness: number; feasibility: number }) => number) =>
    round1(ratings.reduce((a, r) => a + pick(r), 0) / ratings.length);
  return groupAverage(ratings.length, open, () => ({
    usefulness: mean((r) => r.usefulness),
    feasibility: mean((r) => r.feasibility),
  }));
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** When the current stage's time box ends (ISO), or undefined outside the stages. */
export function stageEndsAt(state: SessionState): string | undefined {
  if (state.phase !== 'stages' || !state.setup || !state.stageStartedAt) return undefined;
  const minutes = state.setup.timeboxes[state.stageIndex] ?? 10;
  return new Date(Date.parse(state.stageStartedAt) + minutes * 60_000).toISOString();
}

/** Which stages may be moved to from here: one step on or back, within the five. */
export function canMove(state: SessionState, from: number, to: number): boolean {
  if (state.phase !== 'stages' || state.closed || from !== state.stageIndex) return false;
  if (to < 0 || to >= STAGE_COUNT || Math.abs(to - from) !== 1) return false;
  // The circle evaluates a draft: onwards from the AI stage only once there is one.
  if (from === AI_STAGE_INDEX && to === EVALUATION_STAGE_INDEX) return state.draft?.status === 'ready';
  return true;
}

/** The session's id: one per cycle day, or one per circle and date outside a planned cycle. */
export function sessionIdFor(
  tenantId: string,
  circleId: string,
  slot: { cycleId: string; dayIndex: number } | { date: string },
): string {
  return 'cycleId' in slot
    ? `${tenantId}:${circleId}:${slot.cycleId}:${slot.dayIndex}`
    : `${tenantId}:${circleId}:day:${slot.date}`;
}

/**
 * The draft when no model is configured (or the circle goes on without one): assembled from the circle's
 * own words, and labelled as such on the card. The problem statement is the summary, the brainstorm's ideas
 * are the steps; the critical questions are the standard ones the concept asks of any proposal.
 */
export function draftFromContributions(
  state: SessionState,
  texts: { title: string; noProblem: string; effect: string; criticalQuestions: string[] },
): ProposalDraft {
  const problem = contributionsOf(state, 'problem').map((c) => c.text);
  const ideas = contributionsOf(state, 'brainstorm').map((c) => c.text);
  const analysis = contributionsOf(state, 'analysis').map((c) => c.text);
  return {
    title: texts.title,
    summary: problem.length > 0 ? problem.join(' ') : texts.noProblem,
    steps: ideas.length > 0 ? ideas.slice(0, 8) : analysis.slice(0, 3),
    expectedEffect: texts.effect,
    risks: [],
    question: state.setup?.question,
    criticalQuestions: texts.criticalQuestions.slice(0, 3),
  };
}

/** The placeholder that takes an erased person's place in a session's events. */
export const ERASED_MEMBER = 'erased';

/**
 * The right to erasure inside a session: the person's id and name go, what they contributed stays with
 * the circle without a name (as in an anonymous brainstorm).
 */
export function forgetInEvent(event: SessionEvent, aadObjectId: string): SessionEvent {
  const me = aadObjectId.toLowerCase();
  const swap = (by: string | undefined) => (by?.toLowerCase() === me ? ERASED_MEMBER : by);
  if (event.type === 'opened') {
    return {
      ...event,
      by: swap(event.by),
      header: {
        ...event.header,
        members: event.header.members.filter((m) => m.aadObjectId.toLowerCase() !== me),
      },
    };
  }
  if ('by' in event) return { ...event, by: swap(event.by) } as SessionEvent;
  return event;
}

/**
 * `forgetInEvent` on a state already folded: the same as folding the events with the person forgotten in
 * each. Needed once retention has removed a session's events and only its final snapshot is left.
 * One difference cannot be helped: when an earlier erasure left a check-in or rating under the placeholder
 * too, the fold keeps whichever came last, which the state no longer tells (here: the later key's).
 */
export function forgetInState(state: SessionState, aadObjectId: string): SessionState {
  const me = aadObjectId.toLowerCase();
  const mine = (by: string) => by.toLowerCase() === me;
  const swap = (by: string) => (mine(by) ? ERASED_MEMBER : by);
  const rekey = <V>(entries: Record<string, V>): Record<string, V> => {
    const out: Record<string, V> = {};
    for (const [by, value] of Object.entries(entries)) out[swap(by)] = value;
    return out;
  };
  return {
    ...state,
    header: { ...state.header, members: state.header.members.filter((m) => !mine(m.aadObjectId)) },
    checkins: rekey(state.checkins),
    ratings: rekey(state.ratings),
    contributions: state.contributions.map((c) => (mine(c.by) ? { ...c, by: ERASED_MEMBER } : c)),
    decision:
      state.decision && mine(state.decision.by) ? { ...state.decision, by: ERASED_MEMBER } : state.decision,
    present: state.present.map(swap).filter((by, i, all) => all.indexOf(by) === i),
  };
}
