import type { CloudAdapterBase, ConversationAccount, ConversationReference, TurnContext } from 'botbuilder';
import type { CardSender, DeliveryAddress, SendOutcome } from '../domain/outbox';

/** Statuses after which the Bot Connector asks to send again (Teams' guidance), after Retry-After if given. */
const RETRY_STATUSES = new Set([412, 429, 502, 503, 504]);
const UNREACHABLE_STATUSES = new Set([403, 404]);

/**
 * The outbox's sender: one send through the adapter's own connector client (authentication, the service URL
 * and the token cache stay the Bot Framework's), with the client's own retries switched off.
 *
 * Why off: botframework-connector's client (@azure/core-rest-pipeline's defaultRetryPolicy) silently sends
 * again up to 3 times on 429/503 (after Retry-After), 5xx, 408 and connection errors. Those extra requests
 * would pass the outbox's rate limit uncounted, and a request retried after a lost answer may post a card
 * twice. The outbox sees every answer and decides itself.
 */
export function createBotConnectorSender(
  adapter: CloudAdapterBase,
  botAppId: string | undefined,
): CardSender {
  // Local mode has no app id; the connector then sends without a token, as the Agents Playground expects.
  const appId = botAppId ?? '';
  return {
    async send(address, activity) {
      let activityId: string | undefined;
      // The send's own error is caught inside the turn: the adapter's onTurnError (set for the bot's turns)
      // would otherwise take it, and continueConversationAsync would return as if the card had been sent.
      let failure: unknown;
      let sent = false;
      try {
        await adapter.continueConversationAsync(appId, toReference(address), async (context) => {
          withoutClientRetries(context);
          try {
            activityId = (await context.sendActivity(activity))?.id;
            sent = true;
          } catch (err) {
            failure = err;
          }
        });
      } catch (err) {
        return classifySendError(err);
      }
      if (failure !== undefined) return classifySendError(failure);
      if (!sent) return classifySendError(new Error('the proactive turn ended without sending'));
      return { kind: 'sent', activityId };
    },
  };
}

export function toReference(address: DeliveryAddress): Partial<ConversationReference> {
  const conversation = {
    id: address.conversationId,
    tenantId: address.tenantId,
    conversationType: address.conversationType,
    isGroup: address.conversationType !== undefined && address.conversationType !== 'personal',
  } as ConversationAccount;
  return {
    channelId: address.channelId,
    serviceUrl: address.serviceUrl,
    conversation,
    bot: { id: address.botId ?? '', name: address.botName ?? '' },
    ...(address.replyToId ? { activityId: address.replyToId } : {}),
  };
}

/** An error with a code of our own, so the outbox fails the card instead of retrying it. */
class SenderSetupError extends Error {
  readonly code = 'CONNECTOR_RETRIES_NOT_DISABLED';
}

function withoutClientRetries(context: TurnContext): void {
  const client = context.turnState.get<unknown>(context.adapter.ConnectorClientKey) as
    { client?: { pipeline?: { removePolicy(filter: { name: string }): unknown[] } } } | undefined;
  const removed = client?.client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
  if (!removed || removed.length === 0) {
    // botbuilder changed its client: better no proactive cards than cards sent twice.
    throw new SenderSetupError('the connector client has no retry policy to switch off');
  }
}

export function classifySendError(err: unknown, now: number = Date.now()): SendOutcome {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    statusCode?: unknown;
    code?: unknown;
    name?: unknown;
    response?: { headers?: { get?(name: string): string | undefined } };
  };
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (statusCode === undefined) {
    const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'UNKNOWN';
    if (err instanceof SenderSetupError) return { kind: 'rejected', code, statusCode: undefined };
    // A refused connection never carried the card; a reset or a time-out may have, like a 502 or 504
    // (which Teams' guidance says to send again): all are retried, within the outbox's bounds.
    return { kind: 'retry', code: code.slice(0, 60), statusCode: undefined, retryAfterMs: undefined };
  }
  const code = `HTTP_${statusCode}`;
  if (RETRY_STATUSES.has(statusCode)) {
    const header = e.response?.headers?.get?.('retry-after');
    return { kind: 'retry', code, statusCode, retryAfterMs: parseRetryAfter(header, now) };
  }
  if (UNREACHABLE_STATUSES.has(statusCode)) return { kind: 'unreachable', code, statusCode };
  return { kind: 'rejected', code, statusCode };
}

/** Retry-After as delta-seconds ("2", "1.5") or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | undefined | null,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1_000);
  // An HTTP date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse would read "-3" as a year.
  const date = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
