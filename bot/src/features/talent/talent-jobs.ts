import { randomUUID } from 'node:crypto';
import { translator } from '../../cards/i18n';
import { toAttachment, type AdaptiveCard } from '../../cards/adaptive-card';
import type { JobContext, Scheduler } from '../../domain/jobs';
import type { LedgerService } from '../../domain/ledger.service';
import type { DeliveryAddress, Outbox } from '../../domain/outbox';
import type { Professional } from '../../domain/professional';
import type { ProfessionalService } from '../../domain/professional.service';
import type { ProposalReader } from '../../domain/proposal';
import {
  managerSummary,
  type ManagerSummary,
  type TalentConversation,
} from '../../domain/talent-conversation';
import type { TalentConversationService } from '../../domain/talent-conversation.service';
import { heldReminderAt, nudgeSchedule, workingMoment } from '../../domain/talent-timing';
import type { TrajectService } from '../../domain/traject.service';
import { heldReminderCard, managerNudgeCard, preparationCard } from './talent.card';

export const TALENT_JOBS = {
  nudge: 'talent.nudge',
  preparation: 'talent.preparation',
  reminder: 'talent.reminder',
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
  if (conversation.managerAadObjectId) {
    const zone = zoneOf(manager, timing);
    const plan = nudgeSchedule({
      dueDate: conversation.dueDate,
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

const message = (card: AdaptiveCard) => ({ type: 'message', attachments: [toAttachment(card)] });

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

  const sendTo = async (
    recipient: Professional | undefined,
    key: string,
    kind: string,
    card: AdaptiveCard,
  ) => {
    const address = recipient ? addressOf(recipient) : undefined;
    if (!address) {
      // Never opened the personal chat with the bot: Teams gives no way to write to them there (yet).
      deps.logger.warn({ key }, 'talent nudge not sent: recipient has no personal chat with the bot');
      return;
    }
    await outbox.enqueue({ key, kind, address, activity: message(card) });
  };

  scheduler.register(TALENT_JOBS.nudge, async (job) => {
    const found = await read(job);
    if (!found?.manager) return;
    const { conversation, professional, manager } = found;
    const days = (job.data as { days?: number }).days ?? 1;
    const summary = await summaryFor(deps, professional);
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
      }),
    );
  });

  scheduler.register(TALENT_JOBS.preparation, async (job) => {
    const found = await read(job);
    if (!found) return;
    const { conversation, professional, manager } = found;
    const summary = await summaryFor(deps, professional);
    const t = translator(professional.locale);
    await sendTo(
      professional,
      job.key,
      'talent-preparation',
      preparationCard(t, professional.locale, {
        conversation,
        summary,
        managerName: manager?.name,
        tabLink: deps.tabLink,
        noteId: randomUUID(),
      }),
    );
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
      heldReminderCard(t, manager.locale, { conversation, name: professional.name, today: today() }),
    );
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
