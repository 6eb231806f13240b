import { createHash } from 'node:crypto';
import type { LedgerService } from './ledger.service';
import { DRAFT_LIMITS, type DraftMaterial, type DraftResult, type ProposalDraft } from './proposal-draft';
import type { ProposalWriter } from './proposal';
import type { NamedPerson } from './person-names';
import { neutraliseTokens } from './person-ref';
import { pseudonymiser, tokenise } from './pseudonymiser';
import {
  AI_STAGE_INDEX,
  applyEvent,
  canMove,
  contributionsOf,
  currentStage,
  EVALUATION_STAGE_INDEX,
  isMember,
  SESSION_LIMITS,
  type CloseReason,
  type DecisionKind,
  type DraftFailure,
  type SessionChat,
  type SessionEvent,
  type SessionHeader,
  type SessionState,
  type SessionTrigger,
} from './session';
import { DIDACTIC_QUESTIONS, type DidacticQuestion } from './traject';
import { STAGE_KINDS, VIDEOFRAME_LIMITS, type Videoframe } from './videoframe';

export interface SessionRepository {
  /** Inserts event number `seq` of the session; false when that number is taken (someone else was first). */
  append(sessionId: string, seq: number, event: SessionEvent): Promise<boolean>;
  /** The session's state: its last snapshot plus any events after it; undefined when never opened. */
  load(sessionId: string): Promise<SessionState | undefined>;
  /** Keeps a copy of the state for quick reads; may lag behind the events, never ahead of them. */
  saveSnapshot(state: SessionState): Promise<void>;
  /** Sessions the person was a member of (the right of access). */
  listForMember(tenantId: string, aadObjectId: string): Promise<SessionState[]>;
}

export type SessionProblem =
  | 'not_member'
  | 'closed'
  | 'too_long'
  | 'empty'
  | 'full'
  | 'unknown_frame'
  | 'unknown_situation'
  | 'bad_timeboxes'
  | 'reason_required'
  | 'edit_required'
  | 'no_draft';

export type SessionOutcome =
  /** The change was made (now `state`). */
  | { kind: 'changed'; state: SessionState }
  /** It was made before (a resent invoke, a double click): nothing changed. */
  | { kind: 'unchanged'; state: SessionState }
  /** The card it came from is out of date (the circle moved on): nothing changed, show `state`. */
  | { kind: 'stale'; state: SessionState }
  | { kind: 'refused'; state: SessionState; problem: SessionProblem }
  | { kind: 'not_found' };

type Decision = SessionEvent | { refuse: SessionProblem } | 'stale' | 'unchanged';

export interface BeginRequest {
  rev: number;
  frameId: string;
  /** 'new' with `newSituation`, or the id of an earlier session of the cycle whose situation carries over. */
  situation: string;
  newSituation: string;
  question: DidacticQuestion | undefined;
  anonymousBrainstorm: boolean;
  timeboxes: number[] | undefined;
}

export interface DecideRequest {
  rev: number;
  kind: DecisionKind;
  reason: string;
  /** For 'adapt': the circle's version of these parts of the draft (the rest stays as drafted). */
  edited: Pick<ProposalDraft, 'title' | 'summary' | 'steps' | 'expectedEffect'> | undefined;
}

/**
 * How many times a change is decided again after losing the race for its event number. A circle has at
 * most six members; even all of them double-clicking at once settles well within this.
 */
const MAX_ATTEMPTS = 20;

/** A draft still 'drafting' after this long was lost (a replica died): asking again is allowed. */
export const DRAFT_STUCK_MS = 3 * 60_000;

export class SessionService {
  constructor(
    private readonly repository: SessionRepository,
    private readonly options: {
      clock: () => Date;
      newId: () => string;
      videoframes: () => readonly Videoframe[];
      proposals: ProposalWriter;
      ledger: Pick<LedgerService, 'creditSession'>;
    },
  ) {}

  get(sessionId: string): Promise<SessionState | undefined> {
    return this.repository.load(sessionId);
  }

  listForMember(tenantId: string, aadObjectId: string): Promise<SessionState[]> {
    return this.repository.listForMember(tenantId, aadObjectId);
  }

  /** Opens the session once, whichever trigger comes first; later triggers get the session as it is. */
  async open(
    header: SessionHeader,
    trigger: SessionTrigger,
    by: string | undefined,
  ): Promise<{ state: SessionState; created: boolean }> {
    const event: SessionEvent = { type: 'opened', at: this.now(), by, trigger, header };
    if (await this.repository.append(header.id, 1, event)) {
      const state = applyEvent(undefined, event);
      await this.repository.saveSnapshot(state);
      return { state, created: true };
    }
    const state = await this.repository.load(header.id);
    if (!state) throw new Error('session event 1 exists but the session cannot be read');
    return { state, created: false };
  }

  /** Remembers which message holds the session's card, so it can be updated for everyone. */
  recordCard(sessionId: string, activityId: string, chat: SessionChat): Promise<SessionOutcome> {
    return this.change(sessionId, undefined, (s) => {
      if (s.cardActivityId === activityId) return 'unchanged';
      const elsewhere = chat.conversationId !== s.header.chat.conversationId;
      return { type: 'card', at: this.now(), activityId, chat: elsewhere ? chat : undefined };
    });
  }

  checkIn(sessionId: string, by: string, energy: number): Promise<SessionOutcome> {
    return this.change(sessionId, by, (s) => {
      if (s.phase !== 'kickoff') return 'stale';
      if (
        !Number.isInteger(energy) ||
        energy < SESSION_LIMITS.energy.min ||
        energy > SESSION_LIMITS.energy.max
      )
        return { refuse: 'empty' };
      return s.checkins[by] === energy ? 'unchanged' : { type: 'checkedIn', at: this.now(), by, energy };
    });
  }

  begin(sessionId: string, by: string, request: BeginRequest): Promise<SessionOutcome> {
    return this.change(sessionId, by, (s) => {
      if (s.phase !== 'kickoff' || s.stageRev !== request.rev) return 'stale';
      const frame = this.options.videoframes().find((f) => f.id === request.frameId);
      if (!frame) return { refuse: 'unknown_frame' };
      let situation: { text: string; fromSessionId: string | undefined };
      if (request.situation === 'new') {
        const text = neutraliseTokens(request.newSituation.trim());
        if (!text) return { refuse: 'empty' };
        if (text.length > SESSION_LIMITS.situationMaxLength) return { refuse: 'too_long' };
        situation = { text, fromSessionId: undefined };
      } else {
        const carried = s.header.carried.situations.find((c) => c.fromSessionId === request.situation);
        if (!carried) return { refuse: 'unknown_situation' };
        situation = { text: carried.text, fromSessionId: carried.fromSessionId };
      }
      const timeboxes = request.timeboxes ?? frame.stages.map((stage) => stage.timeboxMinutes);
      const { min, max } = VIDEOFRAME_LIMITS.timeboxMinutes;
      if (
        timeboxes.length !== STAGE_KINDS.length ||
        timeboxes.some((m) => !Number.isInteger(m) || m < min || m > max) ||
        timeboxes.reduce((a, b) => a + b, 0) > VIDEOFRAME_LIMITS.totalMinutesMax
      )
        return { refuse: 'bad_timeboxes' };
      if (request.question !== undefined && !DIDACTIC_QUESTIONS.includes(request.question))
        return { refuse: 'empty' };
      return {
        type: 'begun',
        at: this.now(),
        by,
        frame,
        timeboxes,
        anonymousBrainstorm: request.anonymousBrainstorm,
        situation,
        question: request.question,
      };
    });
  }

  /**
   * Adds a contribution to the stage the card shows, when the circle is still there. The same text from the
   * same person in the same stage is one contribution (a double click, a resent invoke).
   */
  contribute(sessionId: string, by: string, stageIndex: number, rawText: string): Promise<SessionOutcome> {
    const text = neutraliseTokens(rawText.trim());
    return this.change(sessionId, by, (s) => {
      if (s.phase !== 'stages' || s.stageIndex !== stageIndex) return 'stale';
      const stage = currentStage(s);
      if (stage === 'ai_proposal' || stage === 'evaluation') return 'stale';
      if (!text) return { refuse: 'empty' };
      if (text.length > SESSION_LIMITS.contributionMaxLength) return { refuse: 'too_long' };
      const key = createHash('sha256')
        .update(JSON.stringify([by.toLowerCase(), stage, text.toLowerCase().replace(/\s+/g, ' ')]))
        .digest('hex')
        .slice(0, 24);
      if (s.contributions.some((c) => c.key === key)) return 'unchanged';
      if (s.contributions.length >= SESSION_LIMITS.contributionsMax) return { refuse: 'full' };
      return { type: 'contributed', at: this.now(), by, key, stage, text };
    });
  }

  /** One stage on or back. Reaching the AI stage without a draft starts drafting in the same step. */
  move(
    sessionId: string,
    by: string,
    request: { rev: number; from: number; to: number; withModel: boolean },
  ): Promise<SessionOutcome> {
    return this.change(sessionId, by, (s) => {
      if (s.stageRev !== request.rev || !canMove(s, request.from, request.to)) return 'stale';
      const needsDraft =
        request.to === AI_STAGE_INDEX && (!s.draft || s.draft.status === 'failed' || this.isStuck(s));
      return {
        type: 'moved',
        at: this.now(),
        by,
        from: request.from,
        to: request.to,
        draft: needsDraft ? { attempt: this.options.newId(), withModel: request.withModel } : undefined,
      };
    });
  }

  /** Asks for a new draft at the AI stage: after a failure, to go on without AI, or for another take. */
  redraft(
    sessionId: string,
    by: string,
    request: { rev: number; withModel: boolean },
  ): Promise<SessionOutcome> {
    return this.change(sessionId, by, (s) => {
      if (s.phase !== 'stages' || s.stageRev !== request.rev || s.stageIndex !== AI_STAGE_INDEX)
        return 'stale';
      if (s.draft?.status === 'drafting' && !this.isStuck(s)) return 'unchanged';
      return {
        type: 'draftRequested',
        at: this.now(),
        by,
        attempt: this.options.newId(),
        withModel: request.withModel,
      };
    });
  }

  /** The drafting's result; ignored when the circle asked for another draft meanwhile. */
  completeDraft(
    sessionId: string,
    attempt: string,
    result: { ok: DraftResult } | { failed: DraftFailure },
  ): Promise<SessionOutcome> {
    return this.change(sessionId, undefined, (s) => {
      if (s.draft?.attempt !== attempt || s.draft.status !== 'drafting') return 'unchanged';
      return 'ok' in result
        ? { type: 'draftReady', at: this.now(), attempt, result: result.ok }
        : { type: 'draftFailed', at: this.now(), attempt, reason: result.failed };
    });
  }

  rate(
    sessionId: string,
    by: string,
    request: { usefulness: number; feasibility: number },
  ): Promise<SessionOutcome> {
    return this.change(sessionId, by, (s) => {
      if (s.phase !== 'stages' || s.stageIndex !== EVALUATION_STAGE_INDEX) return 'stale';
      const ok = (n: number) =>
        Number.isInteger(n) && n >= SESSION_LIMITS.rating.min && n <= SESSION_LIMITS.rating.max;
      if (!ok(request.usefulness) || !ok(request.feasibility)) return { refuse: 'empty' };
      const mine = s.ratings[by];
      if (mine?.usefulness === request.usefulness && mine.feasibility === request.feasibility)
        return 'unchanged';
      return { type: 'rated', at: this.now(), by, ...request };
    });
  }

  /** The circle's decision on the draft; then the proposal and everyone's time are recorded. */
  async decide(sessionId: string, by: string, request: DecideRequest): Promise<SessionOutcome> {
    const outcome = await this.change(sessionId, by, (s) => {
      if (s.phase !== 'stages' || s.stageIndex !== EVALUATION_STAGE_INDEX || s.stageRev !== request.rev)
        return 'stale';
      const draft = s.draft?.status === 'ready' ? s.draft.result?.draft : undefined;
      if (!draft) return { refuse: 'no_draft' };
      const reason = neutraliseTokens(request.reason.trim());
      if (reason.length > SESSION_LIMITS.reasonMaxLength) return { refuse: 'too_long' };
      if (request.kind === 'reject' && !reason) return { refuse: 'reason_required' };
      let final = draft;
      if (request.kind === 'adapt') {
        const changes = request.edited;
        if (!changes || !changes.title.trim() || !changes.summary.trim()) return { refuse: 'edit_required' };
        // The card showed the draft with names; the proposal refers to the members instead (person-ref.ts).
        const people = s.header.members.map((m) => ({ ref: m.aadObjectId, name: m.name }));
        const own = (text: string) => tokenise(people, neutraliseTokens(text.trim()));
        const edited: ProposalDraft = {
          ...draft,
          title: own(changes.title),
          summary: own(changes.summary),
          steps: changes.steps.map(own).filter((step) => step !== ''),
          expectedEffect: own(changes.expectedEffect),
        };
        if (!withinDraftLimits(edited)) return { refuse: 'too_long' };
        final = edited;
      }
      return {
        type: 'decided',
        at: this.now(),
        by,
        kind: request.kind,
        reason: reason || undefined,
        final,
      };
    });
    if (outcome.kind === 'changed' || outcome.kind === 'stale') await this.settle(outcome.state);
    return outcome;
  }

  /** Ends the session (meeting end, or `stop`); the members' time is credited once. */
  async close(sessionId: string, by: string | undefined, reason: CloseReason): Promise<SessionOutcome> {
    const outcome = await this.change(sessionId, by, (s) =>
      s.closed ? 'unchanged' : { type: 'closed', at: this.now(), by, reason },
    );
    if (outcome.kind === 'changed' || outcome.kind === 'unchanged') await this.settle(outcome.state);
    return outcome;
  }

  /**
   * What a decided or closed session leaves behind: the proposal (adopted, adapted or rejected) credited to
   * everyone present, and the session's time in each present member's ledger. Every write is keyed by the
   * session, so this is safe to run again (a resent invoke, a replica that died half-way).
   */
  async settle(state: SessionState): Promise<void> {
    const { header } = state;
    const present = state.present.filter((aad) => isMember(state, aad));
    if (state.decision && state.setup) {
      const { final, kind, reason } = state.decision;
      await this.options.proposals.record({
        idempotencyKey: `${header.id}:proposal`,
        id: uuidFrom(`${header.id}:proposal`),
        tenantId: header.tenantId,
        circleId: header.circleId,
        sessionId: header.id,
        cycleId: header.cycleId,
        title: final.title,
        summary: final.summary,
        steps: final.steps,
        expectedEffect: final.expectedEffect,
        risks: final.risks,
        question: final.question ?? state.setup.question,
        workSituation: state.setup.situation.text,
        status: kind === 'reject' ? 'rejected' : 'validated',
        decision: kind,
        rejectionReason: kind === 'reject' ? reason : undefined,
        draftSource: state.draft?.result?.provenance.source ?? 'contributions',
        model: state.draft?.result?.provenance.model,
        promptVersion: state.draft?.result?.provenance.promptVersion,
        namesReplaced: state.draft?.result?.provenance.namesReplaced,
        contributorAadObjectIds: present,
        createdAt: new Date(state.decision.at),
      });
    }
    if (state.decision || state.closed) {
      for (const aadObjectId of present) {
        await this.options.ledger.creditSession(
          { tenantId: header.tenantId, aadObjectId },
          {
            id: uuidFrom(`${header.id}:time:${aadObjectId.toLowerCase()}`),
            what: header.circleName,
            date: header.date,
            minutes: header.plannedMinutes,
          },
        );
      }
    }
  }

  /**
   * The group's material for the model, with every person replaced by a placeholder: the circle's members
   * and `participants` (everyone else in the chat). `reveal` turns the placeholders in the model's answer
   * into person tokens, so the draft names nobody until it is shown.
   */
  materialFor(
    state: SessionState,
    questionText: (q: DidacticQuestion) => string,
    participants: readonly NamedPerson[] = [],
  ): { material: DraftMaterial; reveal: (text: string) => string } {
    const people = [
      ...state.header.members.map((m) => ({ ref: m.aadObjectId, name: m.name })),
      ...participants,
    ];
    const { hide, reveal } = pseudonymiser(people, state.header.locale);
    const texts = (stage: 'analysis' | 'problem' | 'brainstorm') =>
      contributionsOf(state, stage).map((c) => hide(c.text));
    const question = state.setup?.question;
    return {
      material: {
        locale: state.header.locale,
        videoframeTitle: state.setup?.frame.title[state.header.locale] ?? '',
        workSituation: hide(state.setup?.situation.text ?? ''),
        question: question === undefined ? undefined : { number: question, text: questionText(question) },
        analysis: texts('analysis'),
        problem: texts('problem'),
        brainstorm: texts('brainstorm'),
      },
      reveal,
    };
  }

  private isStuck(state: SessionState): boolean {
    return (
      state.draft?.status === 'drafting' &&
      this.options.clock().getTime() - Date.parse(state.draft.requestedAt) > DRAFT_STUCK_MS
    );
  }

  private now(): string {
    return this.options.clock().toISOString();
  }

  /**
   * Decides on the current state and appends the event under the next number. Losing that number to
   * someone else means the state moved: decide again on the new state (a contribution is then added after
   * theirs; a "next" from the old stage turns out stale).
   */
  private async change(
    sessionId: string,
    by: string | undefined,
    decide: (state: SessionState) => Decision,
  ): Promise<SessionOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = await this.repository.load(sessionId);
      if (!state) return { kind: 'not_found' };
      if (by !== undefined && !isMember(state, by)) return { kind: 'refused', state, problem: 'not_member' };
      if (state.closed && by !== undefined) return { kind: 'refused', state, problem: 'closed' };
      const decision = decide(state);
      if (decision === 'stale') return { kind: 'stale', state };
      if (decision === 'unchanged') return { kind: 'unchanged', state };
      if ('refuse' in decision) return { kind: 'refused', state, problem: decision.refuse };
      if (await this.repository.append(sessionId, state.version + 1, decision)) {
        const next = applyEvent(state, decision);
        await this.repository.saveSnapshot(next);
        return { kind: 'changed', state: next };
      }
      // Lost the race: a short random pause, so the writers that lost together do not collide again.
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10 * (attempt + 1)));
    }
    throw Object.assign(new Error('session too busy: could not append an event'), {
      code: 'SESSION_CONTENDED',
    });
  }
}

function withinDraftLimits(d: ProposalDraft): boolean {
  return (
    d.title.length <= DRAFT_LIMITS.titleMaxLength &&
    d.summary.length <= DRAFT_LIMITS.summaryMaxLength &&
    d.steps.length <= DRAFT_LIMITS.stepsMax &&
    d.steps.every((step) => step.length <= DRAFT_LIMITS.stepMaxLength) &&
    d.expectedEffect.length <= DRAFT_LIMITS.effectMaxLength
  );
}

/** A stable UUID-shaped id from a key, so an effect recorded twice gets the same id. */
function uuidFrom(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
