import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { message, person, personalInstall } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { postActivity, startTestService } from '../support/service';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const junkValues: unknown[] = [
  null,
  0,
  -1,
  1e308,
  true,
  '',
  ' ',
  'x'.repeat(5000),
  [],
  [null],
  {},
  { $where: '1' },
  '<at>x</at>',
  '\u0000',
  '😀',
];

describe('whatever arrives, the service answers 2xx or 4xx and stays up', () => {
  let connector: FakeBotConnector;
  let service: Service;

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService();
  });
  afterAll(async () => {
    await service?.stop();
    await connector?.stop();
  });

  it('survives every field of a message and an install replaced by junk', async () => {
    const next = random(20261126);
    const templates = [
      message(connector.serviceUrl, person('Fuzz'), 'hulp') as unknown as Record<string, unknown>,
      personalInstall(connector.serviceUrl, person('Fuzz')) as unknown as Record<string, unknown>,
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const activity = structuredClone(templates[i % 2]!);
      const fields = Object.keys(activity);
      const field = fields[Math.floor(next() * fields.length)]!;
      const junk = junkValues[Math.floor(next() * junkValues.length)];
      if (
        next() < 0.5 &&
        typeof activity[field] === 'object' &&
        activity[field] !== null &&
        !Array.isArray(activity[field])
      ) {
        const inner = activity[field] as Record<string, unknown>;
        const innerKeys = Object.keys(inner);
        if (innerKeys.length > 0) inner[innerKeys[Math.floor(next() * innerKeys.length)]!] = junk;
      } else {
        activity[field] = junk;
      }
      const response = await postActivity(service, activity);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) {
        throw new Error(
          `status ${response.status} for ${field}=${JSON.stringify(junk)?.slice(0, 80)}: ${response.text}`,
        );
      }
    }
    expect([...statuses.keys()].every((s) => s === 200 || s === 400)).toBe(true);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await postActivity(service, message(connector.serviceUrl, person('After'), 'hulp'))).status).toBe(
      200,
    );
  });

  it('refuses an activity that tries to pass a MongoDB operator as an id, and stores nothing odd', async () => {
    const activity = message(connector.serviceUrl, person('Injector'), 'hulp') as unknown as {
      from: Record<string, unknown>;
    };
    activity.from.aadObjectId = { $ne: null };
    expect((await postActivity(service, activity)).status).toBe(400);
    const client = await MongoClient.connect(service.config.mongo.uri!);
    try {
      const stored = await client
        .db(service.config.mongo.dbName)
        .collection('professionals')
        .find({ name: 'Injector' })
        .toArray();
      expect(stored).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
