import { TeamsInfo, type CloudAdapterBase } from 'botbuilder';
import type { ConversationSender } from '../features/shared/deps';

const ROSTER_PAGES = 10;

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
    async members(reference) {
      const people: { id: string; aadObjectId: string | undefined; name: string }[] = [];
      await adapter.continueConversationAsync(appId, reference, async (context) => {
        let next: string | undefined;
        // A meeting chat lists everyone invited; far more than ROSTER_PAGES pages is not a circle's meeting.
        for (let page = 0; page < ROSTER_PAGES; page++) {
          const result = await TeamsInfo.getPagedMembers(context, 100, next);
          for (const m of result.members ?? [])
            people.push({ id: m.id, aadObjectId: m.aadObjectId || undefined, name: m.name ?? '' });
          next = result.continuationToken || undefined;
          if (!next) break;
        }
      });
      return people;
    },
  };
}
