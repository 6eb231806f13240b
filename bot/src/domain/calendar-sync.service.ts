import {
  calendarTransactionId,
  candidateTimes,
  firstFreeSlot,
  isCalendarError,
  type CalendarAttendee,
  type CalendarPort,
} from './calendar';
import { proposeCycle, type ProposedCycle, type StartDay } from './cycle-calendar';
import type { CycleRepository, PlannedCycle, PlannedSession } from './cycle-planner.service';

/**
 * Keeps a cycle's Teams meetings in step with its plan when Microsoft Graph is configured: one calendar event
 * with a Teams meeting per session, created once (Graph's transactionId makes a repeated create return the
 * same event), moved when the session moves, cancelled when it is cancelled. What the calendar says is
 * recorded on the session (`calendarEventId`, `joinUrl`, `calendarSequence` = the plan's `sequence` it
 * reflects), so running a sync again does only what is left; it is safe to run twice, also at once.
 */
export interface SyncTexts {
  subject(dayIndex: number): string;
  bodyHtml: string;
  cancelComment: string;
}

export interface SyncResult {
  created: number;
  updated: number;
  cancelled: number;
  /** Sessions whose calendar call failed (left for the next sync), by dayIndex with the error code. */
  failed: { dayIndex: number; code: string }[];
}

type SyncedSession = PlannedSession & { calendarSequence?: number };

export class CalendarSync {
  constructor(
    private readonly cycles: CycleRepository,
    private readonly calendar: CalendarPort,
    private readonly options: { organizer: string; clock: () => Date },
  ) {}

  async sync(
    tenantId: string,
    cycleId: string,
    attendees: readonly CalendarAttendee[],
    texts: SyncTexts,
  ): Promise<SyncResult> {
    const result: SyncResult = { created: 0, updated: 0, cancelled: 0, failed: [] };
    const cycle = await this.cycles.findById(tenantId, cycleId);
    if (!cycle) return result;
    const outcomes = new Map<number, Partial<SyncedSession>>();
    for (const session of cycle.sessions as SyncedSession[]) {
      try {
        const change = await this.syncSession(cycle, session, attendees, texts, result);
        if (change) outcomes.set(session.dayIndex, change);
      } catch (err) {
        result.failed.push({
          dayIndex: session.dayIndex,
          code: isCalendarError(err) ? err.code : 'CALENDAR_UNAVAILABLE',
        });
      }
    }
    if (outcomes.size > 0) await this.record(tenantId, cycleId, outcomes);
    return result;
  }

  private async syncSession(
    cycle: PlannedCycle,
    session: SyncedSession,
    attendees: readonly CalendarAttendee[],
    texts: SyncTexts,
    result: SyncResult,
  ): Promise<Partial<SyncedSession> | undefined> {
    const organizer = this.options.organizer;
    const synced = session.calendarSequence ?? -1;
    if (session.status === 'cancelled') {
      if (!session.calendarEventId || synced >= session.sequence) return undefined;
      await this.calendar.cancelEvent(organizer, session.calendarEventId, texts.cancelComment);
      result.cancelled += 1;
      return { calendarSequence: session.sequence };
    }
    if (session.status !== 'planned' || session.start <= this.options.clock()) return undefined;
    if (!session.calendarEventId) {
      const created = await this.calendar.createEvent({
        organizer,
        subject: texts.subject(session.dayIndex),
        bodyHtml: texts.bodyHtml,
        start: session.start,
        end: session.end,
        timeZone: cycle.timeZone,
        attendees,
        transactionId: calendarTransactionId(`${cycle.id}:${session.dayIndex}`),
      });
      result.created += 1;
      return {
        calendarEventId: created.eventId,
        ...(created.joinUrl ? { joinUrl: created.joinUrl } : {}),
        calendarSequence: session.sequence,
      };
    }
    if (synced >= session.sequence) return undefined;
    await this.calendar.updateEvent(organizer, session.calendarEventId, {
      start: session.start,
      end: session.end,
      timeZone: cycle.timeZone,
    });
    result.updated += 1;
    return { calendarSequence: session.sequence };
  }

  /**
   * The earliest hour (08:00–16:00 starts) in a week at which all four sessions are free for every member,
   * from their free/busy; 'none' when there is no such hour. Calendar errors propagate (the card says so).
   */
  async freeTime(request: {
    week: string;
    startDay: StartDay | undefined;
    timeZone: string;
    members: readonly CalendarAttendee[];
  }): Promise<ProposedCycle | 'none'> {
    const now = this.options.clock();
    const candidates = candidateTimes('08:00', '16:00', 60).flatMap((timeOfDay) => {
      const proposal = proposeCycle({
        week: request.week,
        startDay: request.startDay,
        timeOfDay,
        timeZone: request.timeZone,
        now,
      });
      return proposal.ok ? [proposal] : [];
    });
    if (candidates.length === 0) return 'none';
    const from = new Date(Math.min(...candidates.map((c) => c.sessions[0]!.start.getTime())));
    const to = new Date(Math.max(...candidates.map((c) => c.sessions[c.sessions.length - 1]!.end.getTime())));
    const availability = await this.calendar.freeBusy({
      organizer: this.options.organizer,
      members: request.members,
      start: from,
      end: to,
      intervalMinutes: 30,
    });
    return firstFreeSlot(candidates, availability) ?? 'none';
  }

  /** Writes what the calendar now says onto the sessions, on top of whatever changed meanwhile. */
  private async record(
    tenantId: string,
    cycleId: string,
    outcomes: Map<number, Partial<SyncedSession>>,
  ): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.cycles.findById(tenantId, cycleId);
      if (!current) return;
      const next: PlannedCycle = {
        ...current,
        sessions: current.sessions.map((s) => ({ ...s, ...(outcomes.get(s.dayIndex) ?? {}) })),
        version: current.version + 1,
        updatedAt: this.options.clock(),
      };
      if (await this.cycles.update(next, current.version)) return;
    }
  }
}
