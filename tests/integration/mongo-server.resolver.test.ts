/**
 * Runs against a real FerretDB binary (the project cache, filled by
 * `npm run ferretdb:install`) and real processes; nothing is mocked.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import {
  isAlive,
  MongoServerUnavailableError,
  resolveMongo,
  startFerretDb,
  type ResolvedMongo,
} from '../../bot/src/store/mongo-server.resolver';

jest.setTimeout(60_000);

const projectRoot = path.resolve(__dirname, '..', '..');
const ferretdbBin = execFileSync(
  process.execPath,
  [path.join(projectRoot, 'infra', 'local', 'install-ferretdb.mjs'), '--print-path'],
  { encoding: 'utf8' },
).trim();

const tempDirs: string[] = [];
function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

const running: ResolvedMongo[] = [];
function track(server: ResolvedMongo): ResolvedMongo {
  running.push(server);
  return server;
}

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function withClient<T>(uri: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, directConnection: true });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

function portOf(uri: string): number {
  const match = /:(\d+)\/?$/.exec(uri);
  if (!match) throw new Error(`no port in ${uri}`);
  return Number(match[1]);
}

/** 'connected', or the error code of the failed connect (e.g. ECONNREFUSED). */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('resolveMongo with an explicit URI', () => {
  it('returns the URI unchanged with kind "uri" and a no-op stop()', async () => {
    const uri = 'mongodb://user:secret@db.example.invalid:27017/app?authSource=admin';
    const resolved = await resolveMongo({ uri, projectRoot, allowBuild: false, allowDownload: false });
    expect(resolved.uri).toBe(uri);
    expect(resolved.kind).toBe('uri');
    expect(resolved.description).not.toContain('secret');
    await expect(resolved.stop()).resolves.toBeUndefined();
  });
});

describe('FerretDB from the project cache', () => {
  beforeAll(() => {
    if (!fs.existsSync(ferretdbBin)) {
      throw new Error(
        `FerretDB is not installed at ${ferretdbBin}. Run \`npm run ferretdb:install\` (needs Go) and re-run the tests.`,
      );
    }
  });

  it('keeps data across a stop and restart on the same dataDir', async () => {
    const dataDir = makeTempDir('mongo-resolver-persist-');
    const first = track(
      await resolveMongo({ ferretdbBin, projectRoot, dataDir, allowBuild: false, allowDownload: false }),
    );
    expect(first.kind).toBe('ferretdb');
    expect(first.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    expect(first.description).toContain('v1.24.2');

    const pidFile = path.join(dataDir, 'ferretdb', 'ferretdb.pid');
    expect(fs.existsSync(pidFile)).toBe(true);
    await withClient(first.uri, (c) =>
      c
        .db('resolver')
        .collection('docs')
        .insertOne({ _id: 'kept', n: 42 } as never),
    );
    await first.stop();
    expect(fs.existsSync(pidFile)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'ferretdb', 'sqlite'))).toBe(true);

    const second = track(
      await resolveMongo({ ferretdbBin, projectRoot, dataDir, allowBuild: false, allowDownload: false }),
    );
    const doc = await withClient(second.uri, (c) =>
      c.db('resolver').collection<{ _id: string; n: number }>('docs').findOne({ _id: 'kept' }),
    );
    expect(doc).toEqual({ _id: 'kept', n: 42 });
    await second.stop();
  });

  it('runs two servers side by side on different data dirs', async () => {
    const [a, b] = await Promise.all([
      startFerretDb({ bin: ferretdbBin, dataDir: makeTempDir('mongo-resolver-a-') }).then(track),
      startFerretDb({ bin: ferretdbBin, dataDir: makeTempDir('mongo-resolver-b-') }).then(track),
    ]);
    expect(a.uri).not.toBe(b.uri);
    await withClient(a.uri, (c) =>
      c
        .db('resolver')
        .collection('docs')
        .insertOne({ _id: 'only-in-a' } as never),
    );
    const inB = await withClient(b.uri, (c) => c.db('resolver').collection('docs').countDocuments());
    const inA = await withClient(a.uri, (c) => c.db('resolver').collection('docs').countDocuments());
    expect(inA).toBe(1);
    expect(inB).toBe(0);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('stops a leftover FerretDB recorded in the pid file before starting', async () => {
    const dataDir = makeTempDir('mongo-resolver-leftover-');
    const sqliteDir = path.join(dataDir, 'ferretdb', 'sqlite');
    const stateDir = path.join(dataDir, 'ferretdb', 'state');
    fs.mkdirSync(sqliteDir, { recursive: true });
    fs.mkdirSync(stateDir, { recursive: true });
    // Stands in for the FerretDB of a previous run that was killed before stop().
    const leftover = spawn(
      ferretdbBin,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${sqliteDir}/`,
        `--state-dir=${stateDir}`,
        '--listen-addr=127.0.0.1:0',
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=WARN',
      ],
      { stdio: 'ignore' },
    );
    const leftoverExit = new Promise<void>((resolve) => leftover.once('exit', () => resolve()));
    const pid = leftover.pid;
    if (pid === undefined) throw new Error('could not spawn the leftover FerretDB');
    fs.writeFileSync(path.join(dataDir, 'ferretdb', 'ferretdb.pid'), `${pid}\n`);

    const server = track(await startFerretDb({ bin: ferretdbBin, dataDir }));
    await leftoverExit;
    expect(isAlive(pid)).toBe(false);
    await expect(withClient(server.uri, (c) => c.db('admin').command({ ping: 1 }))).resolves.toMatchObject({
      ok: 1,
    });
    await server.stop();
  });

  it('refuses a data dir whose FerretDB still serves another running process, and leaves it running', async () => {
    const dataDir = makeTempDir('mongo-resolver-in-use-');
    const first = track(await startFerretDb({ bin: ferretdbBin, dataDir }));
    const pidFile = path.join(dataDir, 'ferretdb', 'ferretdb.pid');
    const [ferretPid] = fs.readFileSync(pidFile, 'utf8').trim().split(/\s+/);
    // Another live process stands in for a second `npm start` that owns this FerretDB.
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(pidFile, `${ferretPid} ${owner.pid}\n`);
      await expect(startFerretDb({ bin: ferretdbBin, dataDir })).rejects.toMatchObject({
        code: 'DATA_DIR_IN_USE',
        message: expect.stringContaining(`pid ${owner.pid}`),
      });
      await expect(withClient(first.uri, (c) => c.db('admin').command({ ping: 1 }))).resolves.toMatchObject({
        ok: 1,
      });
    } finally {
      owner.kill();
      await first.stop();
    }
  });

  it('stop() is idempotent, frees the port and removes its temp dir', async () => {
    const server = track(await startFerretDb({ bin: ferretdbBin }));
    const port = portOf(server.uri);
    const tempData = /data in (\S+) \(temporary\)/.exec(server.description)?.[1];
    expect(tempData).toBeDefined();
    expect(fs.existsSync(tempData ?? '')).toBe(true);
    expect(await connectOutcome(port)).toBe('connected');

    await Promise.all([server.stop(), server.stop()]);
    await server.stop();

    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    expect(fs.existsSync(tempData ?? '')).toBe(false);
  });
});

describe('when nothing usable is available', () => {
  it('throws MongoServerUnavailableError naming every way out and why the fake binary was skipped', async () => {
    const fakeBinDir = makeTempDir('mongo-resolver-fakebin-');
    const fake = path.join(fakeBinDir, 'ferretdb');
    fs.writeFileSync(fake, '#!/bin/sh\necho "garbage-from-fake-ferretdb"\nexit 1\n', { mode: 0o755 });
    // An empty project root, so the real project cache binary is not found.
    const emptyRoot = makeTempDir('mongo-resolver-root-');

    const error = await resolveMongo({
      searchPath: fakeBinDir,
      projectRoot: emptyRoot,
      allowBuild: false,
      allowDownload: false,
    }).then(
      (resolved) => {
        track(resolved);
        throw new Error(`expected no server, got ${resolved.description}`);
      },
      (err: unknown) => err,
    );

    expect(error).toBeInstanceOf(MongoServerUnavailableError);
    if (!(error instanceof MongoServerUnavailableError)) return;
    expect(error.code).toBe('MONGO_SERVER_UNAVAILABLE');
    expect(error.message).toContain('MONGODB_URI=mongodb://');
    expect(error.message).toContain('npm run ferretdb:install');
    expect(error.message).toContain('FERRETDB_BIN');
    expect(error.message).toContain(fake);
    expect(error.message).toContain('garbage-from-fake-ferretdb');
    expect(error.attempts.some((a) => a.includes(fake) && a.includes('skipped'))).toBe(true);
    expect(error.attempts.some((a) => a.startsWith('mongodb-memory-server'))).toBe(true);
  });
});
