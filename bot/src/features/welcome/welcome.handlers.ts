import { MessageFactory, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { toAttachment } from '../../cards/adaptive-card';
import { COMMANDS, commandPattern } from '../../cards/commands';
import { translator } from '../../cards/i18n';
import {
  botWasAdded,
  contactFromActivity,
  conversationKind,
  localeOf,
  statedLocaleOf,
  turnLogger,
} from '../shared/activity';
import type { FeatureDeps } from '../shared/deps';
import { groupIntroCard, welcomeCard } from './welcome.card';

/** Activities that mean "this person is here": we record them and welcome them once. */
function isContactActivity(context: TurnContext): boolean {
  const { activity } = context;
  if (activity.type === 'message') return true;
  if (activity.type === 'installationUpdate') return activity.action?.startsWith('add') ?? false;
  if (activity.type === 'conversationUpdate') return botWasAdded(activity);
  return false;
}

/**
 * Teams sends a personal install as a conversationUpdate and an installationUpdate at the same moment,
 * and the conversationUpdate may carry no locale. Let that one record the person but leave the welcome
 * to an activity that knows their language, so nobody with an English Teams gets a Dutch welcome.
 */
function mayWelcome(context: TurnContext): boolean {
  const { activity } = context;
  return activity.type !== 'conversationUpdate' || statedLocaleOf(activity) !== undefined;
}

export function registerWelcome(app: Application<TurnState>, deps: FeatureDeps): void {
  app.turn('beforeTurn', async (context) => {
    if (!isContactActivity(context)) return true;
    const log = turnLogger(context, deps.logger);
    const contact = contactFromActivity(context.activity);
    if (!contact) {
      // Without an Entra id we cannot attribute anything; the turn still runs (help works for anyone).
      log.warn('activity without from.aadObjectId or tenant; contact not recorded');
      return true;
    }
    const { professional, shouldWelcome } = await deps.professionals.recordContact(contact, {
      mayWelcome: mayWelcome(context),
    });
    log.debug({ professionalId: professional.id, shouldWelcome }, 'contact recorded');
    if (shouldWelcome) {
      const t = translator(professional.locale);
      await context.sendActivity(
        MessageFactory.attachment(toAttachment(welcomeCard(t, professional.name || undefined))),
      );
      log.info({ professionalId: professional.id }, 'welcome sent');
    }
    return true;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const { activity } = context;
    if (!botWasAdded(activity) || conversationKind(activity) === 'personal') return;
    // Teams may deliver the install event more than once; the ledger lets one introduction through.
    const first = await deps.effects.claim(`intro:${activity.conversation.id}`, 'group-intro', deps.clock());
    if (!first) return;
    const t = translator(localeOf(activity, deps.defaultLocale));
    await context.sendActivity(MessageFactory.attachment(toAttachment(groupIntroCard(t))));
    turnLogger(context, deps.logger).info('group introduction sent');
  });

  app.message(commandPattern(COMMANDS.welcome), async (context) => {
    const t = translator(localeOf(context.activity, deps.defaultLocale));
    const name = context.activity.from?.name || undefined;
    await context.sendActivity(MessageFactory.attachment(toAttachment(welcomeCard(t, name))));
  });
}
