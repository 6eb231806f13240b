import type { Db } from 'mongodb';
import pino from 'pino';
import { createBotAdapter } from '../../bot/src/bot-adapter';
import type { DeliveryAddress } from '../../bot/src/domain/outbox';
import { createBotConnectorSender } from '../../bot/src/integrations/bot-connector-delivery';
import { MongoOutbox, type MongoOutboxOptions } from '../../bot/src/store/mongo-outbox';
import type { FakeBotConnector } from './bot-connector.fake';
import { eventually } from './replica';

export const OUTBOX_TENANT = 'tenant-outbox';

/**
 * Outboxes as replicas run them (each with its own adapter and the real connector client), quick to poll
 * for tests; `stopAll` ends them.
 */
export class OutboxReplicas {
  private readonly started: MongoOutbox[] = [];

  create(db: Db, options: MongoOutboxOptions = {}): MongoOutbox {
    const outbox = new MongoOutbox(db, createBotConnectorSender(createBotAdapter(undefined), undefined), {
      pollIntervalMs: 250,
      leaseMs: 5_000,
      concurrency: 8,
      retryBaseMs: 100,
      retryMaxMs: 400,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      ...options,
    });
    this.started.push(outbox);
    return outbox;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((o) => o.stop(2_000)));
  }
}

export function addressOn(
  connector: FakeBotConnector,
  conversationId: string,
  tenantId = OUTBOX_TENANT,
): DeliveryAddress {
  return {
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    conversationId,
    conversationType: 'personal',
    tenantId,
    botId: '28:bot',
    botName: 'Werkplekleren+',
  };
}

/** A card the fake connector can tell apart: its text is its key. */
/**
 * A message with an Adaptive Card as the bot sends one: its `$schema` and dotted keys (`choices.data`) are
 * field names MongoDB refuses, so the outbox must store the activity in a form that keeps them.
 */
export const cardFor = (key: string) => ({
  type: 'message',
  text: key,
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: key },
          {
            type: 'Input.ChoiceSet',
            id: 'who',
            choices: [],
            'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
          },
        ],
      },
    },
  ],
});

/** The delivery once it is no longer pending. */
export function settled(outbox: MongoOutbox, key: string, timeoutMs = 15_000) {
  return eventually(
    async () => {
      const delivery = await outbox.get(key);
      return delivery && delivery.status !== 'pending' ? delivery : undefined;
    },
    timeoutMs,
    `delivery ${key} settled`,
  );
}
