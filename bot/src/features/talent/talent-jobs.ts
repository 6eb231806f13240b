import { randomUUID } from 'node:crypto';
import { translator } from '../../cards/i18n';
import { toAttachment, type AdaptiveCard } from '../../cards/adaptive-card';
import { escapeHtml, isCalendarError } from '../../domain/calendar';
import { PermanentJobError, type JobContext, type Scheduler } from '../../domain/jobs';
import type { LedgerService } from '../../domain/ledger.service';
import type { Locale } from '../../domain/locale';
import type { DeliveryAddress, Outbox } from '../../domain/outbox';
import { personToken } from '../../domain/person-ref';
import type { Professional } from '../../domain/professional';
import type { ProfessionalService } from '../../domain/professional.service';
import type { ProposalReader } from '../../domain/proposal';
import type { TalentCalendar } from '../../domain/talent-calendar';
import {
  managerSummary,
  meetingInstants,
  type ManagerSummary,
  type TalentConversation,
} from '../../domain/talent-conversation';
import type { TalentConversationService } from '../../domain/talent-conversation.service';
import { heldReminderAt, nudgeSchedule, workingMoment } from '../../domain/talent-timing';
import type { TrajectService } from '../../domain/traject.service';
import { heldReminderCard, managerNudgeCard, preparationCard, type TalentMeetingView } from './talent.card';

export const TALENT_JOBS = {
  nudge: 'talent.nudge',
  preparation: 'talent.preparation',
  reminder: 'talent.reminder',
  calendar: 'talent.calendar',
} as const;

export interface TalentTiming {
  /** Days before the conversation the manager is nudged, e.g. [7, 1]. */
  nudgeDays: number[];
  /** Days before the conversation the professional gets the preparation card. */
  preparationDays: number;
  /** Working days after the date the manager is reminded when it was not recorded as held. */
  reminderAfterWorkingDays: number;
  dayStart: string;
  dayEnd: string;
  /** Where people's time zone is unknown. */
  defaultTimeZone: string;
}

export interface TalentDeps {
  talents: TalentConversationService;
  professionals: ProfessionalService;
  trajects: TrajectService;
  ledger: LedgerService;
  proposals: Pick<ProposalReader, 'forContributor'>;
  scheduler: Scheduler;
  tabLink: string;
  clock: () => Date;
  timing: TalentTiming;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** The conversations as Teams meetings in both calendars; undefined without Microsoft Graph. */
  calendar?: TalentCalendar | undefined;
}

const keys = (c: Pick<TalentConversation, 'id' | 'dueDate'>) => ({
  nudge: (days: number) => `talent-nudge:${c.id}:${c.dueDate}:${days}`,
  preparation: `talent-preparation:${c.id}:${c.dueDate}`,
  reminder: `talent-reminder:${c.id}:${c.dueDate}`,
});

const zoneOf = (p: Professional | undefined, timing: TalentTiming) => p?.timeZone ?? timing.defaultTimeZone;

/**
 * (Re)schedules the nudges of a conversation: the manager's 7 and 1 day before, the professional's
 * preparation card 7 days before, and the manager's reminder after the date; all during working hours in
 * the recipient's time zone. Keys hold the due date, so a moved date cancels the old ones (`previous`) and
 * plans new ones; a held conversation cancels what is left.
 */
export async function scheduleTalentJobs(
  deps: Pick<TalentDeps, 'scheduler' | 'professionals' | 'clock' | 'timing'>,
  conversation: TalentConversation,
  previous?: TalentConversation,
): Promise<void> {
  const { scheduler, timing } = deps;
  const cancelAll = async (c: TalentConversation) => {
    const k = keys(c);
    for (const days of timing.nudgeDays) await scheduler.cancel(k.nudge(days));
    await scheduler.cancel(k.preparation);
    await scheduler.cancel(k.reminder);
  };
  if (previous && previous.dueDate !== conversation.dueDate) await cancelAll(previous);
  if (conversation.status !== 'planned') {
    await cancelAll(conversation);
    return;
  }
  const now = deps.clock();
  const [professional, manager] = await Promise.all([
    deps.professionals.find(conversation.tenantId, conversation.professionalAadObjectId),
    conversation.managerAadObjectId
      ? deps.professionals.find(conversation.tenantId, conversation.managerAadObjectId)
      : undefined,
  ]);
  const data = { conversationId: conversation.id, dueDate: conversation.dueDate };
  const k = keys(conversation);
  // A planned meeting's own local date wins over the due date for the nudges' days.
  const startsAt = meetingInstants(conversation)?.start;
  if (conversation.managerAadObjectId) {
    const zone = zoneOf(manager, timing);
    const plan = nudgeSchedule({
      dueDate: conversation.dueDate,
      startsAt,
      recipientTimeZone: zone,
      offsetsDays: timing.nudgeDays,
      dayStart: timing.dayStart,
      dayEnd: timing.dayEnd,
      now,
    });
    for (const days of timing.nudgeDays) {
      const planned = plan.find((p) => p.offsetDays === days);
      if (planned)
        await scheduler.schedule({
          key: k.nudge(days),
          name: TALENT_JOBS.nudge,
          runAt: planned.at,
          data: { ...data, days },
        });
      else await scheduler.cancel(k.nudge(days));
    }
    await scheduler.schedule({
      key: k.reminder,
      name: TALENT_JOBS.reminder,
      runAt: heldReminderAt(conversation.dueDate, zone, {
        afterWorkingDays: timing.reminderAfterWorkingDays,
        dayStart: timing.dayStart,
      }),
      data,
    });
  }
  const prep = nudgeSchedule({
    dueDate: conversation.dueDate,
    startsAt,
    recipientTimeZone: zoneOf(professional, timing),
    offsetsDays: [timing.preparationDays],
    dayStart: timing.dayStart,
    dayEnd: timing.dayEnd,
    now,
  })[0];
  if (prep)
    await scheduler.schedule({ key: k.preparation, name: TALENT_JOBS.preparation, runAt: prep.at, data });
}

/** What the manager may see (see ManagerSummary): built from the professional's own accountability. */
export async function summaryFor(
  deps: Pick<TalentDeps, 'trajects' | 'ledger' | 'proposals'>,
  professional: Professional,
): Promise<ManagerSummary> {
  const owner = { tenantId: professional.tenantId, aadObjectId: professional.aadObjectId };
  const [traject, entries, totals, proposals] = await Promise.all([
    deps.trajects.find(owner),
    deps.ledger.list(owner),
    deps.ledger.totals(owner),
    deps.proposals.forContributor(owner.tenantId, owner.aadObjectId),
  ]);
  return managerSummary({ name: professional.name, traject, totals, entries, proposals });
}

/** `locale`: the recipient's, for the words the outbox's sender writes for people it cannot name. */
const message = (card: AdaptiveCard, locale: Locale) => ({
  type: 'message',
  locale,
  attachments: [toAttachment(card)],
});

function addressOf(p: Professional): DeliveryAddress | undefined {
  if (!p.address) return undefined;
  const { userId: _userId, ...address } = p.address;
  return address;
}

export function registerTalentJobs(
  scheduler: { register(name: string, handler: (job: JobContext) => Promise<void>): void },
  outbox: Outbox,
  deps: TalentDeps,
): void {
  /** The conversation the job is for, if it is still planned on the date the job was made for. */
  const read = async (job: JobContext) => {
    const { conversationId, dueDate } = job.data as { conversationId: string; dueDate: string };
    const conversation = await deps.talents.get(conversationId);
    if (!conversation || conversation.status !== 'planned' || conversation.dueDate !== dueDate)
      return undefined;
    const professional = await deps.professionals.find(
      conversation.tenantId,
      conversation.professionalAadObjectId,
    );
    const manager = conversation.managerAadObjectId
      ? await deps.professionals.find(conversation.tenantId, conversation.managerAadObjectId)
      : undefined;
    return professional ? { conversation, professional, manager } : undefined;
  };
  const today = () => deps.clock().toISOString().slice(0, 10);
  /**
   * The summary for a card that waits in the outbox naming nobody: the professional by token (the proposals'
   * titles are tokens already); the outbox's sender puts the names in (domain/people-names.ts).
   */
  const outboxSummary = async (professional: Professional) => ({
    ...(await summaryFor(deps, professional)),
    name: personToken(professional.aadObjectId),
  });
  /** The meeting as the recipient's card shows it (in their zone); undefined without Graph. */
  const meetingView = async (
    conversation: TalentConversation,
    recipient: Professional,
  ): Promise<TalentMeetingView | undefined> =>
    deps.calendar
      ? {
          canPlan: true,
          entry: await deps.calendar.entry(conversation.id),
          timeZone: zoneOf(recipient, deps.timing),
        }
      : undefined;

  const sendTo = async (
    recipient: Professional | undefined,
    key: string,
    kind: string,
    card: AdaptiveCard,
  ) => {
    if (!recipient) return;
    const address = addressOf(recipient);
    if (!address) {
      // Never opened the personal chat with the bot: Teams gives no way to write to them there (yet).
      deps.logger.warn({ key }, 'talent nudge not sent: recipient has no personal chat with the bot');
      return;
    }
    await outbox.enqueue({ key, kind, address, activity: message(card, recipient.locale) });
  };

  scheduler.register(TALENT_JOBS.nudge, async (job) => {
    const found = await read(job);
    if (!found?.manager) return;
    const { conversation, professional, manager } = found;
    const days = (job.data as { days?: number }).days ?? 1;
    const summary = await outboxSummary(professional);
    const t = translator(manager.locale);
    await sendTo(
      manager,
      job.key,
      'talent-nudge',
      managerNudgeCard(t, manager.locale, {
        conversation,
        summary,
        daysBefore: days,
        tabLink: deps.tabLink,
        today: today(),
        meeting: await meetingView(conversation, manager),
      }),
    );
  });

  scheduler.register(TALENT_JOBS.preparation, async (job) => {
    const found = await read(job);
    if (!found) return;
    const { conversation, professional, manager } = found;
    const summary = await outboxSummary(professional);
    const t = translator(professional.locale);
    await sendTo(
      professional,
      job.key,
      'talent-preparation',
      preparationCard(t, professional.locale, {
        conversation,
        summary,
        managerName: manager ? personToken(manager.aadObjectId) : undefined,
        tabLink: deps.tabLink,
        noteId: randomUUID(),
        meeting: await meetingView(conversation, professional),
      }),
    );
  });

  scheduler.register(TALENT_JOBS.calendar, async (job) => {
    const calendar = deps.calendar;
    if (!calendar) return;
    const { conversationId } = job.data as { conversationId: string };
    try {
      const result = await calendar.sync(conversationId, {
        // Cancelled after erasure: nothing is known of the people any more, so in the product's language.
        cancelComment: translator('nl')('talent.calendar.cancelComment'),
        describe: async (c) => {
          const [professional, manager] = await Promise.all([
            deps.professionals.find(c.tenantId, c.professionalAadObjectId),
            c.managerAadObjectId ? deps.professionals.find(c.tenantId, c.managerAadObjectId) : undefined,
          ]);
          // The invitation in the manager's language: they hold the conversation.
          const t = translator(manager?.locale ?? professional?.locale ?? 'nl');
          const names = { name: professional?.name ?? '', manager: manager?.name ?? '' };
          return {
            subject: t('talent.calendar.subject', names),
            bodyHtml: `<p>${escapeHtml(t('talent.calendar.body', names))}</p>`,
            attendees: [
              { aadObjectId: c.professionalAadObjectId, name: names.name },
              ...(c.managerAadObjectId ? [{ aadObjectId: c.managerAadObjectId, name: names.manager }] : []),
            ],
          };
        },
      });
      deps.logger.info({ conversationId, result }, 'talent conversation calendar synced');
    } catch (err) {
      // Only an unavailable calendar is worth trying again; the rest is configuration or a bug.
      if (isCalendarError(err) && err.code !== 'CALENDAR_UNAVAILABLE') {
        deps.logger.warn({ conversationId, code: err.code }, 'talent conversation calendar refused');
        // Said on the cards and in the tab; a new date or time tries again.
        await calendar.recordFailure(conversationId, err.code);
        throw new PermanentJobError(err.code, err.message);
      }
      throw err;
    }
  });

  scheduler.register(TALENT_JOBS.reminder, async (job) => {
    const found = await read(job);
    if (!found?.manager) return;
    const { conversation, professional, manager } = found;
    const t = translator(manager.locale);
    await sendTo(
      manager,
      job.key,
      'talent-reminder',
      heldReminderCard(t, manager.locale, {
        conversation,
        name: personToken(professional.aadObjectId),
        today: today(),
      }),
    );
  });
}

/**
 * Brings the conversation's calendar event in line with it (talent-calendar.ts): a job per version of the
 * conversation (or `gone` after erasure), run at once by whichever replica polls first, retried when Graph
 * is unavailable.
 */
export async function scheduleTalentCalendar(
  /** `calendar`: whether conversations become calendar events here (Microsoft Graph configured). */
  deps: Pick<TalentDeps, 'scheduler' | 'clock'> & { calendar?: object | undefined },
  conversationId: string,
  tag: string,
  delayMs = 0,
): Promise<void> {
  if (!deps.calendar) return;
  await deps.scheduler.schedule({
    key: `talent-calendar:${conversationId}:${tag}`,
    name: TALENT_JOBS.calendar,
    runAt: new Date(deps.clock().getTime() + delayMs),
    data: { conversationId },
  });
}

/** The manager's "remind me tomorrow": one more nudge at the next working morning in their zone. */
export async function scheduleSnooze(
  deps: Pick<TalentDeps, 'scheduler' | 'clock' | 'timing' | 'professionals'>,
  conversation: TalentConversation,
  manager: Professional | undefined,
): Promise<Date> {
  const zone = zoneOf(manager, deps.timing);
  const tomorrow = new Date(deps.clock().getTime() + 86_400_000);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(tomorrow);
  const at = workingMoment(date, zone, { dayStart: deps.timing.dayStart });
  const runAt = at.getTime() > deps.clock().getTime() ? at : tomorrow;
  await deps.scheduler.schedule({
    key: `talent-nudge:${conversation.id}:${conversation.dueDate}:snooze:${date}`,
    name: TALENT_JOBS.nudge,
    runAt,
    data: {
      conversationId: conversation.id,
      dueDate: conversation.dueDate,
      days: daysUntil(conversation.dueDate, date),
    },
  });
  return runAt;
}

function daysUntil(dueDate: string, from: string): number {
  return Math.max(
    0,
    Math.round((Date.parse(`${dueDate}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000),
  );
}
