import type { Circle } from './circle';
import { CIRCLE_LIMITS } from './circle';
import type { CycleStatus, SessionStatus } from './cycle';
import {
  planRhythm,
  type HolidayCalendar,
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

  findById(tenantId: string, id: string): Promise<PlannedCycle | undefined> {
    return this.cycles.findById(tenantId, id);
  }

  listForCircle(tenantId: string, circleId: string, fromWeek: string): Promise<PlannedCycle[]> {
    return this.cycles.listForCircle(tenantId, circleId, fromWeek);
  }
}
