import type { CloudAdapterBase } from 'botbuilder';
import type { ConversationSender } from '../features/shared/deps';

/**
 * Sends to, and updates cards in, a conversation outside of a turn, through the adapter's own connector
 * client (so authentication, the service URL and retries are the Bot Framework's). The outbox and the
 * scheduler build on this; features use it for follow-ups such as a card updated once the AI model answered.
 */
export function createConversationSender(
  adapter: CloudAdapterBase,
  botAppId: string | undefined,
): ConversationSender {
  // Local mode has no app id; the connector then sends without a token, as the Agents Playground expects.
  const appId = botAppId ?? '';
  return {
    async send(reference, activity) {
      let id: string | undefined;
      await adapter.continueConversationAsync(appId, reference, async (context) => {
        id = (await context.sendActivity(activity))?.id;
      });
      return id;
    },
    async update(reference, activityId, activity) {
      await adapter.continueConversationAsync(appId, reference, async (context) => {
        await context.updateActivity({ type: 'message', ...activity, id: activityId });
      });
    },
  };
}
