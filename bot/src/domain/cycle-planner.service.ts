import type { Circle } from './circle';
import { CIRCLE_LIMITS } from './circle';
import type { CycleStatus, SessionStatus } from './cycle';
import {
  moveSession,
  planRhythm,
  type HolidayCalendar,
  type MoveResult,
  type Pause,
  type RhythmPlan,
  type StartDay,
} from './cycle-calendar';

/**
 * Planning Vitale Weekcycli for a circle: a rhythm proposed from the calendar rules (cycle-calendar.ts),
 * shown before anyone confirms, then stored, one cycle per circle and week. Pure of Teams and MongoDB.
 */

export interface PlannedSession {
  dayIndex: number;
  /** The calendar date in the circle's time zone. */
  date: string;
  start: Date;
  end: Date;
  status: SessionStatus;
  /** Raised on every change, so calendar files and events update instead of duplicating. */
  sequence: number;
  joinUrl?: string;
  calendarEventId?: string;
  /** The `sequence` the calendar event reflects (Microsoft Graph); below `sequence`: the event needs an update. */
  calendarSequence?: number;
}

export interface PlannedCycle {
  id: string;
  tenantId: string;
  circleId: string;
  circleName: string;
  memberAadObjectIds: string[];
  /** The Monday of the cycle's week (YYYY-MM-DD). */
  weekStart: string;
  status: CycleStatus;
  timeZone: string;
  timeOfDay: string;
  durationMinutes: number;
  sessions: PlannedSession[];
  /** The confirmation that planned it, so a resent confirm is recognised. */
  planSubmissionId: string;
  /** When the whole cycle was moved: the week it moved to (this one is then cancelled). */
  movedTo?: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface PlanRequest {
  firstWeek: string;
  preferredStartDay: StartDay | undefined;
  timeOfDay: string;
  cycles: number;
  everyWeeks: number;
  pause: Pause | undefined;
}

export interface CycleRepository {
  /** False when the circle already has a cycle in that week. */
  create(cycle: PlannedCycle): Promise<boolean>;
  findByCircleWeek(tenantId: string, circleId: string, weekStart: string): Promise<PlannedCycle | undefined>;
  findById(tenantId: string, id: string): Promise<PlannedCycle | undefined>;
  /** The cycle with a session whose Teams meeting has this join URL. */
  findByJoinUrl(tenantId: string, joinUrl: string): Promise<PlannedCycle | undefined>;
  /** Saves `cycle` as version expectedVersion + 1; false when the stored version moved on. */
  update(cycle: PlannedCycle, expectedVersion: number): Promise<boolean>;
  /** The circle's cycles from this week on, earliest first. */
  listForCircle(tenantId: string, circleId: string, fromWeek: string): Promise<PlannedCycle[]>;
}

export type ConfirmOutcome =
  | {
      kind: 'planned';
      /** The cycles this confirmation planned (also when it is a resent confirmation). */
      cycles: PlannedCycle[];
      /** Weeks the circle had a cycle in already (planned earlier by another card): left as they were. */
      alreadyPlanned: string[];
    }
  | { kind: 'refused'; reason: 'too_few_members' | Exclude<RhythmPlan, { ok: true }>['reason'] };

/** What can change in a planned cycle, as a card asks for it. */
export type CycleChange =
  | { kind: 'cancel_cycle' }
  | { kind: 'cancel_session'; dayIndex: number }
  | { kind: 'move_session'; dayIndex: number; toDate: string; timeOfDay: string };

export type ChangeOutcome =
  | { kind: 'changed'; cycle: PlannedCycle; before: PlannedCycle }
  /** Already so (a resent card, or someone else did the same): nothing changed. */
  | { kind: 'unchanged'; cycle: PlannedCycle }
  | { kind: 'not_found' }
  /** The cycle changed in between (another member's card); nothing changed. */
  | { kind: 'conflict'; cycle: PlannedCycle }
  | {
      kind: 'refused';
      cycle: PlannedCycle;
      reason: Exclude<MoveResult, { ok: true }>['reason'] | 'nothing_left';
    };

export type MoveCycleOutcome =
  | { kind: 'moved'; from: PlannedCycle; to: PlannedCycle }
  | { kind: 'not_found' }
  | { kind: 'conflict'; cycle: PlannedCycle }
  | {
      kind: 'refused';
      cycle: PlannedCycle;
      reason:
        | Exclude<RhythmPlan, { ok: true }>['reason']
        | 'session_started'
        | 'week_taken'
        | 'no_four_working_days'
        | 'in_the_past'
        | 'same_week';
    };

export class CyclePlanner {
  constructor(
    private readonly cycles: CycleRepository,
    private readonly options: { clock: () => Date; newId: () => string; holidays?: HolidayCalendar },
  ) {}

  /** What a plan would give: the cycles with their four dates, and the weeks passed over with why. */
  preview(circle: Circle, request: PlanRequest, holidays?: HolidayCalendar): RhythmPlan {
    return planRhythm({
      firstWeek: request.firstWeek,
      everyWeeks: request.everyWeeks,
      cycles: request.cycles,
      pauses: request.pause ? [request.pause] : [],
      preferredStartDay: request.preferredStartDay,
      timeOfDay: request.timeOfDay,
      timeZone: circle.timeZone,
      now: this.options.clock(),
      holidays: holidays ?? this.options.holidays,
    });
  }

  /**
   * Stores the plan. Idempotent per submission: a resent confirmation finds its own cycles and plans
   * nothing twice; a week another card planned first is left alone and reported.
   */
  async confirm(circle: Circle, request: PlanRequest, submissionId: string): Promise<ConfirmOutcome> {
    if (circle.members.length < CIRCLE_LIMITS.minMembers)
      return { kind: 'refused', reason: 'too_few_members' };
    const plan = this.preview(circle, request);
    if (!plan.ok) return { kind: 'refused', reason: plan.reason };
    const now = this.options.clock();
    const planned: PlannedCycle[] = [];
    const alreadyPlanned: string[] = [];
    for (const proposal of plan.cycles) {
      const cycle: PlannedCycle = {
        id: this.options.newId(),
        tenantId: circle.tenantId,
        circleId: circle.id,
        circleName: circle.name,
        memberAadObjectIds: circle.members.map((m) => m.aadObjectId),
        weekStart: proposal.week,
        status: 'planned',
        timeZone: proposal.timeZone,
        timeOfDay: proposal.timeOfDay,
        durationMinutes: proposal.durationMinutes,
        sessions: proposal.sessions.map((s) => ({ ...s, status: 'planned' as const, sequence: 0 })),
        planSubmissionId: submissionId,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      if (await this.cycles.create(cycle)) {
        planned.push(cycle);
        continue;
      }
      const existing = await this.cycles.findByCircleWeek(circle.tenantId, circle.id, proposal.week);
      if (existing?.planSubmissionId === submissionId) planned.push(existing);
      else alreadyPlanned.push(proposal.week);
    }
    return { kind: 'planned', cycles: planned, alreadyPlanned };
  }

  /**
   * Cancels a cycle or one session, or moves a session within its week (cycle-calendar's rules). Guarded by
   * the version the card showed: an older card never overwrites a newer plan. Sessions that have started
   * are left as they are. Each changed session's `sequence` goes up, so calendars update in place.
   */
  async change(
    tenantId: string,
    cycleId: string,
    expectedVersion: number,
    change: CycleChange,
  ): Promise<ChangeOutcome> {
    const cycle = await this.cycles.findById(tenantId, cycleId);
    if (!cycle) return { kind: 'not_found' };
    const now = this.options.clock();
    const notStarted = (s: PlannedSession) => s.status === 'planned' && s.start > now;
    let sessions: PlannedSession[];
    switch (change.kind) {
      case 'cancel_cycle': {
        if (!cycle.sessions.some(notStarted)) {
          return cycle.status === 'cancelled' || cycle.sessions.every((s) => s.status === 'cancelled')
            ? { kind: 'unchanged', cycle }
            : { kind: 'refused', cycle, reason: 'session_started' };
        }
        sessions = cycle.sessions.map((s) =>
          notStarted(s) ? { ...s, status: 'cancelled' as const, sequence: s.sequence + 1 } : s,
        );
        break;
      }
      case 'cancel_session': {
        const session = cycle.sessions.find((s) => s.dayIndex === change.dayIndex);
        if (!session) return { kind: 'refused', cycle, reason: 'unknown_session' };
        if (session.status === 'cancelled') return { kind: 'unchanged', cycle };
        if (!notStarted(session)) return { kind: 'refused', cycle, reason: 'session_started' };
        sessions = cycle.sessions.map((s) =>
          s.dayIndex === change.dayIndex
            ? { ...s, status: 'cancelled' as const, sequence: s.sequence + 1 }
            : s,
        );
        break;
      }
      case 'move_session': {
        const moved = moveSession({
          sessions: cycle.sessions,
          dayIndex: change.dayIndex,
          toDate: change.toDate,
          timeOfDay: change.timeOfDay,
          timeZone: cycle.timeZone,
          now,
          holidays: this.options.holidays,
        });
        if (!moved.ok) {
          const current = cycle.sessions.find((s) => s.dayIndex === change.dayIndex);
          // The same move again (a resent card) is not a problem.
          if (moved.reason === 'day_taken' && moved.takenBy === change.dayIndex)
            return { kind: 'unchanged', cycle };
          if (
            current &&
            current.date === change.toDate &&
            sameLocalTime(current, change.timeOfDay, cycle.timeZone)
          ) {
            return { kind: 'unchanged', cycle };
          }
          return { kind: 'refused', cycle, reason: moved.reason };
        }
        const target = cycle.sessions.find((s) => s.dayIndex === change.dayIndex);
        // Already there (a resent card): nothing to do, whichever version the card showed.
        if (target && target.start.getTime() === moved.session.start.getTime())
          return { kind: 'unchanged', cycle };
        sessions = cycle.sessions.map((s) =>
          s.dayIndex === change.dayIndex
            ? {
                ...s,
                date: moved.session.date,
                start: moved.session.start,
                end: moved.session.end,
                sequence: s.sequence + 1,
              }
            : s,
        );
        break;
      }
    }
    if (cycle.version !== expectedVersion) return { kind: 'conflict', cycle };
    const allCancelled = sessions.every((s) => s.status === 'cancelled');
    const next: PlannedCycle = {
      ...cycle,
      sessions,
      status: allCancelled ? 'cancelled' : cycle.status,
      version: cycle.version + 1,
      updatedAt: now,
    };
    if (!(await this.cycles.update(next, expectedVersion))) {
      const latest = await this.cycles.findById(tenantId, cycleId);
      return latest ? { kind: 'conflict', cycle: latest } : { kind: 'not_found' };
    }
    return { kind: 'changed', cycle: next, before: cycle };
  }

  /**
   * Moves a whole cycle to another week, at the same time of day: a new cycle in that week (the calendar
   * rules decide its days), then this one cancelled and marked as moved. Nothing may have started yet. A
   * resent card finds its own new cycle and completes or repeats nothing.
   */
  async moveCycle(
    circle: Circle,
    cycleId: string,
    expectedVersion: number,
    toWeek: string,
  ): Promise<MoveCycleOutcome> {
    const cycle = await this.cycles.findById(circle.tenantId, cycleId);
    if (!cycle || cycle.circleId !== circle.id) return { kind: 'not_found' };
    const submissionId = `move:${cycle.id}`;
    if (cycle.movedTo) {
      const moved = await this.cycles.findByCircleWeek(circle.tenantId, circle.id, cycle.movedTo);
      if (moved) return { kind: 'moved', from: cycle, to: moved };
    }
    if (cycle.version !== expectedVersion) return { kind: 'conflict', cycle };
    const now = this.options.clock();
    if (
      cycle.status === 'cancelled' ||
      cycle.sessions.some((s) => s.status !== 'cancelled' && s.start <= now)
    ) {
      return { kind: 'refused', cycle, reason: 'session_started' };
    }
    const plan = planRhythm({
      firstWeek: toWeek,
      everyWeeks: 1,
      cycles: 1,
      timeOfDay: cycle.timeOfDay,
      timeZone: cycle.timeZone,
      durationMinutes: cycle.durationMinutes,
      now,
      holidays: this.options.holidays,
    });
    if (!plan.ok) return { kind: 'refused', cycle, reason: plan.reason };
    const proposal = plan.cycles[0];
    // Only the week asked for: a rhythm would slide to the next possible week, a move should say why not.
    if (!proposal || plan.skipped.length > 0) {
      const skipped = plan.skipped[0];
      return {
        kind: 'refused',
        cycle,
        reason: skipped?.reason === 'in_the_past' ? 'in_the_past' : 'no_four_working_days',
      };
    }
    if (proposal.week === cycle.weekStart) return { kind: 'refused', cycle, reason: 'same_week' };
    const target: PlannedCycle = {
      ...cycle,
      id: this.options.newId(),
      weekStart: proposal.week,
      status: 'planned',
      sessions: proposal.sessions.map((s) => ({ ...s, status: 'planned' as const, sequence: 0 })),
      planSubmissionId: submissionId,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    delete target.movedTo;
    let created = target;
    if (!(await this.cycles.create(target))) {
      const existing = await this.cycles.findByCircleWeek(circle.tenantId, circle.id, proposal.week);
      if (existing?.planSubmissionId !== submissionId)
        return { kind: 'refused', cycle, reason: 'week_taken' };
      created = existing;
    }
    const cancelled: PlannedCycle = {
      ...cycle,
      status: 'cancelled',
      movedTo: proposal.week,
      sessions: cycle.sessions.map((s) =>
        s.status === 'cancelled' ? s : { ...s, status: 'cancelled' as const, sequence: s.sequence + 1 },
      ),
      version: cycle.version + 1,
      updatedAt: now,
    };
    if (!(await this.cycles.update(cancelled, expectedVersion))) {
      const latest = await this.cycles.findById(circle.tenantId, cycleId);
      return latest ? { kind: 'conflict', cycle: latest } : { kind: 'not_found' };
    }
    return { kind: 'moved', from: cancelled, to: created };
  }

  findById(tenantId: string, id: string): Promise<PlannedCycle | undefined> {
    return this.cycles.findById(tenantId, id);
  }

  findByJoinUrl(tenantId: string, joinUrl: string): Promise<PlannedCycle | undefined> {
    return this.cycles.findByJoinUrl(tenantId, joinUrl);
  }

  listForCircle(tenantId: string, circleId: string, fromWeek: string): Promise<PlannedCycle[]> {
    return this.cycles.listForCircle(tenantId, circleId, fromWeek);
  }
}

function sameLocalTime(session: PlannedSession, timeOfDay: string, timeZone: string): boolean {
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(session.start);
  return local === timeOfDay;
}
