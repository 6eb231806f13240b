import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { message, person } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { testMongoUri, uniqueDbName } from '../support/mongo';
import { postActivity } from '../support/service';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `npm start` as a new user runs it: no MONGODB_URI, so the service starts its own embedded MongoDB with
 * the data under DATA_DIR; it answers, shuts down cleanly on SIGTERM, and still knows people after a restart.
 */
describe('the service as a process with the embedded MongoDB', () => {
  let dataDir: string;
  let connector: FakeBotConnector;
  const ferretdbBin = spawnSync(
    process.execPath,
    [path.join(ROOT, 'infra/local/install-ferretdb.mjs'), '--print-path'],
    {
      encoding: 'utf8',
    },
  ).stdout.trim();

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'wpl-start-'));
    connector = await new FakeBotConnector().start();
  });
  afterAll(async () => {
    await connector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  interface Running {
    child: ChildProcess;
    url: string;
    logs: string[];
    exited: Promise<number | null>;
  }

  async function start(): Promise<Running> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      FERRETDB_BIN: ferretdbBin,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bot/src/main.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${logs.join('')}`)), 60_000);
      const onData = (chunk: Buffer) => {
        logs.push(chunk.toString());
        const line = logs
          .join('')
          .split('\n')
          .find((l) => l.includes('Werkplekleren+ is listening'));
        if (line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { url: string }).url);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
      void exited.then((code) =>
        reject(new Error(`exited with ${code} before listening:\n${logs.join('')}`)),
      );
    });
    return { child, url, logs, exited };
  }

  it('starts, answers, stops on SIGTERM and remembers people after a restart', async () => {
    const sanne = person('Sanne de Vries');

    const first = await start();
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    const hello = message(connector.serviceUrl, sanne, 'hallo');
    expect((await postActivity(first, hello)).status).toBe(200);
    expect(connector.messages(hello.conversation.id)).toHaveLength(2); // welcome card + "Dat begrijp ik niet"
    expect(first.logs.join('')).not.toContain('hallo'); // what people type stays out of info logs

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.logs.join('')).toContain('"msg":"stopped"');

    const second = await start();
    try {
      const again = message(connector.serviceUrl, sanne, 'hallo');
      expect((await postActivity(second, again)).status).toBe(200);
      const replies = connector.messages(again.conversation.id);
      // Only the new "Dat begrijp ik niet": no second welcome, because her record survived the restart.
      expect(replies).toHaveLength(3);
      expect(replies[2]!.body.text).toMatch(/Dat begrijp ik niet/);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});

describe('the service refuses to start, clearly, when', () => {
  function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bot/src/main.ts')], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          ...env,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
  }

  it('the configuration is wrong: exit 2, every offending variable named', async () => {
    const { code, stderr } = await run({
      PORT: 'eighty',
      MicrosoftAppId: 'nope',
      MONGODB_URI: testMongoUri(),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT: should be a TCP port number');
    expect(stderr).toContain('MicrosoftAppId: should be the bot');
  });

  it('the port is taken: exit 1 with what to do', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const { code, stderr } = await run({
        PORT: String(port),
        MONGODB_URI: testMongoUri(),
        MONGODB_DB: uniqueDbName('port'),
      });
      expect(code).toBe(1);
      expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});
