import { createHash } from 'node:crypto';
import { MessageFactory, TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { adaptiveCard, paragraph, toAttachment, type AdaptiveCard } from '../../cards/adaptive-card';
import { COMMANDS, commandPattern } from '../../cards/commands';
import { translator, type MessageKey } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import { afterTurn } from '../../after-turn';
import { planTalentConversation } from '../talent/talent.handlers';
import { ModelError } from '../../domain/ai';
import { inJsonString, renderPeople } from '../../domain/person-ref';
import { pseudonymiser } from '../../domain/pseudonymiser';
import { SUGGESTION_PROMPT_VERSION, suggestionRequest } from '../../domain/learning-suggestion';
import { checkManagerInDirectory, isDirectoryError, type DirectoryPerson } from '../../domain/directory';
import { checkManager, type PlanProblem, type Traject } from '../../domain/traject';
import type { Owner } from '../../domain/traject.service';
import { localeOf, tenantIdOf, turnLogger } from '../shared/activity';
import type { FeatureDeps } from '../shared/deps';
import { readModelReply } from './suggestion.schema';
import {
  composeCard,
  defaultValues,
  summaryCard,
  valuesOf,
  type AiPanel,
  type ComposeValues,
} from './traject.card';
import { takeSuggestionData, toPlan, trajectCardData, type TrajectCardData } from './traject.schema';

/**
 * A resent "ask for a suggestion" (Teams resends invokes; people double-click) within this window does not
 * call the model twice. The claim is released when the answer is in, so asking again later works; if a
 * replica dies mid-call, the window is what keeps the card from waiting forever.
 */
const SUGGESTION_DEDUPE_MS = 2 * 60_000;

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
  const idleAi = (): AiPanel | undefined => (deps.languageModel ? { state: 'idle' } : undefined);
  const messageCard = (context: TurnContext, key: MessageKey): AdaptiveCard => {
    const t = translator(localeOf(context.activity, deps.defaultLocale));
    return adaptiveCard({ fallbackText: t(key), body: [paragraph(t(key))] });
  };

  /**
   * The directory's manager of someone who has named none yet, to fill in on the compose card (they can
   * change it). A directory that fails only leaves the field empty, as without one.
   */
  const directoryManager = async (
    context: TurnContext,
    owner: Owner,
  ): Promise<DirectoryPerson | undefined> => {
    if (!deps.directory) return undefined;
    try {
      const manager = await deps.directory.managerOf(owner.tenantId, owner.aadObjectId);
      return manager && checkManager(manager.aadObjectId, owner.aadObjectId).length === 0
        ? manager
        : undefined;
    } catch (err) {
      if (!isDirectoryError(err)) throw err;
      turnLogger(context, deps.logger).warn(
        { code: err.code, status: err.details.status },
        'directory: manager not read; the compose card leaves it empty',
      );
      return undefined;
    }
  };

  /** The compose card for the signed-in person: their traject (or defaults) and their manager. */
  const compose = async (
    context: TurnContext,
    owner: Owner,
    traject: Traject | undefined,
  ): Promise<AdaptiveCard> => {
    const locale = localeOf(context.activity, deps.defaultLocale);
    const named = (await deps.professionals.find(owner.tenantId, owner.aadObjectId))?.managerAadObjectId;
    const fromDirectory = named ? undefined : await directoryManager(context, owner);
    const manager = named ?? fromDirectory?.aadObjectId;
    return composeCard(translator(locale), {
      values: traject ? valuesOf(traject, manager) : { ...defaultValues(today()), manager: manager ?? '' },
      version: traject?.version ?? 0,
      submissionId: deps.newId(),
      peoplePicker: deps.peoplePicker,
      ...(fromDirectory ? { managerName: fromDirectory.name || undefined, managerFromDirectory: true } : {}),
      ai: idleAi(),
      taken: traject?.aiSuggestion,
      locale,
    });
  };

  /** The traject as a summary, or a card to compose one. */
  const overview = async (context: TurnContext): Promise<AdaptiveCard> => {
    const owner = ownerOf(context);
    if (!owner) return messageCard(context, 'reply.identityMissing');
    const locale = localeOf(context.activity, deps.defaultLocale);
    const traject = await deps.trajects.find(owner);
    return traject
      ? summaryCard(
          translator(locale),
          locale,
          traject,
          await deps.ledger.totals(owner),
          undefined,
          deps.tabLink,
        )
      : compose(context, owner, undefined);
  };

  const edit = async (context: TurnContext): Promise<AdaptiveCard> => {
    const owner = ownerOf(context);
    if (!owner) return messageCard(context, 'reply.identityMissing');
    return compose(context, owner, await deps.trajects.find(owner));
  };

  /**
   * Problems with the named manager: its shape (checkManager), then, with a directory, whether the tenant has
   * them. A directory that fails does not block saving: the manager is saved as it would be without one.
   */
  const managerProblems = async (
    context: TurnContext,
    owner: Owner,
    manager: string | undefined,
  ): Promise<PlanProblem[]> => {
    const problems = checkManager(manager, owner.aadObjectId);
    if (manager === undefined || problems.length > 0) return problems;
    const check = await checkManagerInDirectory(deps.directory, owner.tenantId, manager);
    if (check.kind === 'not_in_tenant') return [{ field: 'manager', code: 'not_in_tenant' }];
    if (check.kind === 'unchecked' && check.error) {
      turnLogger(context, deps.logger).warn(
        { code: check.error.code, status: check.error.details.status },
        'directory: manager not checked; saved as named',
      );
    }
    return [];
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
        ai: idleAi(),
        taken: data.aiSuggestion,
        locale,
      });
    // The manager is checked with the plan, so a wrong one refuses the whole card: nothing is saved half.
    const outcome = await deps.trajects.save(owner, toPlan(data), {
      expectedVersion: data.version,
      submissionId: data.submissionId,
      extraProblems: await managerProblems(context, owner, data.manager),
    });
    log.info({ outcome: outcome.kind }, 'traject save');
    switch (outcome.kind) {
      case 'invalid':
        return refused(outcome.problems);
      case 'saved':
      case 'unchanged':
        // Also on a replay: if the first attempt died between the two writes, the repeat completes it.
        await deps.professionals.setManager(owner.tenantId, owner.aadObjectId, data.manager);
        // The talent-development conversation: planned (once) and its nudges scheduled.
        await planTalentConversation(deps.talent, owner, outcome.traject.startDate, data.manager);
        return summaryCard(
          t,
          locale,
          outcome.traject,
          await deps.ledger.totals(owner),
          'traject.saved',
          deps.tabLink,
        );
      case 'conflict':
        return outcome.traject
          ? summaryCard(
              t,
              locale,
              outcome.traject,
              await deps.ledger.totals(owner),
              'traject.conflict',
              deps.tabLink,
            )
          : composeCard(t, {
              values: defaultValues(today()),
              version: 0,
              submissionId: deps.newId(),
              notice: 'traject.conflict',
              peoplePicker: deps.peoplePicker,
              ai: idleAi(),
              locale,
            });
    }
  };

  /** Card data as the compose card sends it, or undefined (and a log line) when it is not. */
  const readCardData = <T extends TrajectCardData>(
    context: TurnContext,
    schema: {
      safeParse(
        raw: unknown,
      ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[] }[] } };
    },
    raw: unknown,
  ): T | undefined => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    turnLogger(context, deps.logger).warn(
      { fields: parsed.error.issues.map((i) => i.path.join('.')) },
      'traject card data refused',
    );
    return undefined;
  };

  /**
   * "Ask for an AI suggestion": answered at once with the card saying a suggestion is being made; the model
   * is called after the answer has gone out, and the card is then updated in place (or, for clients without
   * universal actions, a new card is sent).
   */
  const suggest = async (context: TurnContext, raw: unknown, viaSubmit: boolean): Promise<AdaptiveCard> => {
    const owner = ownerOf(context);
    if (!owner) return messageCard(context, 'reply.identityMissing');
    const data = readCardData(context, trajectCardData, raw);
    if (!data) return messageCard(context, 'traject.badData');
    const locale = localeOf(context.activity, deps.defaultLocale);
    const t = translator(locale);
    const card = (ai: AiPanel | undefined) =>
      composeCard(t, {
        values: typedValues(data, raw),
        version: data.version,
        submissionId: data.submissionId,
        peoplePicker: deps.peoplePicker,
        ai,
        taken: data.aiSuggestion,
        locale,
      });
    const model = deps.languageModel;
    if (!model) return card(undefined);
    if (data.talents === '' && data.learningNeeds === '')
      return card({ state: 'failed', reason: 'needWords' });

    const now = deps.clock();
    const cardId = viaSubmit ? undefined : context.activity.replyToId;
    const digest = createHash('sha256')
      .update(JSON.stringify([locale, data.talents, data.learningNeeds]))
      .digest('hex')
      .slice(0, 16);
    const key = `ai-suggestion:${owner.tenantId}:${owner.aadObjectId}:${cardId ?? data.submissionId}:${digest}:${Math.floor(now.getTime() / SUGGESTION_DEDUPE_MS)}`;
    if (!(await deps.effects.claim(key, 'ai-suggestion', now))) return card({ state: 'pending' });

    const log = turnLogger(context, deps.logger);
    const reference = TurnContext.getConversationReference(context.activity);
    const fromName = context.activity.from.name ?? '';
    afterTurn(context, {
      name: 'traject.suggestion',
      run: async () => {
        let panel: AiPanel;
        const started = Date.now();
        try {
          // The person's words go to the model without their name or their manager's; what comes back is
          // shown with the names put back, as it is the person's own (domain/pseudonymiser.ts).
          const me = await deps.professionals.find(owner.tenantId, owner.aadObjectId);
          const boss = me?.managerAadObjectId
            ? await deps.professionals.find(owner.tenantId, me.managerAadObjectId)
            : undefined;
          const people = [
            { ref: owner.aadObjectId, name: me?.name ?? fromName },
            ...(boss ? [{ ref: boss.aadObjectId, name: boss.name }] : []),
          ];
          const names = new Map(people.map((p) => [p.ref.toLowerCase(), p.name]));
          const { hide, reveal } = pseudonymiser(people, locale);
          const answer = await model.complete(
            suggestionRequest(locale, hide(data.talents), hide(data.learningNeeds)),
          );
          // The reply is JSON: a name goes in as string content.
          const reply = renderPeople(reveal(answer), (ref) => inJsonString(names.get(ref)), locale);
          const suggestion = readModelReply(reply, {
            model: model.name,
            promptVersion: SUGGESTION_PROMPT_VERSION,
            suggestedAt: deps.clock().toISOString(),
          });
          panel = suggestion ? { state: 'offered', suggestion } : { state: 'failed', reason: 'unusable' };
        } catch (err) {
          const reason = err instanceof ModelError ? err.reason : 'failed';
          panel = { state: 'failed', reason };
          if (!(err instanceof ModelError)) log.error({ err }, 'AI suggestion failed');
        } finally {
          await deps.effects.forget(key);
        }
        log.info(
          {
            outcome: panel.state,
            reason: panel.state === 'failed' ? panel.reason : undefined,
            ms: Date.now() - started,
          },
          'AI suggestion',
        );
        const attachment = toAttachment(card(panel));
        if (cardId) await deps.conversations.update(reference, cardId, { attachments: [attachment] });
        else await deps.conversations.send(reference, MessageFactory.attachment(attachment));
      },
    });
    return card({ state: 'pending' });
  };

  /** "Take it": the suggested questions are ticked, and the suggestion travels with the card until saved. */
  const take = (context: TurnContext, raw: unknown): AdaptiveCard => {
    if (!ownerOf(context)) return messageCard(context, 'reply.identityMissing');
    const data = readCardData(context, takeSuggestionData, raw);
    if (!data) return messageCard(context, 'traject.badData');
    const locale = localeOf(context.activity, deps.defaultLocale);
    return composeCard(translator(locale), {
      values: { ...typedValues(data, raw), questions: data.suggestion.questions.join(',') },
      version: data.version,
      submissionId: data.submissionId,
      peoplePicker: deps.peoplePicker,
      notice: 'traject.ai.taken',
      ai: idleAi(),
      taken: data.suggestion,
      locale,
    });
  };

  /** "Leave it": the card as it was, without the suggestion. */
  const leave = (context: TurnContext, raw: unknown): AdaptiveCard => {
    if (!ownerOf(context)) return messageCard(context, 'reply.identityMissing');
    const data = readCardData(context, trajectCardData, raw);
    if (!data) return messageCard(context, 'traject.badData');
    const locale = localeOf(context.activity, deps.defaultLocale);
    return composeCard(translator(locale), {
      values: typedValues(data, raw),
      version: data.version,
      submissionId: data.submissionId,
      peoplePicker: deps.peoplePicker,
      notice: 'traject.ai.left',
      ai: idleAi(),
      taken: data.aiSuggestion,
      locale,
    });
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
  app.adaptiveCards.actionExecute(VERBS.trajectSuggest, async (context, _state, data) =>
    suggest(context, data, false),
  );
  app.adaptiveCards.actionExecute(VERBS.trajectSuggestionTake, (context, _state, data) =>
    Promise.resolve(take(context, data)),
  );
  app.adaptiveCards.actionExecute(VERBS.trajectSuggestionLeave, (context, _state, data) =>
    Promise.resolve(leave(context, data)),
  );
  app.adaptiveCards.actionSubmit(VERBS.trajectSuggest, async (context, _state, data) =>
    reply(context, await suggest(context, data, true)),
  );
  app.adaptiveCards.actionSubmit(VERBS.trajectSuggestionTake, async (context, _state, data) =>
    reply(context, take(context, data)),
  );
  app.adaptiveCards.actionSubmit(VERBS.trajectSuggestionLeave, async (context, _state, data) =>
    reply(context, leave(context, data)),
  );
}
