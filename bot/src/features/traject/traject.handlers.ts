import { MessageFactory, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { adaptiveCard, paragraph, toAttachment, type AdaptiveCard } from '../../cards/adaptive-card';
import { COMMANDS, commandPattern } from '../../cards/commands';
import { translator, type MessageKey } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import { checkManager, type PlanProblem } from '../../domain/traject';
import type { Owner } from '../../domain/traject.service';
import { localeOf, tenantIdOf, turnLogger } from '../shared/activity';
import type { FeatureDeps } from '../shared/deps';
import { composeCard, defaultValues, summaryCard, valuesOf, type ComposeValues } from './traject.card';
import { toPlan, trajectCardData, type TrajectCardData } from './traject.schema';

/** The signed-in person, from the activity as the channel vouches for it (never from card data). */
function ownerOf(context: TurnContext): Owner | undefined {
  const aadObjectId = context.activity.from?.aadObjectId;
  const tenantId = tenantIdOf(context.activity);
  return aadObjectId && tenantId ? { tenantId, aadObjectId } : undefined;
}

/** What the person typed, as they typed it ("2.5" stays "2.5"), to show back on a refused card. */
function typedValues(data: TrajectCardData, raw: unknown): ComposeValues {
  const typed = (field: 'durationMonths' | 'activeWeeksTarget' | 'hoursPerWeek'): string => {
    const value = (raw as Record<string, unknown>)[field];
    return typeof value === 'string' || typeof value === 'number' ? String(value).slice(0, 20) : '';
  };
  return {
    startDate: data.startDate,
    durationMonths: typed('durationMonths'),
    activeWeeksTarget: typed('activeWeeksTarget'),
    hoursPerWeek: typed('hoursPerWeek'),
    questions: data.questions.join(','),
    talents: data.talents,
    learningNeeds: data.learningNeeds,
    manager: data.manager ?? '',
  };
}

export function registerTraject(app: Application<TurnState>, deps: FeatureDeps): void {
  const today = () => deps.clock().toISOString().slice(0, 10);
  const messageCard = (context: TurnContext, key: MessageKey): AdaptiveCard => {
    const t = translator(localeOf(context.activity, deps.defaultLocale));
    return adaptiveCard({ fallbackText: t(key), body: [paragraph(t(key))] });
  };

  /** The traject as a summary, or a card to compose one. */
  const overview = async (context: TurnContext): Promise<AdaptiveCard> => {
    const owner = ownerOf(context);
    if (!owner) return messageCard(context, 'reply.identityMissing');
    const locale = localeOf(context.activity, deps.defaultLocale);
    const t = translator(locale);
    const traject = await deps.trajects.find(owner);
    return traject
      ? summaryCard(t, locale, traject, await deps.ledger.totals(owner))
      : composeCard(t, {
          values: defaultValues(today()),
          version: 0,
          submissionId: deps.newId(),
          peoplePicker: deps.peoplePicker,
        });
  };

  const edit = async (context: TurnContext): Promise<AdaptiveCard> => {
    const owner = ownerOf(context);
    if (!owner) return messageCard(context, 'reply.identityMissing');
    const t = translator(localeOf(context.activity, deps.defaultLocale));
    const traject = await deps.trajects.find(owner);
    const manager = (await deps.professionals.find(owner.tenantId, owner.aadObjectId))?.managerAadObjectId;
    return composeCard(t, {
      values: traject ? valuesOf(traject, manager) : { ...defaultValues(today()), manager: manager ?? '' },
      version: traject?.version ?? 0,
      submissionId: deps.newId(),
      peoplePicker: deps.peoplePicker,
    });
  };

  const save = async (context: TurnContext, raw: unknown): Promise<AdaptiveCard> => {
    const owner = ownerOf(context);
    if (!owner) return messageCard(context, 'reply.identityMissing');
    const log = turnLogger(context, deps.logger);
    const parsed = trajectCardData.safeParse(raw);
    if (!parsed.success) {
      // Forged or garbled card data: say so, change nothing. Field names only; never the values.
      log.warn({ fields: parsed.error.issues.map((i) => i.path.join('.')) }, 'traject card data refused');
      return messageCard(context, 'traject.badData');
    }
    const data = parsed.data;
    const locale = localeOf(context.activity, deps.defaultLocale);
    const t = translator(locale);
    const refused = (problems: PlanProblem[]) =>
      composeCard(t, {
        values: typedValues(data, raw),
        version: data.version,
        submissionId: data.submissionId,
        problems,
        peoplePicker: deps.peoplePicker,
      });
    // The manager is checked with the plan, so a wrong one refuses the whole card: nothing is saved half.
    const managerProblems = checkManager(data.manager, owner.aadObjectId);
    const outcome = await deps.trajects.save(owner, toPlan(data), {
      expectedVersion: data.version,
      submissionId: data.submissionId,
      extraProblems: managerProblems,
    });
    log.info({ outcome: outcome.kind }, 'traject save');
    switch (outcome.kind) {
      case 'invalid':
        return refused(outcome.problems);
      case 'saved':
      case 'unchanged':
        // Also on a replay: if the first attempt died between the two writes, the repeat completes it.
        await deps.professionals.setManager(owner.tenantId, owner.aadObjectId, data.manager);
        return summaryCard(t, locale, outcome.traject, await deps.ledger.totals(owner), 'traject.saved');
      case 'conflict':
        return outcome.traject
          ? summaryCard(t, locale, outcome.traject, await deps.ledger.totals(owner), 'traject.conflict')
          : composeCard(t, {
              values: defaultValues(today()),
              version: 0,
              submissionId: deps.newId(),
              notice: 'traject.conflict',
              peoplePicker: deps.peoplePicker,
            });
    }
  };

  const reply = async (context: TurnContext, card: AdaptiveCard) => {
    await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
  };

  app.message(commandPattern(COMMANDS.traject), async (context) => reply(context, await overview(context)));
  // Universal actions: the answer replaces the card for the person who pressed the button.
  app.adaptiveCards.actionExecute(VERBS.trajectSave, async (context, _state, data) => save(context, data));
  app.adaptiveCards.actionExecute(VERBS.trajectEdit, async (context) => edit(context));
  // Older clients send Action.Submit instead; they get the answer as a new message.
  app.adaptiveCards.actionSubmit(VERBS.trajectSave, async (context, _state, data) =>
    reply(context, await save(context, data)),
  );
  app.adaptiveCards.actionSubmit(VERBS.trajectEdit, async (context) => reply(context, await edit(context)));
}
