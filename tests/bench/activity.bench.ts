/**
 * `npm run bench`: how long a turn takes end to end, against a baseline measured in the same run on the
 * same machine (these machines are noisy, so only ratios mean something).
 *
 * - baseline: GET /healthz (restify and the loopback HTTP stack, nothing else)
 * - help turn: POST /api/messages "hulp" from a known person (adapter, teams-ai turn state read and written
 *   in MongoDB, contact upsert, a card sent to a Bot Connector on 127.0.0.1)
 * - first contact: the same for a new person each time (insert, effect claim, welcome card + reply)
 * - plan preview: an Action.Execute answered in the HTTP response (holidays, four cycles)
 * - session refresh: a member's own view of a running session's card (snapshot read, catch-up, render)
 * - session contribution: an idea added on the card (one event inserted, snapshot written, the answer; the
 *   shared card is updated after the answer). Teams' limit for an invoke is a few seconds; our target is 1 s.
 *
 * Bounded: a fixed number of requests per case, at a fixed concurrency.
 */
import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../bot/src/config';
import { startService } from '../../bot/src/main';
import { resolveMongo } from '../../bot/src/store/mongo-server.resolver';
import { cardExecute, groupConversation, message, person, rosterMembers } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

interface Result {
  name: string;
  p50: number;
  p95: number;
  perSecond: number;
}

async function measure(
  name: string,
  request: (i: number) => Promise<Response>,
  requests = REQUESTS,
): Promise<Result> {
  for (let i = 0; i < 20; i++) await (await request(-1 - i)).arrayBuffer(); // warm-up
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) {
        const i = next++;
        const t0 = performance.now();
        const response = await request(i);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${name}: status ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { name, p50: at(0.5), p95: at(0.95), perSecond: requests / seconds };
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const mongo = await resolveMongo({
    uri: process.env.MONGODB_URI,
    ferretdbBin: process.env.FERRETDB_BIN,
    searchPath: process.env.PATH,
    projectRoot: root,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  const connector = await new FakeBotConnector().start();
  const config = parseConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    MONGODB_URI: mongo.uri,
    MONGODB_DB: `bench_${Date.now()}`,
  });
  const service = await startService(config, pino({ level: 'silent' }));
  const post = (body: unknown) =>
    fetch(`${service.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const regular = person('Bench Regular');
  // A circle in a group chat, for the plan card's invoke (an Action.Execute answered in the HTTP response).
  const circleMembers = [person('Bench A'), person('Bench B'), person('Bench C')];
  const chat = groupConversation();
  connector.rosters.set(chat.id, rosterMembers(circleMembers));
  await post(message(connector.serviceUrl, circleMembers[0]!, '<at>Werkplekleren+</at> cirkel', chat));
  const formCard = connector.messages(chat.id).at(-1)!.body.attachments![0]!.content as {
    actions: { verb?: string; data?: Record<string, unknown> }[];
  };
  await post(
    cardExecute(
      connector.serviceUrl,
      circleMembers[0]!,
      'circle.form',
      {
        ...formCard.actions.find((a) => a.verb === 'circle.form')!.data,
        name: 'Bench',
        members: circleMembers.map((p) => p.aadObjectId).join(','),
      },
      chat,
    ),
  );
  const planInputs = {
    week: '2027-04-26',
    startDay: 'auto',
    time: '09:00',
    cycles: '4',
    everyWeeks: '2',
    pauseFrom: '',
    pauseTo: '',
  };
  try {
    const results: Result[] = [
      await measure('baseline GET /healthz', () => fetch(`${service.url}/healthz`)),
      await measure('help turn (known person)', () => post(message(connector.serviceUrl, regular, 'hulp'))),
      await measure('first contact (new person)', () =>
        post(message(connector.serviceUrl, person('New'), 'hallo')),
      ),
      await measure('plan preview invoke (4 cycles)', () =>
        post(cardExecute(connector.serviceUrl, circleMembers[1]!, 'plan.preview', planInputs, chat)),
      ),
    ];
    // A running session in the circle's chat, at its first stage.
    await post(message(connector.serviceUrl, circleMembers[0]!, '<at>Werkplekleren+</at> start', chat));
    const kickoff = JSON.stringify(connector.messages(chat.id).at(-1)!.body);
    const sessionId = /"sessionId":"([^"]+)"/.exec(kickoff)![1]!;
    await post(
      cardExecute(
        connector.serviceUrl,
        circleMembers[0]!,
        'session.begin',
        {
          sessionId,
          rev: 0,
          frameId: 'standaard',
          situation: 'new',
          newSituation: 'Bench',
          question: 'none',
        },
        chat,
      ),
    );
    results.push(
      await measure('session refresh invoke', () =>
        post(cardExecute(connector.serviceUrl, circleMembers[1]!, 'session.refresh', { sessionId }, chat)),
      ),
      // Within the session's 150 contributions (the warm-up adds 20).
      await measure(
        'session contribution invoke',
        (i) =>
          post(
            cardExecute(
              connector.serviceUrl,
              circleMembers[(i + 20) % 3]!,
              'session.contribute',
              { sessionId, rev: 1, stage: 0, contribution: `Idee ${i}` },
              chat,
            ),
          ),
        120,
      ),
    );
    const baseline = results[0]!;
    process.stdout.write(
      `\n${mongo.description}\n${REQUESTS} requests per case, concurrency ${CONCURRENCY}\n\n` +
        `${'case'.padEnd(30)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'req/s'.padStart(9)}${'p50 ÷ baseline'.padStart(16)}\n`,
    );
    for (const r of results) {
      process.stdout.write(
        `${r.name.padEnd(30)}${r.p50.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(9)}${r.perSecond
          .toFixed(0)
          .padStart(9)}${(r.p50 / baseline.p50).toFixed(1).padStart(15)}×\n`,
      );
    }
    const client = service.mongo.client;
    await client.db(config.mongo.dbName).dropDatabase();
  } finally {
    await service.stop();
    await connector.stop();
    await mongo.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
