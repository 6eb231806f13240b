import { TeamsAdapter } from '@microsoft/teams-ai';
import {
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { BotAuthConfig } from './config';

/**
 * teams-ai's TeamsAdapter (botbuilder's CloudAdapter underneath). We call the adapter's activity pipeline
 * ourselves instead of `adapter.process(req, res)`, which console.logs errors, answers auth failures in
 * plain text and would need restify's response object; the server keeps the HTTP answers JSON.
 */
export class BotAdapter extends TeamsAdapter {
  /** Authenticates the request (unless in local mode) and runs the turn; throws errors with statusCode 401 on bad tokens. */
  handleActivity(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

export function createBotAdapter(auth: BotAuthConfig | undefined): BotAdapter {
  if (!auth) {
    // No app id: the Bot Framework's local mode, which accepts unauthenticated activities (Agents Playground).
    return new BotAdapter({});
  }
  const settings = {
    MicrosoftAppId: auth.appId,
    MicrosoftAppPassword: auth.appPassword ?? '',
    MicrosoftAppType: auth.appType,
    MicrosoftAppTenantId: auth.tenantId ?? '',
  };
  return new BotAdapter(settings, new ConfigurationServiceClientCredentialFactory(settings));
}
