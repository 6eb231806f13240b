import { MessageFactory, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { toAttachment } from '../../cards/adaptive-card';
import { ALL_COMMANDS, COMMANDS, commandPattern } from '../../cards/commands';
import { translator } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import { localeOf } from '../shared/activity';
import type { FeatureDeps } from '../shared/deps';
import { helpCard } from './help.card';

export function registerHelp(app: Application<TurnState>, deps: FeatureDeps): void {
  const sendHelp = async (context: TurnContext): Promise<void> => {
    const locale = localeOf(context.activity, deps.defaultLocale);
    await context.sendActivity(
      MessageFactory.attachment(toAttachment(helpCard(translator(locale), locale, ALL_COMMANDS))),
    );
  };
  app.message(commandPattern(COMMANDS.help), sendHelp);
  // The "What can I do?" button on the welcome and introduction cards.
  app.adaptiveCards.actionSubmit(VERBS.showHelp, sendHelp);
}

/** Registered last: any other message gets a pointer to help instead of silence. */
export function registerFallback(app: Application<TurnState>, deps: FeatureDeps): void {
  app.activity('message', async (context) => {
    const locale = localeOf(context.activity, deps.defaultLocale);
    await context.sendActivity(translator(locale)('reply.unknown'));
  });
}
