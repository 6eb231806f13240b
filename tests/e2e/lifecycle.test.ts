import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Service } from '../../bot/src/main';
import { startFerretDb, type ResolvedMongo } from '../../bot/src/store/mongo-server.resolver';
import { message, person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { postActivity, startTestService } from '../support/service';

const ROOT = path.resolve(__dirname, '..', '..');
const ferretdbBin = spawnSync(
  process.execPath,
  [path.join(ROOT, 'infra/local/install-ferretdb.mjs'), '--print-path'],
  {
    encoding: 'utf8',
  },
).stdout.trim();

async function readyStatus(service: Service): Promise<number> {
  return (await fetch(`${service.url}/readyz`)).status;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

describe('/readyz follows MongoDB', () => {
  let dataDir: string;
  let mongo: ResolvedMongo | undefined;
  let service: Service | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'wpl-ready-'));
  });
  afterAll(async () => {
    await service?.stop();
    await mongo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 200 while MongoDB answers, 503 while it is gone, and 200 again when it is back', async () => {
    mongo = await startFerretDb({ bin: ferretdbBin, dataDir });
    const port = Number(new URL(mongo.uri).port);
    service = await startTestService({ MONGODB_URI: mongo.uri });
    expect(await readyStatus(service)).toBe(200);

    await mongo.stop();
    expect(await readyStatus(service)).toBe(503);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200); // alive, just not ready

    mongo = await startFerretDb({ bin: ferretdbBin, dataDir, port });
    const s = service;
    expect(await eventually(async () => (await readyStatus(s)) === 200, 20_000)).toBe(true);
  });
});

describe('graceful shutdown', () => {
  let connector: FakeBotConnector;

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
  });
  afterAll(async () => {
    await connector.stop();
  });

  it('finishes a turn in flight, then refuses new work and closes', async () => {
    const service = await startTestService();
    connector.delayMs = 700; // every reply takes a while: the turn is still running when shutdown starts
    const activity = message(connector.serviceUrl, person('Late Arrival'), 'hallo');
    const inFlight = postActivity(service, activity);
    await connector.waitFor((received) => received.length >= 1);

    const stopped = service.stop();
    const response = await inFlight;
    await stopped;

    expect(response.status).toBe(200);
    expect(connector.messages(activity.conversation.id)).toHaveLength(2); // welcome + reply, both delivered
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    expect(await service.mongo.ping()).toBe(false); // the MongoClient is closed
  });
});
