/**
 * A replica of the service's background machinery in a process of its own, so a test can kill it (SIGKILL)
 * the way a container dies: no shutdown, no final writes. Run with `node --import tsx`; configured by the
 * REPLICA env variable (JSON), prints "ready" when polling.
 *
 * - scheduler: runs jobs named `hang`; each run is recorded in `testRuns` and never ends.
 * - outbox: delivers cards through the real Bot Connector client to the addresses in the records.
 */
import { MongoClient } from 'mongodb';
import { createBotAdapter } from '../../bot/src/bot-adapter';
import { createBotConnectorSender } from '../../bot/src/integrations/bot-connector-delivery';
import type { RateLimits } from '../../bot/src/store/mongo-rate-limiter';
import { MongoOutbox } from '../../bot/src/store/mongo-outbox';
import { MongoScheduler } from '../../bot/src/store/mongo-scheduler';

export interface ReplicaConfig {
  mode: 'scheduler' | 'outbox';
  uri: string;
  dbName: string;
  leaseMs: number;
  pollIntervalMs: number;
  rate?: RateLimits;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.REPLICA ?? '{}') as ReplicaConfig;
  const client = await MongoClient.connect(config.uri);
  const db = client.db(config.dbName);
  if (config.mode === 'scheduler') {
    const scheduler = new MongoScheduler(db, {
      leaseMs: config.leaseMs,
      pollIntervalMs: config.pollIntervalMs,
      owner: 'worker',
    });
    scheduler.register('hang', async (job) => {
      await db.collection('testRuns').insertOne({ key: job.key, attempt: job.attempt, by: 'worker' });
      await new Promise(() => undefined);
    });
    scheduler.start();
  } else {
    const outbox = new MongoOutbox(db, createBotConnectorSender(createBotAdapter(undefined), undefined), {
      leaseMs: config.leaseMs,
      pollIntervalMs: config.pollIntervalMs,
      rate: config.rate,
      owner: 'worker',
    });
    outbox.start();
  }
  process.stdout.write('ready\n');
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
