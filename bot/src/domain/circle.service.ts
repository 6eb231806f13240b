import {
  CIRCLE_LIMITS,
  checkFormation,
  membersFromRoster,
  type Circle,
  type CircleChat,
  type CircleMember,
  type CircleProblem,
  type CircleRepository,
} from './circle';
import type { Locale } from './locale';

export type FormOutcome =
  | { kind: 'formed'; circle: Circle }
  /** The same submission again (a resent invoke, a double click): nothing changed. */
  | { kind: 'unchanged'; circle: Circle }
  | { kind: 'invalid'; problems: CircleProblem[] }
  /** This chat already has a circle (formed by someone else's card). */
  | { kind: 'chat_has_circle'; circle: Circle };

export type ChangeOutcome =
  | { kind: 'changed'; circle: Circle }
  | { kind: 'unchanged'; circle: Circle }
  | { kind: 'invalid'; problems: CircleProblem[]; circle: Circle }
  | { kind: 'no_circle' }
  /** The circle changed in between (another member's card); nothing changed. */
  | { kind: 'conflict'; circle: Circle | undefined };

export interface FormRequest {
  tenantId: string;
  chat: CircleChat;
  name: string;
  locale: Locale;
  timeZone: string;
  memberIds: readonly string[];
  /** The chat's members as Teams lists them: who may be chosen, and their names. */
  roster: readonly CircleMember[];
  createdBy: string;
  submissionId: string;
}

/** How long a resent form card waits for the first one to finish, and when a forming circle counts as abandoned. */
const FORMING_POLL_MS = 100;
const FORMING_WAIT_MS = 5_000;
const FORMING_ABANDONED_MS = 60_000;

export class CircleService {
  constructor(
    private readonly circles: CircleRepository,
    private readonly options: { clock: () => Date; newId: () => string; maxCirclesPerMember: number },
  ) {}

  /** The chat's circle once formed (a circle still forming is not there yet for anyone else). */
  async findByChat(tenantId: string, conversationId: string): Promise<Circle | undefined> {
    const circle = await this.circles.findByChat(tenantId, conversationId);
    return circle?.status === 'formed' ? circle : undefined;
  }

  /** A formed circle by its id. */
  async findById(tenantId: string, circleId: string): Promise<Circle | undefined> {
    const circle = await this.circles.findById(tenantId, circleId);
    return circle?.status === 'formed' ? circle : undefined;
  }

  async listForMember(tenantId: string, aadObjectId: string): Promise<Circle[]> {
    return (await this.circles.listForMember(tenantId, aadObjectId)).filter((c) => c.status === 'formed');
  }

  async form(request: FormRequest): Promise<FormOutcome> {
    const existing = await this.settled(request.tenantId, request.chat.conversationId, request.submissionId);
    if (existing) return this.outcomeFor(existing, request.submissionId);

    const problems = checkFormation(request.name, request.memberIds, request.roster);
    if (problems.length > 0) return { kind: 'invalid', problems };

    const now = this.options.clock();
    const forming: Circle = {
      id: this.options.newId(),
      tenantId: request.tenantId,
      name: request.name.trim(),
      locale: request.locale,
      timeZone: request.timeZone,
      chat: request.chat,
      members: membersFromRoster(request.memberIds, request.roster),
      createdBy: request.createdBy,
      lastSubmissionId: request.submissionId,
      status: 'forming',
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
    // First the chat is taken (one unique insert), then the places: a resent card finds the chat taken by
    // its own submission and waits for it, instead of taking places of its own.
    const created = await this.circles.create(forming);
    if (created === 'name_taken') return { kind: 'invalid', problems: [{ code: 'name_taken' }] };
    if (created === 'chat_taken') {
      const winner = await this.settled(request.tenantId, request.chat.conversationId, request.submissionId);
      return winner
        ? this.outcomeFor(winner, request.submissionId)
        : { kind: 'invalid', problems: [{ code: 'chat_has_circle' }] };
    }
    const full = await this.claimPlaces(forming, forming.members);
    if (full.length > 0) {
      await this.circles.removeForming(forming);
      return {
        kind: 'invalid',
        problems: [
          { code: 'too_many_circles', names: full.map((m) => m.name), max: this.options.maxCirclesPerMember },
        ],
      };
    }
    const formed: Circle = { ...forming, status: 'formed', version: 1, updatedAt: this.options.clock() };
    await this.circles.update(formed, 0);
    return { kind: 'formed', circle: formed };
  }

  private outcomeFor(existing: Circle, submissionId: string): FormOutcome {
    if (existing.status === 'forming') return { kind: 'invalid', problems: [{ code: 'chat_has_circle' }] };
    return existing.lastSubmissionId === submissionId && existing.version === 1
      ? { kind: 'unchanged', circle: existing }
      : { kind: 'chat_has_circle', circle: existing };
  }

  /**
   * The chat's circle once it is no longer forming: waits (briefly) while this same submission is forming it
   * elsewhere, and clears a forming circle that was abandoned (a replica died half-way).
   */
  private async settled(
    tenantId: string,
    conversationId: string,
    submissionId: string,
  ): Promise<Circle | undefined> {
    for (let waited = 0; ; waited += FORMING_POLL_MS) {
      const circle = await this.circles.findByChat(tenantId, conversationId);
      if (!circle || circle.status === 'formed') return circle;
      const age = this.options.clock().getTime() - circle.createdAt.getTime();
      if (age > FORMING_ABANDONED_MS) {
        await this.releasePlaces(circle, circle.members);
        await this.circles.removeForming(circle);
        return undefined;
      }
      if (circle.lastSubmissionId !== submissionId || waited >= FORMING_WAIT_MS) return circle;
      await new Promise((resolve) => setTimeout(resolve, FORMING_POLL_MS));
    }
  }

  /**
   * Keeps the session settings a member chose (time boxes, anonymous brainstorm) for the circle's next
   * sessions. Last writer wins; a change made meanwhile is simply read again and overwritten once.
   */
  async saveSessionSettings(
    tenantId: string,
    circleId: string,
    settings: { timeboxes: number[]; anonymousBrainstorm: boolean },
  ): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const circle = await this.circles.findById(tenantId, circleId);
      if (!circle || circle.status !== 'formed') return;
      const same =
        circle.sessionSettings?.anonymousBrainstorm === settings.anonymousBrainstorm &&
        circle.sessionSettings.timeboxes.join(',') === settings.timeboxes.join(',');
      if (same) return;
      const next: Circle = {
        ...circle,
        sessionSettings: settings,
        version: circle.version + 1,
        updatedAt: this.options.clock(),
      };
      if (await this.circles.update(next, circle.version)) return;
    }
  }

  /** A member leaves the circle of this chat. Leaving twice is not an error: the second time changes nothing. */
  async leave(tenantId: string, conversationId: string, aadObjectId: string): Promise<ChangeOutcome> {
    const circle = await this.findByChat(tenantId, conversationId);
    if (!circle) return { kind: 'no_circle' };
    const id = aadObjectId.toLowerCase();
    const leaving = circle.members.find((m) => m.aadObjectId.toLowerCase() === id);
    if (!leaving) return { kind: 'invalid', problems: [{ code: 'not_a_member' }], circle };
    const next: Circle = {
      ...circle,
      members: circle.members.filter((m) => m !== leaving),
      version: circle.version + 1,
      updatedAt: this.options.clock(),
    };
    if (!(await this.circles.update(next, circle.version))) {
      return { kind: 'conflict', circle: await this.circles.findByChat(tenantId, conversationId) };
    }
    await this.releasePlaces(circle, [leaving]);
    return { kind: 'changed', circle: next };
  }

  /** Adds people from the chat's roster to the circle of this chat, within the limits. */
  async add(request: {
    tenantId: string;
    conversationId: string;
    memberIds: readonly string[];
    roster: readonly CircleMember[];
    expectedVersion: number;
    submissionId: string;
  }): Promise<ChangeOutcome> {
    const circle = await this.findByChat(request.tenantId, request.conversationId);
    if (!circle) return { kind: 'no_circle' };
    if (circle.lastSubmissionId === request.submissionId) return { kind: 'unchanged', circle };
    if (circle.version !== request.expectedVersion) return { kind: 'conflict', circle };

    const current = new Set(circle.members.map((m) => m.aadObjectId.toLowerCase()));
    const wanted = [...new Set(request.memberIds.map((id) => id.toLowerCase()))];
    const problems: CircleProblem[] = [];
    if (wanted.length === 0) problems.push({ code: 'too_few', min: 1 });
    const already = circle.members.filter((m) => wanted.includes(m.aadObjectId.toLowerCase()));
    if (already.length > 0) problems.push({ code: 'already_member', names: already.map((m) => m.name) });
    const inChat = new Set(request.roster.map((m) => m.aadObjectId.toLowerCase()));
    const strangers = wanted.filter((id) => !inChat.has(id));
    if (strangers.length > 0) problems.push({ code: 'not_in_chat', names: strangers });
    if (current.size + wanted.length > CIRCLE_LIMITS.maxMembers) {
      problems.push({ code: 'too_many', max: CIRCLE_LIMITS.maxMembers });
    }
    if (problems.length > 0) return { kind: 'invalid', problems, circle };

    const joining = membersFromRoster(wanted, request.roster);
    const full = await this.claimPlaces(circle, joining);
    if (full.length > 0) {
      return {
        kind: 'invalid',
        problems: [
          { code: 'too_many_circles', names: full.map((m) => m.name), max: this.options.maxCirclesPerMember },
        ],
        circle,
      };
    }
    const next: Circle = {
      ...circle,
      members: [...circle.members, ...joining],
      lastSubmissionId: request.submissionId,
      version: circle.version + 1,
      updatedAt: this.options.clock(),
    };
    if (await this.circles.update(next, circle.version)) return { kind: 'changed', circle: next };
    await this.releasePlaces(circle, joining);
    const now = await this.circles.findByChat(request.tenantId, request.conversationId);
    return now?.lastSubmissionId === request.submissionId
      ? { kind: 'unchanged', circle: now }
      : { kind: 'conflict', circle: now };
  }

  /**
   * Takes a person out of every circle they are in (their right to erasure): the circle stays, without
   * them, and their places are given back. Returns how many circles they left. Retries a circle that
   * changed in between; idempotent.
   */
  async forgetMember(tenantId: string, aadObjectId: string): Promise<number> {
    const id = aadObjectId.toLowerCase();
    let left = 0;
    for (const circle of await this.circles.listForMember(tenantId, aadObjectId)) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await this.circles.findByChat(tenantId, circle.chat.conversationId);
        const leaving = current?.members.find((m) => m.aadObjectId.toLowerCase() === id);
        if (!current || !leaving) break;
        const next: Circle = {
          ...current,
          members: current.members.filter((m) => m !== leaving),
          createdBy: current.createdBy.toLowerCase() === id ? '' : current.createdBy,
          version: current.version + 1,
          updatedAt: this.options.clock(),
        };
        if (await this.circles.update(next, current.version)) {
          left += 1;
          break;
        }
      }
      await this.circles.releasePlace(tenantId, aadObjectId, circle.id, this.options.maxCirclesPerMember);
    }
    return left;
  }

  /** Claims a circle place for each person; on any refusal gives back what it took and names who is full. */
  private async claimPlaces(circle: Circle, members: readonly CircleMember[]): Promise<CircleMember[]> {
    const max = this.options.maxCirclesPerMember;
    const taken: CircleMember[] = [];
    const full: CircleMember[] = [];
    for (const member of members) {
      if (await this.circles.claimPlace(circle.tenantId, member.aadObjectId, circle.id, max))
        taken.push(member);
      else full.push(member);
    }
    if (full.length > 0) await this.releasePlaces(circle, taken);
    return full;
  }

  private async releasePlaces(circle: Circle, members: readonly CircleMember[]): Promise<void> {
    for (const member of members) {
      await this.circles.releasePlace(
        circle.tenantId,
        member.aadObjectId,
        circle.id,
        this.options.maxCirclesPerMember,
      );
    }
  }
}
