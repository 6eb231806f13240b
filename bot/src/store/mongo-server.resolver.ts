/**
 * Finds or starts a real MongoDB-protocol server for tests (jest globalSetup) and for
 * `npm start` when no MONGODB_URI is configured.
 *
 * Order: explicit URI → FerretDB v1.24.x binary (explicit path, PATH, project cache)
 * → build FerretDB with Go via infra/local/install-ferretdb.mjs → mongodb-memory-server
 * (real mongod, needs a download) → MongoServerUnavailableError with instructions.
 *
 * FerretDB runs on SQLite: no transactions and no nested arrays, so code that must
 * work on both keeps to the common subset.
 *
 * This module never reads process.env: callers pass everything in through options,
 * which keeps it testable and keeps "where does this setting come from" in one place.
 */
import { spawn, execFile, type ChildProcess, type ExecFileException } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { DryMongoBinary, MongoBinary, MongoMemoryServer } from 'mongodb-memory-server-core';

export type MongoServerKind = 'uri' | 'ferretdb' | 'mongodb-memory-server';

export interface ResolvedMongo {
  uri: string;
  kind: MongoServerKind;
  description: string;
  stop(): Promise<void>;
}

export interface ResolveMongoOptions {
  /** MONGODB_URI; when set (non-empty), returned as is and stop() is a no-op. */
  uri?: string;
  /** FERRETDB_BIN: path to a FerretDB v1.24.x binary, tried first. */
  ferretdbBin?: string;
  /** The PATH string to look for `ferretdb` and `go` in; absent → PATH is not searched. */
  searchPath?: string;
  /** Repo root: for .cache/ferretdb and infra/local/install-ferretdb.mjs. */
  projectRoot: string;
  /** Persistent data dir (e.g. <root>/.data); absent → a fresh temp dir removed by stop(). */
  dataDir?: string;
  /** Build FerretDB with Go when no binary is found. Default true. */
  allowBuild?: boolean;
  /** Let mongodb-memory-server download mongod. Default true. */
  allowDownload?: boolean;
  onProgress?: (line: string) => void;
  /** Fixed port for FerretDB (and the memory server); default a free loopback port. */
  port?: number;
}

export interface StartFerretDbOptions {
  bin: string;
  dataDir?: string;
  port?: number;
  onProgress?: (line: string) => void;
}

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_VERSION_PREFIX = 'v1.24.';

const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;
const BUILD_TICK_MS = 15_000;
// A cold build takes 1–2 minutes on 2 cores; 15 minutes means something is stuck.
const BUILD_TIMEOUT_MS = 15 * 60_000;
const STDERR_TAIL_LINES = 20;

export class MongoServerUnavailableError extends Error {
  readonly code = 'MONGO_SERVER_UNAVAILABLE';
  readonly attempts: string[];

  constructor(message: string, attempts: string[]) {
    super(message);
    this.name = 'MongoServerUnavailableError';
    this.attempts = attempts;
  }
}

/** Where `npm run ferretdb:install` puts the binary. */
export function ferretdbCachePath(projectRoot: string): string {
  return path.join(projectRoot, '.cache', 'ferretdb', FERRETDB_VERSION, 'ferretdb');
}

export async function resolveMongo(opts: ResolveMongoOptions): Promise<ResolvedMongo> {
  const progress = opts.onProgress ?? ((): void => undefined);
  const attempts: string[] = [];

  if (opts.uri !== undefined && opts.uri.trim() !== '') {
    return {
      uri: opts.uri,
      kind: 'uri',
      description: `MongoDB at ${redactUri(opts.uri)} (from MONGODB_URI)`,
      stop: () => Promise.resolve(),
    };
  }
  attempts.push('MONGODB_URI: not set');

  const binaries = await findFerretDbBinaries(opts, attempts);
  for (const { bin, label, version } of binaries) {
    try {
      progress(`[mongo] starting FerretDB ${version} (${label}: ${bin})`);
      return withVersion(
        await startFerretDb({ bin, dataDir: opts.dataDir, port: opts.port, onProgress: opts.onProgress }),
        version,
      );
    } catch (err) {
      attempts.push(`${label} (${bin}): ${version} found but failed to start: ${errorMessage(err)}`);
    }
  }

  // Only build when there was nothing to run: a usable binary that failed to start
  // would fail the same way after a rebuild.
  if (binaries.length === 0) {
    const built = await buildFerretDb(opts, attempts, progress);
    if (built !== undefined) {
      try {
        progress(`[mongo] starting FerretDB ${FERRETDB_VERSION} (freshly built: ${built})`);
        return withVersion(
          await startFerretDb({
            bin: built,
            dataDir: opts.dataDir,
            port: opts.port,
            onProgress: opts.onProgress,
          }),
          FERRETDB_VERSION,
        );
      } catch (err) {
        attempts.push(`freshly built FerretDB (${built}): failed to start: ${errorMessage(err)}`);
      }
    }
  }

  try {
    const started = await startMemoryServer(opts, progress);
    if (started !== undefined) return started;
    attempts.push(
      'mongodb-memory-server: skipped, downloads are not allowed (allowDownload=false) and no mongod binary is cached',
    );
  } catch (err) {
    attempts.push(`mongodb-memory-server: ${describeMemoryServerError(err)}`);
  }

  throw new MongoServerUnavailableError(unavailableMessage(opts.projectRoot, attempts), attempts);
}

interface FerretDbCandidate {
  bin: string;
  label: string;
  version: string;
}

/** All usable FerretDB binaries in priority order; unusable ones are recorded in attempts. */
async function findFerretDbBinaries(
  opts: ResolveMongoOptions,
  attempts: string[],
): Promise<FerretDbCandidate[]> {
  const candidates: { bin: string | undefined; label: string; missing: string }[] = [
    { bin: opts.ferretdbBin, label: 'FERRETDB_BIN', missing: 'not set' },
    {
      bin: opts.searchPath === undefined ? undefined : findOnPath('ferretdb', opts.searchPath),
      label: '`ferretdb` on PATH',
      missing: opts.searchPath === undefined ? 'no PATH given' : 'not found',
    },
    { bin: ferretdbCachePath(opts.projectRoot), label: 'project cache', missing: 'not found' },
  ];

  const usable: FerretDbCandidate[] = [];
  const seen = new Set<string>();
  for (const { bin, label, missing } of candidates) {
    if (bin === undefined || bin === '') {
      attempts.push(`${label}: ${missing}`);
      continue;
    }
    if (!isExecutableFile(bin)) {
      attempts.push(`${label} (${bin}): ${fs.existsSync(bin) ? 'not an executable file' : 'not found'}`);
      continue;
    }
    const real = fs.realpathSync(bin);
    if (seen.has(real)) continue;
    seen.add(real);
    const probe = await probeFerretDbVersion(bin);
    if ('reason' in probe) {
      attempts.push(`${label} (${bin}): skipped, ${probe.reason}`);
      continue;
    }
    usable.push({ bin, label, version: probe.version });
  }
  return usable;
}

type VersionProbe = { version: string } | { reason: string };

async function probeFerretDbVersion(bin: string): Promise<VersionProbe> {
  const result = await new Promise<{ error: ExecFileException | null; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(bin, ['--version'], { timeout: 10_000, encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve({ error, stdout, stderr }),
      );
    },
  );
  const match = /^version:\s*(\S+)/m.exec(result.stdout);
  if (result.error !== null || match === null) {
    const output = lastLines(`${result.stdout}\n${result.stderr}`, 3).join(' | ').slice(0, 300);
    const why = describeExecFailure(result.error);
    // A plain `go install` build panics here (missing build/version/version.txt).
    const hint = /version\.txt/.test(output)
      ? ' (a plain `go install` build; use `npm run ferretdb:install`)'
      : '';
    return { reason: `\`--version\` failed: ${why}${output ? `; output: ${output}` : ''}${hint}` };
  }
  const version = match[1] ?? '';
  if (!version.startsWith(FERRETDB_VERSION_PREFIX)) {
    return { reason: `reports version ${version}, need ${FERRETDB_VERSION_PREFIX}x` };
  }
  return { version };
}

function describeExecFailure(error: ExecFileException | null): string {
  if (error === null) return 'no "version:" line in the output';
  if (error.killed === true) return 'timed out';
  if (typeof error.code === 'number') return `exit code ${error.code}`;
  if (error.signal) return `killed by ${error.signal}`;
  return error.message.split('\n')[0] ?? error.message;
}

async function buildFerretDb(
  opts: ResolveMongoOptions,
  attempts: string[],
  progress: (line: string) => void,
): Promise<string | undefined> {
  if (opts.allowBuild === false) {
    attempts.push('building FerretDB: skipped (allowBuild=false)');
    return undefined;
  }
  const go = opts.searchPath === undefined ? undefined : findOnPath('go', opts.searchPath);
  if (go === undefined) {
    attempts.push('building FerretDB: skipped, `go` not found on PATH');
    return undefined;
  }
  const script = path.join(opts.projectRoot, 'infra', 'local', 'install-ferretdb.mjs');
  if (!fs.existsSync(script)) {
    attempts.push(`building FerretDB: skipped, ${script} not found`);
    return undefined;
  }

  progress(
    `[mongo] no FerretDB binary found; building FerretDB ${FERRETDB_VERSION} with ${go} (about 1–2 minutes)…`,
  );
  const started = Date.now();
  const tick = setInterval(
    () => progress(`[mongo] still building FerretDB… ${Math.round((Date.now() - started) / 1000)}s`),
    BUILD_TICK_MS,
  );
  try {
    const outcome = await runInstallScript(script, go, progress);
    if (outcome !== undefined) {
      attempts.push(`building FerretDB with ${go}: ${outcome}`);
      return undefined;
    }
  } finally {
    clearInterval(tick);
  }
  const bin = ferretdbCachePath(opts.projectRoot);
  const probe = await probeFerretDbVersion(bin);
  if ('reason' in probe) {
    attempts.push(`building FerretDB: the built binary ${bin} is unusable: ${probe.reason}`);
    return undefined;
  }
  progress(`[mongo] FerretDB built in ${Math.round((Date.now() - started) / 1000)}s`);
  return bin;
}

/** Runs the install script; resolves undefined on success, else a reason. */
function runInstallScript(
  script: string,
  go: string,
  progress: (line: string) => void,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, `--go=${go}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    // If we exit mid-build, the script's SIGTERM handler stops `go build` and removes its temp files.
    const onExit = (): void => {
      child.kill('SIGTERM');
    };
    process.on('exit', onExit);
    const output: string[] = [];
    const forward = (line: string): void => {
      output.push(line);
      if (output.length > STDERR_TAIL_LINES) output.shift();
      // We print our own tick with the total time; the script's would duplicate it.
      if (!/still building/.test(line)) progress(line);
    };
    readLines(child.stdout, forward);
    readLines(child.stderr, forward);
    const timer = setTimeout(() => child.kill('SIGTERM'), BUILD_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      process.removeListener('exit', onExit);
      resolve(`could not run the install script: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', onExit);
      if (code === 0) resolve(undefined);
      else resolve(`install script failed (${signal ?? `exit ${code}`}): ${output.slice(-5).join(' | ')}`);
    });
  });
}

// ---------------------------------------------------------------------------
// FerretDB process management

/**
 * FerretDB children still running, with their pid files. If Node exits without stop(),
 * they are killed synchronously ('exit' handlers cannot await), so no orphan keeps
 * the SQLite files and the port.
 */
const liveChildren = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function trackChild(child: ChildProcess, pidFile: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // One shared listener instead of one per server, to avoid MaxListeners warnings.
    process.on('exit', () => {
      for (const [c, file] of liveChildren) {
        try {
          c.kill('SIGKILL');
          fs.rmSync(file, { force: true });
        } catch {
          // Already gone.
        }
      }
    });
  }
  liveChildren.set(child, pidFile);
  child.once('exit', () => liveChildren.delete(child));
}

class PortInUseError extends Error {}

/** Another running process (probably another `npm start`) uses the same data directory. */
export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another running process (pid ${ownerPid}), ` +
        `probably Werkplekleren+ started earlier. Stop that one first, or give this one its own DATA_DIR.`,
    );
    this.name = 'DataDirInUseError';
  }
}

export async function startFerretDb(opts: StartFerretDbOptions): Promise<ResolvedMongo> {
  const ownsDir = opts.dataDir === undefined;
  const baseDir = opts.dataDir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'ferretdb-')));
  const ferretDir = path.join(baseDir, 'ferretdb');
  const sqliteDir = path.join(ferretDir, 'sqlite');
  const stateDir = path.join(ferretDir, 'state');
  const pidFile = path.join(ferretDir, 'ferretdb.pid');

  try {
    await fsp.mkdir(sqliteDir, { recursive: true });
    await fsp.mkdir(stateDir, { recursive: true });
    await killLeftover(pidFile, opts.onProgress);

    for (let attempt = 1; ; attempt++) {
      const port = opts.port ?? (await freeLoopbackPort());
      try {
        const child = await launchFerretDb(opts.bin, sqliteDir, stateDir, port, pidFile);
        return makeHandle(child, port, pidFile, ownsDir ? baseDir : undefined, opts.bin, sqliteDir);
      } catch (err) {
        // Another process can grab the free port between our probe and FerretDB's bind.
        if (err instanceof PortInUseError && opts.port === undefined && attempt < PORT_ATTEMPTS) continue;
        throw err;
      }
    }
  } catch (err) {
    if (ownsDir) await fsp.rm(baseDir, { recursive: true, force: true });
    throw err;
  }
}

async function launchFerretDb(
  bin: string,
  sqliteDir: string,
  stateDir: string,
  port: number,
  pidFile: string,
): Promise<ChildProcess> {
  const args = [
    '--handler=sqlite',
    // FerretDB treats the URL as a directory only with the trailing slash.
    `--sqlite-url=file:${sqliteDir}/`,
    `--state-dir=${stateDir}`,
    `--listen-addr=127.0.0.1:${port}`,
    // Otherwise every instance binds the debug HTTP server on 127.0.0.1:8088 and the second one fails.
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=WARN',
  ];
  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the database must
  // outlive the service's drain of turns in flight; the service stops it last (or the exit hook kills it).
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  trackChild(child, pidFile);

  const tail: string[] = [];
  const collect = (line: string): void => {
    // Kept for error messages only, not forwarded: at WARN FerretDB still logs every
    // unsupported command the driver sends (e.g. endSessions on each client close).
    tail.push(line);
    if (tail.length > STDERR_TAIL_LINES) tail.shift();
  };
  // Always drain both pipes: a full pipe would block FerretDB's logger.
  readLines(child.stdout, collect);
  readLines(child.stderr, collect);

  let exited: string | undefined;
  // 'close', not 'exit': it comes after stderr is drained, so the tail holds the reason.
  child.once('close', (code, signal) => {
    exited ??= signal !== null ? `killed by ${signal}` : `exit code ${code}`;
  });
  child.once('error', (err) => {
    exited ??= `could not start: ${err.message}`;
  });

  // Our own pid too: a later start can then tell a leftover (owner gone) from a data dir in use.
  if (child.pid !== undefined) await fsp.writeFile(pidFile, `${child.pid} ${process.pid}\n`);

  const uri = loopbackUri(port);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) {
      await removePidFile(pidFile, child.pid);
      const stderr = tail.join('\n');
      if (/address already in use/i.test(stderr)) throw new PortInUseError(`port ${port} is already in use`);
      throw new Error(`FerretDB ${exited} before it was ready${stderr ? `; last output:\n${stderr}` : ''}`);
    }
    const answered = await readyPid(uri);
    if (answered !== undefined && (answered === child.pid || answered === null)) return child;
    if (answered !== undefined) {
      // Someone else already listens there and answered our ping, while our FerretDB is
      // about to fail its bind. Without this check we would hand out the other server.
      await stopChild(child);
      await removePidFile(pidFile, child.pid);
      throw new PortInUseError(`port ${port} is already in use by another server (pid ${answered})`);
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      await removePidFile(pidFile, child.pid);
      throw new Error(
        `FerretDB did not answer on ${uri} within ${READY_TIMEOUT_MS / 1000}s${tail.length ? `; last output:\n${tail.join('\n')}` : ''}`,
      );
    }
    await delay(100);
  }
}

function makeHandle(
  child: ChildProcess,
  port: number,
  pidFile: string,
  tempDir: string | undefined,
  bin: string,
  sqliteDir: string,
): ResolvedMongo {
  let stopping: Promise<void> | undefined;
  return {
    uri: loopbackUri(port),
    kind: 'ferretdb',
    description: `FerretDB (SQLite) on 127.0.0.1:${port}, binary ${bin}, data in ${sqliteDir}${tempDir ? ' (temporary)' : ''}`,
    stop: () => {
      stopping ??= (async () => {
        await stopChild(child);
        await removePidFile(pidFile, child.pid);
        if (tempDir !== undefined) await fsp.rm(tempDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
  });
  // Clear the grace timer, or it keeps the event loop (and jest) alive for 5 s after a clean stop.
  const exitedInTime = await Promise.race([exited.then(() => true), graceOver]).finally(() =>
    clearTimeout(timer),
  );
  if (exitedInTime) return;
  child.kill('SIGKILL');
  await exited;
}

/**
 * A pid file that outlives its FerretDB means the previous run was killed without
 * stop(). That FerretDB may still be serving the same SQLite files, and two writers
 * on one SQLite dir is unsafe, so stop it first.
 */
async function killLeftover(
  pidFile: string,
  onProgress: ((line: string) => void) | undefined,
): Promise<void> {
  let pid: number;
  let ownerPid: number;
  try {
    [pid = NaN, ownerPid = NaN] = (await fsp.readFile(pidFile, 'utf8'))
      .trim()
      .split(/\s+/)
      .map((n) => Number.parseInt(n, 10));
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && isOurFerretDb(pid)) {
    if (Number.isInteger(ownerPid) && ownerPid !== process.pid && isAlive(ownerPid)) {
      // Still serving a running service: taking it away would break that service mid-turn.
      throw new DataDirInUseError(path.dirname(path.dirname(pidFile)), ownerPid);
    }
    onProgress?.(`[mongo] stopping leftover FerretDB (pid ${pid}) from a previous run on this data dir`);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // It exited in the meantime.
    }
    const deadline = Date.now() + STOP_GRACE_MS;
    while (isOurFerretDb(pid) && Date.now() < deadline) await delay(50);
    if (isOurFerretDb(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // It exited in the meantime.
      }
      while (isOurFerretDb(pid)) await delay(50);
    }
  }
  await fsp.rm(pidFile, { force: true });
}

/**
 * Alive and still a FerretDB: pids get reused, so a bare pid is not proof. A zombie has
 * an empty cmdline, so this also turns false once the process is dead but not yet reaped.
 */
/** True while a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isOurFerretDb(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: another user's process, so not a FerretDB we started.
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ferretdb');
  } catch {
    return false;
  }
}

async function removePidFile(pidFile: string, pid: number | undefined): Promise<void> {
  try {
    // Only our own: a later start may already have written its pid here.
    if ((await fsp.readFile(pidFile, 'utf8')).trim().split(/\s+/)[0] === String(pid)) {
      await fsp.rm(pidFile, { force: true });
    }
  } catch {
    // Already gone.
  }
}

// ---------------------------------------------------------------------------
// mongodb-memory-server

/** Returns undefined when downloads are off and no mongod is cached. */
async function startMemoryServer(
  opts: ResolveMongoOptions,
  progress: (line: string) => void,
): Promise<ResolvedMongo | undefined> {
  if (opts.allowDownload === false) {
    const cached = await DryMongoBinary.locateBinary(await DryMongoBinary.generateOptions());
    if (cached === undefined) return undefined;
  } else {
    progress('[mongo] trying mongodb-memory-server (downloads mongod on first use)…');
    // Resolve (and download) the binary first: a failed download then throws a plain
    // error instead of MongoMemoryServer.create() also dumping it on console.warn.
    await MongoBinary.getPath();
  }

  const dbPath = opts.dataDir === undefined ? undefined : path.join(opts.dataDir, 'mongod');
  if (dbPath !== undefined) await fsp.mkdir(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: {
      ip: '127.0.0.1',
      ...(opts.port === undefined ? {} : { port: opts.port }),
      // wiredTiger (not the in-memory engine) so a persistent dataDir survives restarts.
      ...(dbPath === undefined ? {} : { dbPath, storageEngine: 'wiredTiger' as const }),
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    uri: server.getUri(),
    kind: 'mongodb-memory-server',
    description: `mongod via mongodb-memory-server at ${server.getUri()}${dbPath ? `, data in ${dbPath}` : ' (temporary data)'}`,
    stop: () => {
      // doCleanup removes only the temp dir the library created itself, never our dbPath.
      stopping ??= server.stop({ doCleanup: true }).then(() => undefined);
      return stopping;
    },
  };
}

function describeMemoryServerError(err: unknown): string {
  const message = errorMessage(err);
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|Download failed/i.test(message)) {
    return `could not download mongod (no internet access?): ${message.replace(/\s+/g, ' ').slice(0, 300)}`;
  }
  return message.replace(/\s+/g, ' ').slice(0, 400);
}

// ---------------------------------------------------------------------------
// helpers

function unavailableMessage(projectRoot: string, attempts: string[]): string {
  return [
    'No MongoDB-protocol server is available. Do one of:',
    '  - set MONGODB_URI=mongodb://<host>:<port>/ to use a running MongoDB or FerretDB server;',
    `  - run \`npm run ferretdb:install\` (needs Go, https://go.dev/dl/) to build FerretDB ${FERRETDB_VERSION} into ${ferretdbCachePath(projectRoot)};`,
    `  - set FERRETDB_BIN=/path/to/ferretdb pointing at a FerretDB ${FERRETDB_VERSION_PREFIX}x binary.`,
    'What was tried:',
    ...attempts.map((a) => `  - ${a}`),
  ].join('\n');
}

function withVersion(resolved: ResolvedMongo, version: string): ResolvedMongo {
  return { ...resolved, description: resolved.description.replace(/^FerretDB/, `FerretDB ${version}`) };
}

function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    // An empty PATH entry means the current directory (POSIX).
    const candidate = path.resolve(dir === '' ? '.' : dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

/**
 * undefined: nothing answers yet. Otherwise the pid the server reports in serverStatus
 * (FerretDB and mongod both do), or null if it reports none.
 */
async function readyPid(uri: string): Promise<number | null | undefined> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, directConnection: true });
  try {
    await client.db('admin').command({ ping: 1 });
  } catch {
    await client.close().catch(() => undefined);
    return undefined;
  }
  try {
    const status = await client.db('admin').command({ serverStatus: 1 });
    const pid = Number(status['pid']);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream === null) return;
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).trimEnd();
      buffer = buffer.slice(newline + 1);
      if (line !== '') onLine(line);
    }
  });
  stream.on('end', () => {
    if (buffer.trim() !== '') onLine(buffer.trimEnd());
    buffer = '';
  });
}

function lastLines(text: string, n: number): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n);
}

function loopbackUri(port: number): string {
  return `mongodb://127.0.0.1:${port}/`;
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
