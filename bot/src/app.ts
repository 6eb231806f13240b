import { Application, type TurnState } from '@microsoft/teams-ai';
import type { Storage } from 'botbuilder';
import type { BotAdapter } from './bot-adapter';
import { translator } from './cards/i18n';
import { isDomainError } from './domain/errors';
import { registerCircles } from './features/circles/circle.handlers';
import { registerPlanning } from './features/cycles/plan.handlers';
import { registerMeetings } from './features/meetings/meeting.handlers';
import { registerSessions } from './features/sessions/session.handlers';
import { registerTalent } from './features/talent/talent.handlers';
import { registerFallback, registerHelp } from './features/help/help.handlers';
import { localeOf, turnLogger } from './features/shared/activity';
import type { FeatureDeps } from './features/shared/deps';
import { registerTraject } from './features/traject/traject.handlers';
import { registerWelcome } from './features/welcome/welcome.handlers';

export interface AppParts {
  adapter: BotAdapter;
  storage: Storage;
  deps: FeatureDeps;
}

/** The teams-ai Application with every feature registered, in the order their routes are tried. */
export function createApp({ adapter, storage, deps }: AppParts): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    storage,
    // In group chats the text arrives as "<at>Werkplekleren+</at> hulp"; commands must read as "hulp".
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });

  // Before the welcome: a meeting chat gets the meeting's link card instead of the general introduction.
  registerMeetings(app, deps);
  registerWelcome(app, deps);
  registerHelp(app, deps);
  registerTraject(app, deps);
  registerCircles(app, deps);
  registerPlanning(app, deps);
  registerSessions(app, deps);
  registerTalent(app, deps);
  registerFallback(app, deps);

  app.error(async (context, error) => {
    const log = turnLogger(context, deps.logger);
    const code = isDomainError(error) ? error.code : (error as { code?: unknown }).code;
    log.error({ err: error, code }, 'turn failed');
    if (context.activity.type === 'message') {
      try {
        await context.sendActivity(translator(localeOf(context.activity, deps.defaultLocale))('reply.error'));
      } catch (sendError) {
        log.warn({ err: sendError }, 'could not tell the user about the failure');
      }
    }
  });

  return app;
}
