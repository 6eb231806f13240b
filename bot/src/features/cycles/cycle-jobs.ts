import {
  adaptiveCard,
  heading,
  paragraph,
  plainText,
  toAttachment,
  type AdaptiveCard,
} from '../../cards/adaptive-card';
import { translator, type Translate } from '../../cards/i18n';
import { escapeHtml } from '../../domain/calendar';
import type { CalendarSync, SyncResult } from '../../domain/calendar-sync.service';
import type { Circle } from '../../domain/circle';
import type { PlannedCycle, PlannedSession } from '../../domain/cycle-planner.service';
import type { JobContext, Scheduler } from '../../domain/jobs';
import type { Locale } from '../../domain/locale';
import type { DeliveryAddress, Outbox } from '../../domain/outbox';
import type { FeatureDeps } from '../shared/deps';
import { formatSession } from './plan.card';
import { openTodaysSession, sharedCard, type SessionDeps } from '../sessions/session-flow';

/**
 * What a planned cycle sets in motion: a reminder to each member the day before it starts, and a kick-off
 * card in the meeting's chat (or the circle's chat) five minutes before each session. Jobs are keyed per
 * cycle and session, so planning, moving and cancelling only ever (re)schedule or cancel the same keys; each
 * card goes through the outbox under a key of its own, so a job that runs twice sends nothing twice.
 */
export const CYCLE_JOBS = {
  reminder: 'cycle.reminder',
  kickoff: 'session.kickoff',
  calendarSync: 'calendar.sync',
} as const;

/** After a change the calendar is synced at once (after the turn); this job checks again, in case that died. */
const CALENDAR_RECHECK_MS = 2 * 60_000;

/** Brings a cycle's Teams meetings in line with its plan, with the texts in the circle's language. */
export async function syncCycleCalendar(
  calendarSync: CalendarSync,
  circle: Circle,
  cycleId: string,
): Promise<SyncResult> {
  const t = translator(circle.locale);
  return calendarSync.sync(
    circle.tenantId,
    cycleId,
    circle.members.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name })),
    {
      subject: (dayIndex) => t('plan.ics.summary', { circle: circle.name, n: dayIndex + 1 }),
      bodyHtml: `<p>${escapeHtml(t('plan.ics.description'))}</p>`,
      cancelComment: t('plan.calendar.cancelComment'),
    },
  );
}

/** The safety net for a calendar sync: a job per cycle version that runs the (idempotent) sync again. */
export async function scheduleCalendarRecheck(
  scheduler: Scheduler,
  cycle: PlannedCycle,
  now: Date,
): Promise<void> {
  await scheduler.schedule({
    key: `calendar-sync:${cycle.id}:${cycle.version}`,
    name: CYCLE_JOBS.calendarSync,
    runAt: new Date(now.getTime() + CALENDAR_RECHECK_MS),
    data: { tenantId: cycle.tenantId, cycleId: cycle.id },
  });
}

const DAY_MS = 86_400_000;
const KICKOFF_BEFORE_MS = 5 * 60_000;

const reminderKey = (cycleId: string) => `cycle-reminder:${cycleId}`;
const kickoffKey = (cycleId: string, dayIndex: number) => `session-kickoff:${cycleId}:${dayIndex}`;

const live = (s: PlannedSession) => s.status === 'planned';

/** (Re)schedules or cancels the cycle's jobs to match its plan. Safe to call after every change. */
export async function scheduleCycleJobs(scheduler: Scheduler, cycle: PlannedCycle, now: Date): Promise<void> {
  const sessions = cycle.sessions.filter(live).sort((a, b) => a.start.getTime() - b.start.getTime());
  const first = sessions[0];
  if (!first || cycle.status === 'cancelled') {
    await scheduler.cancel(reminderKey(cycle.id));
  } else if (first.start.getTime() > now.getTime()) {
    const data = { tenantId: cycle.tenantId, cycleId: cycle.id };
    await scheduler.schedule({
      key: reminderKey(cycle.id),
      name: CYCLE_JOBS.reminder,
      runAt: new Date(Math.max(now.getTime(), first.start.getTime() - DAY_MS)),
      data,
    });
  }
  for (const session of cycle.sessions) {
    const key = kickoffKey(cycle.id, session.dayIndex);
    if (!live(session) || cycle.status === 'cancelled') {
      await scheduler.cancel(key);
      continue;
    }
    if (session.start.getTime() <= now.getTime()) continue;
    await scheduler.schedule({
      key,
      name: CYCLE_JOBS.kickoff,
      runAt: new Date(Math.max(now.getTime(), session.start.getTime() - KICKOFF_BEFORE_MS)),
      data: { tenantId: cycle.tenantId, cycleId: cycle.id, dayIndex: session.dayIndex },
    });
  }
}

function reminderCard(
  t: Translate,
  locale: Locale,
  circle: Circle,
  cycle: PlannedCycle,
  tabLink: string,
): AdaptiveCard {
  return adaptiveCard({
    fallbackText: t('reminder.fallback', { circle: circle.name }),
    speak: t('reminder.title'),
    body: [
      heading(t('reminder.title')),
      plainText(t('reminder.intro', { circle: circle.name })),
      ...cycle.sessions.filter(live).map((s) =>
        paragraph(
          t('plan.preview.session', {
            n: s.dayIndex + 1,
            when: formatSession(s.start, s.end, cycle.timeZone, locale),
          }),
        ),
      ),
      paragraph(t('reminder.closing')),
    ],
    actions: [{ type: 'Action.OpenUrl', title: t('traject.action.openTab'), url: tabLink }],
  });
}

/** `locale`: for the words the outbox's sender writes for people it cannot name (domain/people-names.ts). */
const message = (card: AdaptiveCard, locale: Locale) => ({
  type: 'message',
  locale,
  attachments: [toAttachment(card)],
});

export function registerCycleJobs(
  scheduler: { register(name: string, handler: (job: JobContext) => Promise<void>): void },
  outbox: Outbox,
  deps: Pick<
    FeatureDeps,
    'planner' | 'circles' | 'professionals' | 'meetingLinks' | 'tabLink' | 'logger' | 'calendarSync'
  > &
    SessionDeps,
): void {
  const read = async (job: JobContext) => {
    const { tenantId, cycleId } = job.data as { tenantId: string; cycleId: string };
    const cycle = await deps.planner.findById(tenantId, cycleId);
    const circle = cycle ? await deps.circles.findById(tenantId, cycle.circleId) : undefined;
    return cycle && circle && cycle.status !== 'cancelled' ? { cycle, circle } : undefined;
  };

  scheduler.register(CYCLE_JOBS.calendarSync, async (job) => {
    const calendarSync = deps.calendarSync;
    const { tenantId, cycleId } = job.data as { tenantId: string; cycleId: string };
    const cycle = await deps.planner.findById(tenantId, cycleId);
    const circle = cycle ? await deps.circles.findById(tenantId, cycle.circleId) : undefined;
    if (!calendarSync || !cycle || !circle) return;
    const result = await syncCycleCalendar(calendarSync, circle, cycleId);
    // A session the calendar refused this time: fail the run, so the scheduler tries again with backoff.
    if (result.failed.length > 0)
      throw Object.assign(new Error('calendar sync incomplete'), { code: result.failed[0]!.code });
  });

  scheduler.register(CYCLE_JOBS.reminder, async (job) => {
    const found = await read(job);
    const first = found?.cycle.sessions.filter(live).sort((a, b) => a.start.getTime() - b.start.getTime())[0];
    if (!found || !first) return;
    const { cycle, circle } = found;
    for (const member of circle.members) {
      const professional = await deps.professionals.find(circle.tenantId, member.aadObjectId);
      if (!professional?.address) {
        // Someone who never opened the personal chat with the bot cannot be messaged there (yet).
        deps.logger.info({ cycleId: cycle.id }, 'reminder skipped: member has no personal chat with the bot');
        continue;
      }
      const t = translator(professional.locale);
      const { userId: _userId, ...address } = professional.address;
      await outbox.enqueue({
        key: `cycle-reminder:${cycle.id}:${member.aadObjectId}:${first.start.toISOString()}`,
        kind: 'cycle-reminder',
        address: address satisfies DeliveryAddress,
        activity: message(
          reminderCard(t, professional.locale, circle, cycle, deps.tabLink),
          professional.locale,
        ),
      });
    }
  });

  scheduler.register(CYCLE_JOBS.kickoff, async (job) => {
    const found = await read(job);
    const dayIndex = (job.data as { dayIndex: number }).dayIndex;
    const session = found?.cycle.sessions.find((s) => s.dayIndex === dayIndex);
    if (!found || !session || !live(session)) return;
    const { cycle, circle } = found;
    // The meeting's chat when the meeting is linked (this cycle's first, else the circle's latest link).
    const links = await deps.meetingLinks.listForCircle(circle.tenantId, circle.id);
    const link =
      links.find((l) => l.cycleId === cycle.id) ??
      [...links].sort((a, b) => b.linkedAt.getTime() - a.linkedAt.getTime())[0];
    const chat = link?.chat ?? circle.chat;
    const conversationType = link ? 'groupChat' : circle.chat.conversationType;
    // The kick-off starts the session (once, whichever of the job, the meeting's start event or `start` comes
    // first); its card is the session's own, sent through the outbox under the session's key.
    const { state } = await openTodaysSession(deps, {
      circle,
      chat: { ...chat, conversationType },
      meetingId: link?.meetingId,
      trigger: 'schedule',
      by: undefined,
      planned: { cycle, session },
    });
    if (state.cardActivityId) return;
    await outbox.enqueue({
      key: `session-card:${state.header.id}`,
      kind: 'session-kickoff',
      address: {
        channelId: state.header.chat.channelId,
        serviceUrl: state.header.chat.serviceUrl,
        conversationId: state.header.chat.conversationId,
        conversationType: state.header.chat.conversationType,
        tenantId: circle.tenantId,
        botId: state.header.chat.botId,
        botName: state.header.chat.botName,
      },
      // With person tokens: the card waits in the outbox naming nobody.
      activity: message(sharedCard(deps, state, { tokens: true }), state.header.locale),
    });
  });
}
