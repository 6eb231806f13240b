/**
 * The outbox: every card sent outside a turn (a reminder, a kick-off card, a nudge) is a record with a
 * unique key, delivered by the store's delivery loop through a CardSender. Plain data and ports; no Teams,
 * MongoDB or HTTP types here.
 */

/**
 * Where a card goes: the parts of a Bot Framework conversation reference the Bot Connector needs. A
 * professional's `ProactiveAddress` is one.
 */
export interface DeliveryAddress {
  channelId: string;
  serviceUrl: string;
  conversationId: string;
  conversationType?: string | undefined;
  tenantId: string;
  botId?: string | undefined;
  botName?: string | undefined;
  /** Post as a reply to this activity (a thread in a Teams channel). */
  replyToId?: string | undefined;
}

/** A Bot Framework activity as JSON, e.g. `{ type: 'message', attachments: [card] }`. */
export type OutgoingActivity = Readonly<Record<string, unknown>>;

export interface DeliveryRequest {
  /** Unique per effect, e.g. `session-kickoff:<sessionId>:<aadObjectId>`: a key is sent at most once. */
  key: string;
  /** What it is (e.g. `session-kickoff`), for logs and queries. */
  kind: string;
  address: DeliveryAddress;
  activity: OutgoingActivity;
  /** Not sent before this time; now when absent. */
  notBefore?: Date;
}

/**
 * - pending: waiting to be sent (or for a retry).
 * - sent: the Bot Connector accepted it; `activityId` is the id it gave.
 * - unreachable: 403/404, the bot cannot post there (uninstalled, blocked, conversation gone).
 * - failed: refused for good (another 4xx), or retries ran out.
 * - uncertain: a replica died while its send was under way; whether it arrived is unknown, and it is not
 *   sent again (a key is never sent twice).
 */
export type DeliveryStatus = 'pending' | 'sent' | 'unreachable' | 'failed' | 'uncertain';

export interface DeliveryState {
  key: string;
  kind: string;
  status: DeliveryStatus;
  tenantId: string;
  conversationId: string;
  attempts: number;
  activityId: string | undefined;
  /** The code of the last failure, e.g. `HTTP_429` or `ECONNRESET`; never a message. */
  lastError: string | undefined;
  lastStatusCode: number | undefined;
  notBefore: Date;
  sentAt: Date | undefined;
}

export interface Outbox {
  /** Records a card to send; the same key again changes nothing (the first record stands). */
  enqueue(request: DeliveryRequest): Promise<{ created: boolean; status: DeliveryStatus }>;
  get(key: string): Promise<DeliveryState | undefined>;
  /** True once a send to the conversation was answered 403/404 and none has succeeded since. */
  isUnreachable(tenantId: string, conversationId: string): Promise<boolean>;
  /** Forgets that a conversation was unreachable (e.g. the app was installed again). */
  markReachable(tenantId: string, conversationId: string): Promise<void>;
}

/** What one send attempt came to, as the Bot Connector answered. */
export type SendOutcome =
  | { kind: 'sent'; activityId: string | undefined }
  /** 429, 412, 502, 503, 504 or a transport failure: try again, after `retryAfterMs` when the service said. */
  | { kind: 'retry'; code: string; statusCode: number | undefined; retryAfterMs: number | undefined }
  /** 403, 404: the bot cannot reach this conversation. */
  | { kind: 'unreachable'; code: string; statusCode: number }
  /** Any other refusal: sending it again would be refused again. */
  | { kind: 'rejected'; code: string; statusCode: number | undefined };

/** One HTTP request to the Bot Connector per call, never retried inside: the outbox decides about retries. */
export interface CardSender {
  send(address: DeliveryAddress, activity: OutgoingActivity): Promise<SendOutcome>;
}
