import { conversationDueDates, nextDueAfterHeld } from './talent-timing';
import {
  conversationId,
  meetingInstants,
  TALENT_LIMITS,
  TALENT_MEETING_MINUTES,
  type TalentConversation,
  type TalentConversationRepository,
} from './talent-conversation';

export type TalentProblem =
  | 'not_found'
  | 'not_party'
  | 'not_manager'
  | 'not_planned'
  | 'no_manager'
  | 'bad_date'
  | 'bad_time'
  | 'too_long'
  | 'stale';

export type TalentOutcome =
  | { kind: 'changed'; conversation: TalentConversation; previous: TalentConversation }
  | { kind: 'unchanged'; conversation: TalentConversation }
  | { kind: 'refused'; problem: TalentProblem; conversation?: TalentConversation };

export interface TalentOptions {
  clock: () => Date;
  /** Months from the traject's start to the first conversation (the concept: 6). */
  firstAfterMonths: number;
  /** Months between conversations (the concept: 6). */
  everyMonths: number;
}

const today = (clock: () => Date) => clock().toISOString().slice(0, 10);

/**
 * Plans a professional's talent-development conversations and records what happens to them. Each
 * conversation is one document under `<tenant>:<professional>:<seq>`: planning the next one is a unique
 * insert, so a traject saved twice or a conversation marked held twice plans it once.
 */
export class TalentConversationService {
  constructor(
    private readonly conversations: TalentConversationRepository,
    private readonly options: TalentOptions,
  ) {}

  get(id: string): Promise<TalentConversation | undefined> {
    return this.conversations.get(id);
  }

  listForProfessional(tenantId: string, aadObjectId: string): Promise<TalentConversation[]> {
    return this.conversations.listForProfessional(tenantId, aadObjectId);
  }

  listForManager(tenantId: string, managerAadObjectId: string): Promise<TalentConversation[]> {
    return this.conversations.listForManager(tenantId, managerAadObjectId);
  }

  /**
   * The professional's open conversation, planned when there is none: the first one `firstAfterMonths`
   * after the traject's start, the next one `everyMonths` after the last one held. The manager is kept up
   * to date with the one the professional names now.
   */
  async ensurePlanned(input: {
    tenantId: string;
    professionalAadObjectId: string;
    managerAadObjectId: string | undefined;
    trajectStart: string;
  }): Promise<{ conversation: TalentConversation; created: boolean; previous?: TalentConversation }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const all = await this.conversations.listForProfessional(input.tenantId, input.professionalAadObjectId);
      const open = all.find((c) => c.status === 'planned');
      if (open) {
        if (open.managerAadObjectId === input.managerAadObjectId?.toLowerCase())
          return { conversation: open, created: false };
        // A meeting agreed with the previous manager is not one with the new manager: it goes.
        const next = this.bump(open, {
          managerAadObjectId: input.managerAadObjectId?.toLowerCase(),
          meeting: undefined,
        });
        if (await this.conversations.update(next, open.version))
          return { conversation: next, created: false, previous: open };
        continue;
      }
      const last = all.at(-1);
      // Six months on from the last one: from the day it was held when that was late, from its planned
      // date when it was held early (so the rhythm holds and two conversations never share a date).
      const from = last
        ? last.heldOn && last.heldOn > last.dueDate
          ? last.heldOn
          : last.dueDate
        : undefined;
      const dueDate = from
        ? nextDueAfterHeld(from, this.options.everyMonths)
        : conversationDueDates(input.trajectStart, {
            firstAfterMonths: this.options.firstAfterMonths,
            everyMonths: this.options.everyMonths,
          })[0]!;
      const seq = (last?.seq ?? 0) + 1;
      const now = this.options.clock().toISOString();
      const conversation: TalentConversation = {
        id: conversationId(input.tenantId, input.professionalAadObjectId, seq),
        tenantId: input.tenantId,
        professionalAadObjectId: input.professionalAadObjectId.toLowerCase(),
        managerAadObjectId: input.managerAadObjectId?.toLowerCase(),
        seq,
        dueDate,
        status: 'planned',
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      if (await this.conversations.insert(conversation)) return { conversation, created: true };
    }
    throw Object.assign(new Error('could not plan the talent conversation'), { code: 'TALENT_CONTENDED' });
  }

  /** Either side sets or moves the date (not in the past, at most a year ahead). */
  async move(id: string, by: string, version: number, date: string): Promise<TalentOutcome> {
    const current = await this.conversations.get(id);
    if (!current) return { kind: 'refused', problem: 'not_found' };
    if (!isParty(current, by)) return { kind: 'refused', problem: 'not_party', conversation: current };
    if (current.status !== 'planned')
      return { kind: 'refused', problem: 'not_planned', conversation: current };
    if (current.dueDate === date) return { kind: 'unchanged', conversation: current };
    if (current.version !== version) return { kind: 'refused', problem: 'stale', conversation: current };
    if (!validDate(date) || date < today(this.options.clock) || date > monthsAhead(this.options.clock))
      return { kind: 'refused', problem: 'bad_date', conversation: current };
    // A meeting in the calendar moves along, at the same time of day.
    const meeting = current.meeting && { ...current.meeting, revision: current.meeting.revision + 1 };
    return this.save(current, { dueDate: date, movedBy: by.toLowerCase(), meeting });
  }

  /**
   * Either side makes the conversation a Teams meeting, or changes its date or time: a local time on a date
   * in the zone of whoever sets it. Needs a manager (the meeting is for both). The calendar event follows
   * (talent-calendar.ts).
   */
  async setMeeting(
    id: string,
    by: string,
    version: number,
    input: { date: string; time: string; minutes: number; timeZone: string },
  ): Promise<TalentOutcome> {
    const current = await this.conversations.get(id);
    if (!current) return { kind: 'refused', problem: 'not_found' };
    if (!isParty(current, by)) return { kind: 'refused', problem: 'not_party', conversation: current };
    if (current.status !== 'planned')
      return { kind: 'refused', problem: 'not_planned', conversation: current };
    if (!current.managerAadObjectId) return { kind: 'refused', problem: 'no_manager', conversation: current };
    const m = current.meeting;
    if (
      current.dueDate === input.date &&
      m?.time === input.time &&
      m.minutes === input.minutes &&
      m.timeZone === input.timeZone
    )
      return { kind: 'unchanged', conversation: current };
    if (current.version !== version) return { kind: 'refused', problem: 'stale', conversation: current };
    if (
      !/^([01]\d|2[0-3]):[0-5]\d$/.test(input.time) ||
      !(TALENT_MEETING_MINUTES as readonly number[]).includes(input.minutes)
    )
      return { kind: 'refused', problem: 'bad_time', conversation: current };
    if (
      !validDate(input.date) ||
      input.date < today(this.options.clock) ||
      input.date > monthsAhead(this.options.clock)
    )
      return { kind: 'refused', problem: 'bad_date', conversation: current };
    const meeting = {
      time: input.time,
      minutes: input.minutes,
      timeZone: input.timeZone,
      revision: (m?.revision ?? 0) + 1,
      plannedAt: m?.plannedAt ?? this.options.clock().toISOString(),
    };
    const start = meetingInstants({ dueDate: input.date, meeting })?.start;
    if (!start || start.getTime() <= this.options.clock().getTime())
      return { kind: 'refused', problem: 'bad_time', conversation: current };
    return this.save(current, {
      dueDate: input.date,
      meeting,
      ...(input.date === current.dueDate ? {} : { movedBy: by.toLowerCase() }),
    });
  }

  /** The manager records that it was held, with what both agreed; the next one is planned six months on. */
  async markHeld(
    id: string,
    by: string,
    version: number,
    input: { heldOn: string; agreements: string },
  ): Promise<TalentOutcome> {
    const current = await this.conversations.get(id);
    if (!current) return { kind: 'refused', problem: 'not_found' };
    if (!isManager(current, by)) return { kind: 'refused', problem: 'not_manager', conversation: current };
    if (current.status === 'held') return { kind: 'unchanged', conversation: current };
    if (current.status !== 'planned')
      return { kind: 'refused', problem: 'not_planned', conversation: current };
    if (current.version !== version) return { kind: 'refused', problem: 'stale', conversation: current };
    const agreements = input.agreements.trim();
    if (agreements.length > TALENT_LIMITS.agreementsMaxLength)
      return { kind: 'refused', problem: 'too_long', conversation: current };
    if (!validDate(input.heldOn) || input.heldOn > today(this.options.clock))
      return { kind: 'refused', problem: 'bad_date', conversation: current };
    return this.save(current, { status: 'held', heldOn: input.heldOn, agreements: agreements || undefined });
  }

  /** What the professional wants to discuss (from the preparation card). */
  async setWishes(id: string, by: string, wishes: string): Promise<TalentOutcome> {
    const current = await this.conversations.get(id);
    if (!current) return { kind: 'refused', problem: 'not_found' };
    if (current.professionalAadObjectId !== by.toLowerCase())
      return { kind: 'refused', problem: 'not_party', conversation: current };
    if (current.status !== 'planned')
      return { kind: 'refused', problem: 'not_planned', conversation: current };
    const text = wishes.trim();
    if (text.length > TALENT_LIMITS.wishesMaxLength)
      return { kind: 'refused', problem: 'too_long', conversation: current };
    if ((current.wishes ?? '') === text) return { kind: 'unchanged', conversation: current };
    return this.save(current, { wishes: text || undefined });
  }

  private async save(
    current: TalentConversation,
    changes: Partial<TalentConversation>,
  ): Promise<TalentOutcome> {
    const next = this.bump(current, changes);
    if (!(await this.conversations.update(next, current.version))) {
      const latest = await this.conversations.get(current.id);
      return { kind: 'refused', problem: 'stale', conversation: latest };
    }
    return { kind: 'changed', conversation: next, previous: current };
  }

  private bump(current: TalentConversation, changes: Partial<TalentConversation>): TalentConversation {
    return {
      ...current,
      ...changes,
      version: current.version + 1,
      updatedAt: this.options.clock().toISOString(),
    };
  }
}

function isParty(c: TalentConversation, aadObjectId: string): boolean {
  const me = aadObjectId.toLowerCase();
  return c.professionalAadObjectId === me || c.managerAadObjectId === me;
}

function isManager(c: TalentConversation, aadObjectId: string): boolean {
  return c.managerAadObjectId !== undefined && c.managerAadObjectId === aadObjectId.toLowerCase();
}

function validDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
}

function monthsAhead(clock: () => Date): string {
  const d = clock();
  const ahead = new Date(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + TALENT_LIMITS.maxMonthsAhead, d.getUTCDate()),
  );
  return ahead.toISOString().slice(0, 10);
}
