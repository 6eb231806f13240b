import { MessageFactory, TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { adaptiveCard, paragraph, toAttachment, type AdaptiveCard } from '../../cards/adaptive-card';
import { COMMANDS, commandPattern } from '../../cards/commands';
import { translator, type MessageKey } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import { afterTurn } from '../../after-turn';
import type { Circle } from '../../domain/circle';
import { addWeeks, cyclesToReach, publicHolidays, weekOf } from '../../domain/cycle-calendar';
import { conversationKind, localeOf, tenantIdOf, turnLogger } from '../shared/activity';
import type { FeatureDeps } from '../shared/deps';
import type { CycleChange, PlannedCycle } from '../../domain/cycle-planner.service';
import { scheduleCalendarRecheck, scheduleCycleJobs, syncCycleCalendar } from './cycle-jobs';
import {
  formatWeek,
  manageCycleCard,
  planConfirmedCard,
  planFormCard,
  planPreviewCard,
  type PlanValues,
} from './plan.card';
import {
  confirmPlanData,
  cycleChangeData,
  manageCycleData,
  moveCycleData,
  moveSessionData,
  planCardData,
  sessionChangeData,
  toPlanRequest,
  valuesOf,
} from './plan.schema';

/** Planning a circle's Vitale Weekcycli from its chat: a form, the dates to check, then the confirmation. */
export function registerPlanning(app: Application<TurnState>, deps: FeatureDeps): void {
  const localeFor = (context: TurnContext) => localeOf(context.activity, deps.defaultLocale);
  const text = (context: TurnContext, key: MessageKey): AdaptiveCard => {
    const t = translator(localeFor(context));
    return adaptiveCard({ fallbackText: t(key), body: [paragraph(t(key))] });
  };

  /** The circle of the chat the activity came from; undefined in a personal chat or a chat without one. */
  const circleOf = async (context: TurnContext): Promise<Circle | undefined> => {
    const kind = conversationKind(context.activity);
    const tenantId = tenantIdOf(context.activity);
    if ((kind !== 'groupChat' && kind !== 'channel') || !tenantId) return undefined;
    return deps.circles.findByChat(tenantId, context.activity.conversation.id);
  };

  const today = () => deps.clock().toISOString().slice(0, 10);

  /**
   * After the answer has gone out: bring the cycle's Teams meetings in line with its plan (Microsoft Graph).
   * A failure is logged and left for the next change or sync; the plan itself is already kept.
   */
  const syncCalendar = async (context: TurnContext, circle: Circle, cycle: PlannedCycle): Promise<void> => {
    const calendarSync = deps.calendarSync;
    if (!calendarSync) return;
    // In the turn: the safety net exists before the answer goes out, whatever happens to this replica.
    await scheduleCalendarRecheck(deps.scheduler, cycle, deps.clock());
    const log = turnLogger(context, deps.logger);
    afterTurn(context, {
      name: 'calendar.sync',
      run: async () => {
        const result = await syncCycleCalendar(calendarSync, circle, cycle.id);
        if (result.failed.length > 0)
          log.warn({ cycleId: cycle.id, failed: result.failed }, 'calendar sync incomplete');
        else log.info({ cycleId: cycle.id, ...result, failed: undefined }, 'calendar synced');
      },
    });
  };

  /**
   * What the plan form shows besides its values, read while the turn is alive (the card may be rendered again
   * after the turn, when the context is gone).
   */
  const formContext = async (context: TurnContext, circle: Circle) => {
    const locale = localeFor(context);
    const t = translator(locale);
    const planned = (await deps.planner.listForCircle(circle.tenantId, circle.id, weekOf(today()))).filter(
      (c) => c.status !== 'cancelled',
    );
    // How many cycles the person planning still needs for their own traject's target: a hint, not a rule.
    // It also fills in the number of cycles, so "a cycle every two weeks until the target" is one click.
    let hint: string | undefined;
    let toTarget: number | undefined;
    const aadObjectId = context.activity.from?.aadObjectId;
    if (aadObjectId) {
      const owner = { tenantId: circle.tenantId, aadObjectId };
      const traject = await deps.trajects.find(owner);
      if (traject) {
        const done = (await deps.ledger.totals(owner)).activeWeeks + planned.length;
        toTarget = cyclesToReach(traject.activeWeeksTarget, done);
        hint = t('plan.hintCycles', { count: toTarget, name: context.activity.from.name ?? '' });
      }
    }
    const render = (values: PlanValues | undefined, refusal?: MessageKey, slotNotice?: string) =>
      planFormCard(t, locale, circle, {
        values: values ?? {
          week: addWeeks(weekOf(today()), 1),
          startDay: 'auto',
          time: '09:00',
          cycles: String(Math.min(52, Math.max(1, toTarget ?? 1))),
          everyWeeks: '2',
          pauseFrom: '',
          pauseTo: '',
        },
        planned,
        hint,
        refusal,
        slotNotice,
        canFindSlot: deps.calendarSync !== undefined,
      });
    return { locale, t, render };
  };

  const form = async (
    context: TurnContext,
    circle: Circle,
    values?: PlanValues,
    refusal?: MessageKey,
  ): Promise<AdaptiveCard> => (await formContext(context, circle)).render(values, refusal);

  /**
   * "Find a time that suits everyone": answered at once; the members' free/busy is read after the answer has
   * gone out, and the card is updated with the time filled in (or why there is none).
   */
  const findSlot = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const circle = await circleOf(context);
    if (!circle) return text(context, 'plan.noCircle');
    const parsed = planCardData.safeParse(raw);
    if (!parsed.success) return text(context, 'plan.badData');
    const values = valuesOf(parsed.data) as unknown as PlanValues;
    const calendarSync = deps.calendarSync;
    const cardId = context.activity.replyToId;
    if (!calendarSync || !cardId || context.activity.type !== 'invoke') return form(context, circle, values);
    const { locale, t, render } = await formContext(context, circle);
    const reference = TurnContext.getConversationReference(context.activity);
    const log = turnLogger(context, deps.logger);
    const week = formatWeek(weekOf(parsed.data.week), locale);
    afterTurn(context, {
      name: 'plan.findSlot',
      run: async () => {
        let card: AdaptiveCard;
        try {
          const slot = await calendarSync.freeTime({
            week: parsed.data.week,
            startDay: parsed.data.startDay === 'auto' ? undefined : parsed.data.startDay,
            timeZone: circle.timeZone,
            members: circle.members.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name })),
          });
          card =
            slot === 'none'
              ? render(values, undefined, t('plan.slot.none', { week }))
              : render(
                  { ...values, time: slot.timeOfDay },
                  undefined,
                  t('plan.slot.found', { time: slot.timeOfDay, week }),
                );
          log.info({ found: slot !== 'none' }, 'free time looked up');
        } catch (err) {
          log.warn({ err }, 'free/busy unavailable');
          card = render(values, undefined, t('plan.slot.unavailable'));
        }
        await deps.conversations.update(reference, cardId, { attachments: [toAttachment(card)] });
      },
    });
    return render(values, undefined, t('plan.slot.pending'));
  };

  const show = async (context: TurnContext): Promise<AdaptiveCard> => {
    const circle = await circleOf(context);
    return circle ? form(context, circle) : text(context, 'plan.noCircle');
  };

  const preview = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const circle = await circleOf(context);
    if (!circle) return text(context, 'plan.noCircle');
    const parsed = planCardData.safeParse(raw);
    if (!parsed.success) {
      turnLogger(context, deps.logger).warn(
        { fields: parsed.error.issues.map((i) => i.path.join('.')) },
        'plan card data refused',
      );
      return text(context, 'plan.badData');
    }
    const values = valuesOf(parsed.data) as unknown as PlanValues;
    // The same Dutch holidays, named in the reader's language.
    const plan = deps.planner.preview(
      circle,
      toPlanRequest(parsed.data),
      publicHolidays('NL', { language: localeFor(context) }),
    );
    if (!plan.ok) return form(context, circle, values, `plan.refused.${plan.reason}`);
    const locale = localeFor(context);
    return planPreviewCard(translator(locale), locale, circle, {
      cycles: plan.cycles,
      skipped: plan.skipped,
      complete: plan.complete,
      values,
      submissionId: deps.newId(),
    });
  };

  const confirm = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const circle = await circleOf(context);
    if (!circle) return text(context, 'plan.noCircle');
    const parsed = confirmPlanData.safeParse(raw);
    if (!parsed.success) return text(context, 'plan.badData');
    const outcome = await deps.planner.confirm(circle, toPlanRequest(parsed.data), parsed.data.submissionId);
    turnLogger(context, deps.logger).info({ outcome: outcome.kind }, 'plan confirm');
    if (outcome.kind === 'refused') {
      return form(
        context,
        circle,
        valuesOf(parsed.data) as unknown as PlanValues,
        `plan.refused.${outcome.reason}`,
      );
    }
    for (const cycle of outcome.cycles) {
      // In the turn, so the reminders exist once the answer says "planned".
      await scheduleCycleJobs(deps.scheduler, cycle, deps.clock());
      await syncCalendar(context, circle, cycle);
    }
    const locale = localeFor(context);
    return planConfirmedCard(translator(locale), locale, circle, {
      cycles: outcome.cycles,
      alreadyPlanned: outcome.alreadyPlanned,
      calendarLink: (cycle) => deps.calendarLink(cycle, locale),
      graph: deps.calendarSync !== undefined,
    });
  };

  const change = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const circle = await circleOf(context);
    if (!circle) return text(context, 'plan.noCircle');
    const parsed = planCardData.safeParse(raw);
    return form(
      context,
      circle,
      parsed.success ? (valuesOf(parsed.data) as unknown as PlanValues) : undefined,
    );
  };

  /**
   * A cycle of this chat's circle, for one of its members: a cycle id from another circle (a forged or
   * misplaced card) is "not found", and someone outside the circle may look but not change.
   */
  const cycleFor = async (context: TurnContext, cycleId: string) => {
    const circle = await circleOf(context);
    if (!circle) return { error: 'plan.noCircle' as const };
    const cycle = await deps.planner.findById(circle.tenantId, cycleId);
    if (!cycle || cycle.circleId !== circle.id) return { error: 'plan.notFound' as const };
    const me = context.activity.from?.aadObjectId?.toLowerCase();
    const member = circle.members.some((m) => m.aadObjectId.toLowerCase() === me);
    return { circle, cycle, member, error: undefined };
  };

  const manage = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const parsed = manageCycleData.safeParse(raw);
    if (!parsed.success) return text(context, 'plan.badData');
    const found = await cycleFor(context, parsed.data.cycleId);
    if (found.error !== undefined) return text(context, found.error);
    const locale = localeFor(context);
    return manageCycleCard(translator(locale), locale, found.circle, found.cycle, {
      now: deps.clock(),
      calendarLink: deps.calendarLink(found.cycle, locale),
    });
  };

  const changeCycle = async (context: TurnContext, raw: unknown, verb: string): Promise<AdaptiveCard> => {
    let request: { cycleId: string; version: number; change: CycleChange } | undefined;
    if (verb === VERBS.planCancelCycle) {
      const parsed = cycleChangeData.safeParse(raw);
      if (parsed.success) request = { ...parsed.data, change: { kind: 'cancel_cycle' } };
    } else if (verb === VERBS.planCancelSession) {
      const parsed = sessionChangeData.safeParse(raw);
      if (parsed.success)
        request = { ...parsed.data, change: { kind: 'cancel_session', dayIndex: parsed.data.dayIndex } };
    } else {
      const parsed = moveSessionData.safeParse(raw);
      if (parsed.success) {
        const { dayIndex, toDate, time } = parsed.data;
        request = { ...parsed.data, change: { kind: 'move_session', dayIndex, toDate, timeOfDay: time } };
      }
    }
    if (!request) return text(context, 'plan.badData');
    const found = await cycleFor(context, request.cycleId);
    if (found.error !== undefined) return text(context, found.error);
    const locale = localeFor(context);
    const t = translator(locale);
    const card = (cycle: typeof found.cycle, notice: MessageKey) =>
      manageCycleCard(t, locale, found.circle, cycle, {
        now: deps.clock(),
        notice,
        calendarLink: deps.calendarLink(cycle, locale),
      });
    if (!found.member) return card(found.cycle, 'plan.notMember');
    const outcome = await deps.planner.change(
      found.circle.tenantId,
      request.cycleId,
      request.version,
      request.change,
    );
    turnLogger(context, deps.logger).info(
      { outcome: outcome.kind, change: request.change.kind },
      'cycle change',
    );
    switch (outcome.kind) {
      case 'changed':
        await scheduleCycleJobs(deps.scheduler, outcome.cycle, deps.clock());
        await syncCalendar(context, found.circle, outcome.cycle);
        return card(outcome.cycle, 'plan.changed');
      case 'unchanged':
        return card(outcome.cycle, 'plan.unchanged');
      case 'conflict':
        return card(outcome.cycle, 'plan.conflict');
      case 'refused':
        return card(outcome.cycle, `plan.refused.${outcome.reason}`);
      case 'not_found':
        return text(context, 'plan.notFound');
    }
  };

  const moveCycle = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const parsed = moveCycleData.safeParse(raw);
    if (!parsed.success) return text(context, 'plan.badData');
    const found = await cycleFor(context, parsed.data.cycleId);
    if (found.error !== undefined) return text(context, found.error);
    const locale = localeFor(context);
    const t = translator(locale);
    const card = (cycle: typeof found.cycle, notice: MessageKey, noticeParams?: Record<string, string>) =>
      manageCycleCard(t, locale, found.circle, cycle, {
        now: deps.clock(),
        notice,
        noticeParams,
        calendarLink: deps.calendarLink(cycle, locale),
      });
    if (!found.member) return card(found.cycle, 'plan.notMember');
    const outcome = await deps.planner.moveCycle(
      found.circle,
      parsed.data.cycleId,
      parsed.data.version,
      parsed.data.toWeek,
    );
    turnLogger(context, deps.logger).info({ outcome: outcome.kind }, 'cycle move');
    switch (outcome.kind) {
      case 'moved':
        for (const cycle of [outcome.from, outcome.to]) {
          await scheduleCycleJobs(deps.scheduler, cycle, deps.clock());
          await syncCalendar(context, found.circle, cycle);
        }
        return card(outcome.to, 'plan.cycleMoved', { week: formatWeek(outcome.to.weekStart, locale) });
      case 'conflict':
        return card(outcome.cycle, 'plan.conflict');
      case 'refused':
        return card(outcome.cycle, `plan.refused.${outcome.reason}`);
      case 'not_found':
        return text(context, 'plan.notFound');
    }
  };

  const reply = async (context: TurnContext, card: AdaptiveCard) => {
    await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
  };

  app.message(commandPattern(COMMANDS.plan), async (context) => reply(context, await show(context)));
  app.adaptiveCards.actionExecute(VERBS.planPreview, async (context, _s, data) => preview(context, data));
  app.adaptiveCards.actionExecute(VERBS.planConfirm, async (context, _s, data) => confirm(context, data));
  app.adaptiveCards.actionExecute(VERBS.planChange, async (context, _s, data) => change(context, data));
  app.adaptiveCards.actionExecute(VERBS.planMoveCycle, async (context, _s, data) => moveCycle(context, data));
  app.adaptiveCards.actionSubmit(VERBS.planMoveCycle, async (context, _s, data) =>
    reply(context, await moveCycle(context, data)),
  );
  app.adaptiveCards.actionExecute(VERBS.planFindSlot, async (context, _s, data) => findSlot(context, data));
  app.adaptiveCards.actionExecute(VERBS.planManage, async (context, _s, data) => manage(context, data));
  app.adaptiveCards.actionSubmit(VERBS.planManage, async (context, _s, data) =>
    reply(context, await manage(context, data)),
  );
  for (const verb of [VERBS.planCancelCycle, VERBS.planCancelSession, VERBS.planMoveSession]) {
    app.adaptiveCards.actionExecute(verb, async (context, _s, data) => changeCycle(context, data, verb));
    app.adaptiveCards.actionSubmit(verb, async (context, _s, data) =>
      reply(context, await changeCycle(context, data, verb)),
    );
  }
  app.adaptiveCards.actionSubmit(VERBS.planPreview, async (context, _s, data) =>
    reply(context, await preview(context, data)),
  );
  app.adaptiveCards.actionSubmit(VERBS.planConfirm, async (context, _s, data) =>
    reply(context, await confirm(context, data)),
  );
  app.adaptiveCards.actionSubmit(VERBS.planChange, async (context, _s, data) =>
    reply(context, await change(context, data)),
  );
}
