#!/usr/bin/env node
// Installs FerretDB v1.24.2 (a MongoDB-protocol server on top of SQLite) into
// <repoRoot>/.cache/ferretdb/v1.24.2/ferretdb, so tests and `npm start` have a real
// database without Docker or internet access to MongoDB's download servers.
//
// Why not just `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`?
// FerretDB embeds build/version/version.txt via go:embed, and that file is generated
// by their release tooling, so it is missing from the module zip. A binary built
// from the plain module panics at start with "Invalid build/version/version.txt file
// content". So we copy the module source to a temp dir, write version.txt ourselves
// and build there.
//
// Usage: node infra/local/install-ferretdb.mjs [--print-path] [--go=/path/to/go]
//   --print-path  only print where the binary lives (or would live) and exit.
//   --go=PATH     the Go toolchain to use (default: `go` from PATH).
// Needs Go (https://go.dev/dl/) on PATH; Go fetches the module through GOPROXY or
// takes it from its module cache.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = 'v1.24.2';
const MODULE = `github.com/FerretDB/FerretDB@${VERSION}`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binPath = path.join(repoRoot, '.cache', 'ferretdb', VERSION, 'ferretdb');

/** @param {string} line */
const log = (line) => process.stdout.write(`[ferretdb] ${line}\n`);

/** An expected failure: printed without a stack trace. */
class InstallError extends Error {}

/** A command that exited non-zero; keeps its output for a better message. */
class CommandError extends InstallError {
  /**
   * @param {string} message
   * @param {string} stdout
   */
  constructor(message, stdout) {
    super(message);
    this.stdout = stdout;
  }
}

/** Temp things to remove if we fail or get killed half way. @type {Set<string>} */
const leftovers = new Set();
/** The running `go` child, so a signal to us also stops the build. @type {import('node:child_process').ChildProcess | undefined} */
let activeChild;

function killActiveChild() {
  if (activeChild?.pid === undefined) return;
  try {
    // Negative pid = the whole process group: `go build` runs compile/link as its own
    // children, and killing only `go` would leave them running.
    process.kill(-activeChild.pid, 'SIGKILL');
  } catch {
    activeChild.kill('SIGKILL');
  }
}

function cleanup() {
  for (const p of leftovers) {
    try {
      fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // Best effort: a leftover in the temp dir is harmless.
    }
  }
  leftovers.clear();
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    killActiveChild();
    cleanup();
    log(`interrupted (${signal}); nothing was installed`);
    process.exit(128 + os.constants.signals[signal]);
  });
}

/**
 * Whether `<bin> --version` reports exactly VERSION; if not, why.
 * @param {string} bin
 * @returns {{ ok: boolean, reason: string }}
 */
function probeVersion(bin) {
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (res.error) return { ok: false, reason: res.error.message };
  const match = /^version:\s*(\S+)/m.exec(res.stdout);
  if (res.status !== 0 || !match) {
    const tail = `${res.stdout}${res.stderr}`.trim().split('\n').slice(-3).join(' | ');
    return { ok: false, reason: `--version exited with ${res.status ?? res.signal}: ${tail.slice(0, 300)}` };
  }
  return { ok: match[1] === VERSION, reason: `reports ${match[1]}, expected ${VERSION}` };
}

/**
 * Runs a command; resolves with its stdout (when captured). stderr is shown as it comes:
 * that is where go prints download and compile errors.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd: string, env: Record<string, string>, captureStdout?: boolean }} options
 * @returns {Promise<string>}
 */
function run(cmd, args, { cwd, env, captureStdout = false }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', captureStdout ? 'pipe' : 'inherit', 'pipe'],
      // Own process group, so killActiveChild() can stop go and its compiler children together.
      detached: true,
    });
    activeChild = child;
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (/** @type {string} */ d) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (/** @type {string} */ d) => process.stderr.write(d));
    child.on('error', (err) => reject(new InstallError(`could not run ${cmd}: ${err.message}`)));
    child.on('close', (code, signal) => {
      activeChild = undefined;
      if (code === 0) resolve(stdout);
      else
        reject(new CommandError(`\`${cmd} ${args.join(' ')}\` failed (${signal ?? `exit ${code}`})`, stdout));
    });
  });
}

/**
 * Recursively makes a tree writable: the Go module cache is read-only (0444/0555).
 * @param {string} dir
 */
function makeWritable(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      fs.chmodSync(p, 0o755);
      makeWritable(p);
    } else if (entry.isFile()) {
      fs.chmodSync(p, 0o644);
    }
  }
}

/**
 * Reads `go mod download -json` output: {"Dir": ...} on success, {"Error": ...} on failure.
 * @param {string} text
 * @returns {{ Dir?: string, Error?: string }}
 */
function parseModInfo(text) {
  /** @type {unknown} */
  const data = JSON.parse(text);
  if (typeof data !== 'object' || data === null) return {};
  return {
    Dir: 'Dir' in data && typeof data.Dir === 'string' ? data.Dir : undefined,
    Error: 'Error' in data && typeof data.Error === 'string' ? data.Error : undefined,
  };
}

/** @param {string | undefined} goflags */
function withoutModFlag(goflags) {
  return (goflags ?? '')
    .split(/\s+/)
    .filter((f) => f && !f.startsWith('-mod='))
    .join(' ');
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--print-path')) {
    process.stdout.write(`${binPath}\n`);
    return;
  }
  const goArg = args.find((a) => a.startsWith('--go='));
  const go = goArg ? goArg.slice('--go='.length) : 'go';
  const unknown = args.filter((a) => a !== '--print-path' && a !== goArg);
  if (unknown.length > 0) {
    throw new InstallError(`unknown argument(s): ${unknown.join(' ')} (supported: --print-path, --go=PATH)`);
  }

  if (fs.existsSync(binPath)) {
    const probe = probeVersion(binPath);
    if (probe.ok) {
      log(`already installed: ${binPath} (${VERSION})`);
      return;
    }
    log(`existing binary is unusable (${probe.reason}); rebuilding`);
  }

  const goVersion = spawnSync(go, ['version'], { encoding: 'utf8' });
  if (goVersion.error || goVersion.status !== 0) {
    throw new InstallError(
      `Go is not installed or not on PATH (\`${go} version\` failed). Install Go 1.22+ from https://go.dev/dl/ ` +
        'and run `npm run ferretdb:install` again, or point FERRETDB_BIN at a FerretDB v1.24.x binary, ' +
        'or set MONGODB_URI=mongodb://… to use an existing server.',
    );
  }
  log(`using ${goVersion.stdout.trim()}`);

  log(`downloading module ${MODULE}…`);
  // -mod=mod: `go mod download` must not be constrained by an ambient -mod=vendor/readonly.
  // cwd = temp dir so a go.mod/go.work up the tree does not change what is resolved.
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-build-'));
  leftovers.add(workRoot);
  /** @type {{ Dir?: string, Error?: string }} */
  let modInfo;
  try {
    const out = await run(go, ['mod', 'download', '-json', MODULE], {
      cwd: workRoot,
      env: { GOFLAGS: `${withoutModFlag(process.env.GOFLAGS)} -mod=mod`.trim(), GOWORK: 'off' },
      captureStdout: true,
    });
    modInfo = parseModInfo(out);
  } catch (err) {
    // go prints {"Error": "..."} on stdout for a failed download.
    let detail = '';
    try {
      if (err instanceof CommandError) {
        detail = parseModInfo(err.stdout).Error ?? '';
      }
    } catch {
      // Not JSON: stderr was already shown.
    }
    throw new InstallError(
      `could not download ${MODULE}${detail ? `: ${detail}` : ''} (is GOPROXY reachable?)`,
    );
  }
  const moduleDir = modInfo.Dir;
  if (!moduleDir || !fs.existsSync(moduleDir)) {
    throw new InstallError(
      `go mod download did not report a module directory (${modInfo.Error ?? 'no Dir'})`,
    );
  }

  const srcDir = path.join(workRoot, 'src');
  fs.cpSync(moduleDir, srcDir, { recursive: true });
  makeWritable(srcDir);
  fs.mkdirSync(path.join(srcDir, 'build', 'version'), { recursive: true });
  fs.writeFileSync(path.join(srcDir, 'build', 'version', 'version.txt'), `${VERSION}\n`);

  fs.mkdirSync(path.dirname(binPath), { recursive: true });
  // Same directory as the target, so the final rename is atomic and a killed build
  // never leaves a half-written `ferretdb` behind.
  const tmpBin = `${binPath}.tmp-${process.pid}`;
  leftovers.add(tmpBin);

  log('building (about 1–2 minutes on 2 cores; faster with a warm Go build cache)…');
  const started = Date.now();
  const tick = setInterval(
    () => log(`still building… ${Math.round((Date.now() - started) / 1000)}s`),
    15_000,
  );
  try {
    await run(go, ['build', '-trimpath', '-buildvcs=false', '-o', tmpBin, './cmd/ferretdb'], {
      cwd: srcDir,
      env: { GOWORK: 'off' },
    });
  } finally {
    clearInterval(tick);
  }
  log(`built in ${Math.round((Date.now() - started) / 1000)}s`);

  const probe = probeVersion(tmpBin);
  if (!probe.ok) throw new InstallError(`the freshly built binary is unusable: ${probe.reason}`);

  fs.renameSync(tmpBin, binPath);
  leftovers.delete(tmpBin);
  cleanup();
  log(`installed: ${binPath}`);
}

main().catch((/** @type {unknown} */ err) => {
  cleanup();
  const message =
    err instanceof InstallError
      ? err.message
      : err instanceof Error
        ? (err.stack ?? err.message)
        : String(err);
  process.stderr.write(`[ferretdb] ERROR: ${message}\n`);
  process.exit(1);
});
