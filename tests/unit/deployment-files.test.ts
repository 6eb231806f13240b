import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Script } from 'node:vm';
import YAML from 'yaml';
import { ConfigError, parseConfig } from '../../bot/src/config';

/**
 * The self-hosting files (Dockerfile, .dockerignore, compose.yaml, compose.env.example, the proxy's Caddyfile)
 * and the public CI workflow cannot be built or run here (no Docker engine, no CI service). This checks what
 * can be checked offline and would break a deployment: what the image must contain is derived from the code
 * and the build scripts, the production variables from the config schema, the test command from the README.
 */

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

// ---------------------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  name: string | undefined;
  image: string;
  instructions: Instruction[];
}

/** Instructions by stage, continuation lines joined, comments dropped, global ARG defaults applied to FROM. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [image = '', as, name] = args.split(/\s+/);
      stages.push({
        image: image.replace(/\$\{?(\w+)\}?/g, (_m, arg: string) => globalArgs.get(arg) ?? ''),
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [arg = '', value = ''] = args.split('=');
      globalArgs.set(arg, value);
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args });
    }
  }
  return stages;
}

const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

function workdirOf(stage: Stage): string {
  return all(stage, 'WORKDIR').reduce((dir, i) => path.posix.resolve(dir, i.args), '/');
}

/** `ENV A=1 B=2` and `ENV A 1`, in order. */
function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const { args } of all(stage, 'ENV')) {
    if (!args.includes('=')) {
      const [name = '', ...value] = args.split(/\s+/);
      env.set(name, value.join(' '));
      continue;
    }
    for (const pair of args.split(/\s+/)) {
      const [name = '', value = ''] = pair.split('=');
      env.set(name, value.replace(/^"(.*)"$/, '$1'));
    }
  }
  return env;
}

interface Copy {
  from: string | undefined;
  /** One source and where it lands (absolute, resolved against the stage's WORKDIR at that point). */
  source: string;
  dest: string;
  /** How many instructions of the stage come before it (to tell what a RUN could see). */
  index: number;
}

function copiesOf(stage: Stage): Copy[] {
  const copies: Copy[] = [];
  let workdir = '/';
  stage.instructions.forEach((instruction, index) => {
    if (instruction.keyword === 'WORKDIR') workdir = path.posix.resolve(workdir, instruction.args);
    if (instruction.keyword !== 'COPY') return;
    const tokens = instruction.args.split(/\s+/);
    const flags = tokens.filter((t) => t.startsWith('--'));
    const paths = tokens.filter((t) => !t.startsWith('--'));
    const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
    const sources = paths.slice(0, -1).map((p) => path.posix.normalize(p).replace(/\/$/, ''));
    const target = paths.at(-1) ?? '';
    const dest = path.posix.resolve(workdir, target);
    // Several sources, or a destination written as a directory: each source lands in it under its own name.
    const intoDirectory = sources.length > 1 || target.endsWith('/') || target === '.';
    for (const source of sources) {
      const lands = intoDirectory ? path.posix.join(dest, path.posix.basename(source)) : dest;
      copies.push({ from, source, dest: lands, index });
    }
  });
  return copies;
}

const covers = (dir: string, target: string) => target === dir || target.startsWith(`${dir}/`);

/** The index of the first RUN whose command contains `text`, or -1. */
const runIndex = (stage: Stage, text: string) =>
  stage.instructions.findIndex((i) => i.keyword === 'RUN' && i.args.includes(text));

// ---------------------------------------------------------------------------------------------------------
// .dockerignore (Docker's rules: patterns in order, the last one that matches the path or a parent decides)

function dockerignore(text: string): (file: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = path.posix.normalize(negated ? l.slice(1) : l).replace(/^\/|\/$/g, '');
      const regex = pattern
        .split('**')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('.*');
      return { negated, matches: new RegExp(`^${regex}$`) };
    });
  return (file) => {
    const parts = file.split('/');
    const candidates = parts.map((_p, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((c) => rule.matches.test(c))) excluded = !rule.negated;
    }
    return excluded;
  };
}

function filesUnder(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full).flatMap((entry) => filesUnder(path.posix.join(relative, entry)));
}

// ---------------------------------------------------------------------------------------------------------
// What the service and its build read, derived from the code

/** Paths relative to the project root that main.ts reads at run time: `path.join(PROJECT_ROOT, 'a', 'b')`. */
function runtimePathsFromMain(): string[] {
  const source = read('bot/src/main.ts');
  const found = new Set<string>();
  for (const [, args = ''] of source.matchAll(/path\.(?:join|resolve)\(\s*PROJECT_ROOT\s*,([^)]*)\)/g)) {
    const parts = args.split(',').map((a) => a.trim());
    if (parts.every((p) => /^'[^']*'$/.test(p)))
      found.add(path.posix.join(...parts.map((p) => p.slice(1, -1))));
  }
  return [...found];
}

/** Not in the image on purpose. */
const OPTIONAL_AT_RUNTIME: Readonly<Record<string, string>> = {
  '.env': 'a convenience for `npm start`; a container gets its environment from outside',
};

/** What `npm run build` reads: the tsconfig chain and include roots, the tab build and what it imports. */
function buildInputs(): string[] {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  const inputs = new Set<string>(['package.json', 'package-lock.json']);
  const tsc = /tsc -p (\S+)/.exec(pkg.scripts['build:bot'] ?? '');
  let tsconfig = tsc?.[1];
  let includes: string[] | undefined;
  while (tsconfig) {
    inputs.add(path.posix.normalize(tsconfig));
    const json = JSON.parse(read(tsconfig)) as { extends?: string; include?: string[] };
    includes ??= json.include;
    tsconfig = json.extends ? path.posix.join(path.posix.dirname(tsconfig), json.extends) : undefined;
  }
  for (const glob of includes ?? [])
    inputs.add(
      glob
        .split('/')
        .filter((p) => !/[*?]/.test(p))
        .join('/'),
    );
  const tabScript = /node (\S+)/.exec(pkg.scripts['build:tab'] ?? '')?.[1];
  if (tabScript) {
    const tabDir = path.posix.dirname(tabScript);
    inputs.add(tabDir);
    // The tab bundle imports shared code from outside tab/ (e.g. the bot's texts).
    for (const file of filesUnder(tabDir).filter((f) => f.endsWith('.ts'))) {
      for (const [, spec = ''] of read(file).matchAll(/from '(\.\.?\/[^']+)'/g)) {
        const target = path.posix.join(path.posix.dirname(file), spec);
        if (!covers(tabDir, target)) inputs.add(target.split('/').slice(0, 2).join('/'));
      }
    }
  }
  return [...inputs];
}

describe('Dockerfile', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const runtime = stages.at(-1)!;
  const runtimeDir = workdirOf(runtime);
  const ignored = dockerignore(read('.dockerignore'));
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

  it('builds on Node 20 in more than one stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(/^node:20([.-]|$)/);
  });

  it('runs the service as `npm start` does, in production, as a non-root user', () => {
    const cmd = JSON.parse(all(runtime, 'CMD').at(-1)?.args ?? '[]') as string[];
    expect(cmd.join(' ')).toBe(pkg.scripts.start);
    expect(envOf(runtime).get('NODE_ENV')).toBe('production');
    const user = all(runtime, 'USER').at(-1)?.args.split(':')[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('exposes the port the service listens on', () => {
    const port = String(parseConfig({ PORT: envOf(runtime).get('PORT') }).port);
    expect(all(runtime, 'EXPOSE').map((i) => i.args)).toContain(port);
  });

  it('has only production dependencies in the runtime stage, and installs all of them to build', () => {
    expect(runIndex(runtime, 'npm ci --omit=dev')).toBeGreaterThan(-1);
    const build = stages.find((s) => s !== runtime && runIndex(s, 'npm run build') > -1);
    expect(build).toBeDefined();
    const install = build!.instructions.findIndex(
      (i) => i.keyword === 'RUN' && /npm ci(?!.*--omit)/.test(i.args),
    );
    expect(install).toBeGreaterThan(-1);
    expect(install).toBeLessThan(runIndex(build!, 'npm run build'));
  });

  it('lets npx answer yes for botbuilder-dialogs before every npm ci', () => {
    for (const stage of stages) {
      const ci = runIndex(stage, 'npm ci');
      if (ci === -1) continue;
      const viaEnv =
        envOf(stage).get('npm_config_yes') === 'true' ||
        stage.instructions[ci]!.args.includes('npm_config_yes=true');
      const viaNpmrc =
        copiesOf(stage).some((c) => c.index < ci && !c.from && c.source === '.npmrc') &&
        /^yes=true$/m.test(read('.npmrc'));
      expect(viaEnv || viaNpmrc).toBe(true);
    }
  });

  it('copies into the build stage everything `npm run build` reads, before it runs', () => {
    const build = stages.find((s) => runIndex(s, 'npm run build') > -1)!;
    const dir = workdirOf(build);
    const copied = copiesOf(build).filter((c) => !c.from && c.index < runIndex(build, 'npm run build'));
    const inputs = buildInputs();
    expect(inputs).toEqual(expect.arrayContaining(['tsconfig.build.json', 'bot/src', 'tab']));
    for (const input of inputs) {
      const target = path.posix.join(dir, input);
      const copy = copied.find(
        (c) => covers(c.dest, target) && c.source + target.slice(c.dest.length) === input,
      );
      expect({ input, copied: Boolean(copy) }).toEqual({ input, copied: true });
    }
  });

  it('copies into the runtime stage every path the service reads at run time', () => {
    const fromMain = runtimePathsFromMain().filter((p) => !(p in OPTIONAL_AT_RUNTIME));
    // If this fails, the derivation no longer finds what main.ts reads: fix the pattern, not the list.
    expect(fromMain).toEqual(expect.arrayContaining(['bot/prompts', 'bot/videoframes', 'dist/tab-web']));
    const entry = (JSON.parse(all(runtime, 'CMD').at(-1)!.args) as string[]).at(-1)!;
    const build = stages.find((s) => runIndex(s, 'npm run build') > -1)!;
    const outDir = (JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string } })
      .compilerOptions.outDir;
    // What the build makes: tsc's outDir (dist/bot/src/main.js, dist/tab/api) and the tab bundle dist/tab-web.
    const built = (p: string) =>
      covers(outDir, p) && (p !== 'dist/tab-web' || read('tab/build.mjs').includes("'dist', 'tab-web'"));

    for (const needed of [...fromMain, entry]) {
      const target = path.posix.join(runtimeDir, needed);
      // The last COPY that reaches the path decides what is there.
      const copy = copiesOf(runtime)
        .filter((c) => covers(c.dest, target))
        .at(-1);
      expect({ needed, copied: Boolean(copy) }).toEqual({ needed, copied: true });
      const rest = target.slice(copy!.dest.length);
      if (copy!.from) {
        // From the build stage: its working directory's build output.
        expect(copy!.from).toBe(build.name);
        const source = path.posix.relative(workdirOf(build), copy!.source + rest);
        expect({ needed, built: built(source) }).toEqual({ needed, built: true });
      } else {
        // From the build context: the same path in the repository (.dockerignore: the next test).
        const source = copy!.source + rest;
        expect({ needed, inRepository: existsSync(path.join(ROOT, source)) }).toEqual({
          needed,
          inRepository: true,
        });
      }
    }
  });

  it('sends every file a COPY takes from the build context, and no secrets or local state', () => {
    const fromContext = stages.flatMap((s) =>
      copiesOf(s)
        .filter((c) => !c.from)
        .map((c) => c.source),
    );
    for (const file of fromContext.flatMap(filesUnder)) {
      expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: false });
    }
    for (const file of [
      '.env',
      '.env.production',
      '.data/ferretdb/sqlite/werkplekleren.sqlite',
      'node_modules/restify/package.json',
      '.cache/ferretdb/v1.24.2/ferretdb',
      'dist/bot/src/main.js',
      '.git/config',
      '.artifacts/tab.png',
      'manifest/build/appPackage.zip',
    ]) {
      expect({ file, ignored: ignored(file) }).toEqual({ file, ignored: true });
    }
  });

  describe('health check', () => {
    const healthcheck = all(runtime, 'HEALTHCHECK').at(-1)?.args ?? '';
    const command = JSON.parse(/CMD\s+(\[.*\])\s*$/.exec(healthcheck)?.[1] ?? '[]') as string[];
    let server: Server;
    let status = 200;
    let asked: string | undefined;

    beforeAll(async () => {
      server = createServer((req, res) => {
        asked = req.url;
        // Not chained: restify, loaded by other test files in this worker, replaces writeHead with one that
        // does not return the response.
        res.writeHead(status);
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** The image's health check command, run here with Node against the server above as PORT: its exit code. */
    const check = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, command.slice(1), {
          env: { PATH: process.env.PATH, PORT: String((server.address() as AddressInfo).port) },
          stdio: 'ignore',
        });
        child.once('exit', (code) => resolve(code));
      });

    it('asks GET /readyz and passes only on 200', async () => {
      expect(command[0]).toBe('node');
      status = 200;
      expect(await check()).toBe(0);
      expect(asked).toBe('/readyz');
      status = 503;
      expect(await check()).toBe(1);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// compose.yaml and compose.env.example

interface ComposeService {
  image?: string;
  build?: string | { context?: string };
  command?: string[] | string;
  environment?: Record<string, string> | string[];
  env_file?: string | (string | { path: string })[];
  ports?: (string | { published?: string | number; target?: number })[];
  volumes?: (string | { source?: string; target?: string; type?: string })[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  deploy?: { replicas?: number };
  networks?: string[] | Record<string, unknown>;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { internal?: boolean } | null>;
}

/** KEY=value lines; single-quoted values literal, as Compose reads them. */
function parseEnvFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) env.set(match[1]!, match[2]!.trim().replace(/^'(.*)'$/, '$1'));
  }
  return env;
}

const asRecord = (env: ComposeService['environment']): Record<string, string> =>
  Array.isArray(env)
    ? Object.fromEntries(env.map((pair) => [pair.split('=')[0]!, pair.split('=').slice(1).join('=')]))
    : Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));

const envFiles = (service: ComposeService): string[] =>
  (Array.isArray(service.env_file) ? service.env_file : service.env_file ? [service.env_file] : []).map(
    (f) => (typeof f === 'string' ? f : f.path),
  );

/** A valid stand-in for each value the self-hoster must fill in. */
const FILLED_IN: Readonly<Record<string, string>> = {
  MicrosoftAppId: '3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
  MicrosoftAppPassword: 'a-client-secret',
  MicrosoftAppTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  LINK_SIGNING_SECRET: 'x'.repeat(48),
  MONGODB_URI: 'mongodb://db.example:27017/',
  PUBLIC_URL: 'https://wpl.example.nl',
};

/** The variables the service refuses to start without in production, given what is already set. */
function missingInProduction(env: Record<string, string>): string[] {
  try {
    parseConfig({ ...env, NODE_ENV: 'production' });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => p.split(':')[0]!);
  }
}

describe('compose.yaml', () => {
  const text = read('compose.yaml');
  const compose = YAML.parse(text, { merge: true }) as ComposeFile;
  const services = Object.entries(compose.services);
  const isApp = ([, s]: [string, ComposeService]) =>
    s.build === '.' || (typeof s.build === 'object' && (s.build.context ?? '.') === '.');
  const apps = services.filter(isApp);
  const example = parseEnvFile(read('compose.env.example'));
  const mongoUri = asRecord(apps[0]?.[1].environment).MONGODB_URI ?? '';

  it('runs at least two replicas of the service built from the Dockerfile', () => {
    const replicas = apps.reduce((n, [, s]) => n + (s.deploy?.replicas ?? 1), 0);
    expect(replicas).toBeGreaterThanOrEqual(2);
    for (const [name, service] of apps) {
      expect({ name, environment: asRecord(service.environment) }).toEqual({
        name,
        environment: asRecord(apps[0]![1].environment),
      });
      // Their health is the image's HEALTHCHECK (GET /readyz), unless compose replaces it.
      expect(service.healthcheck?.disable).not.toBe(true);
    }
  });

  it('points the service at a MongoDB replica set that compose runs and initiates', () => {
    const uri = new URL(mongoUri);
    const replicaSet = uri.searchParams.get('replicaSet');
    expect(replicaSet).toBeTruthy();
    const mongo = compose.services[uri.hostname];
    expect(mongo).toBeDefined();
    expect(mongo!.image).toMatch(/^mongo:[78](\.|$)/);
    const command = Array.isArray(mongo!.command) ? mongo!.command : (mongo!.command ?? '').split(/\s+/);
    expect(command[command.indexOf('--replSet') + 1]).toBe(replicaSet);
    // Initiated by its health check (or by an init service), with this member's address as the service sees it.
    const initiators = services.flatMap(([, s]) => [
      ...(Array.isArray(s.healthcheck?.test) ? s.healthcheck.test : [s.healthcheck?.test ?? '']),
      ...(Array.isArray(s.command) ? s.command : [s.command ?? '']),
    ]);
    const initiate = initiators.find((t) => t.includes('rs.initiate'));
    expect(initiate).toBeDefined();
    expect(initiate).toContain(`_id: '${replicaSet}'`);
    expect(initiate).toContain(`host: '${uri.host}'`);
    // The eval is JavaScript that parses (mongosh runs it).
    expect(() => new Script(initiate!)).not.toThrow();
    for (const [, app] of apps) {
      expect(app.depends_on).toMatchObject({
        [uri.hostname]: { condition: 'service_healthy' },
      });
    }
  });

  it('keeps the data in a named volume', () => {
    const mongo = compose.services[new URL(mongoUri).hostname]!;
    const data = (mongo.volumes ?? [])
      .map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target ?? '']))
      .find(([, target]) => target === '/data/db');
    expect(data).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(data![0]);
  });

  it('publishes one port, through a proxy that spreads requests over the replicas and checks /readyz', () => {
    const publishing = services.filter(([, s]) => (s.ports ?? []).length > 0);
    expect(publishing).toHaveLength(1);
    const [proxyName, proxy] = publishing[0]!;
    expect(apps.map(([name]) => name)).not.toContain(proxyName);
    expect(proxy.ports).toHaveLength(1);
    const mount = (proxy.volumes ?? [])
      .map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target ?? '']))
      .find(([source]) => source?.startsWith('./'));
    expect(mount).toBeDefined();
    const config = read(mount![0]!);
    const port = asRecord(apps[0]![1].environment).PORT ?? '3978';
    for (const [name, service] of apps) {
      if ((service.deploy?.replicas ?? 1) > 1)
        expect(config).toMatch(new RegExp(`dynamic a ${name} ${port}`));
      else expect(config).toContain(`${name}:${port}`);
    }
    expect(config).toMatch(/lb_policy\s+round_robin/);
    expect(config).toMatch(/health_uri\s+\/readyz/);
    // The site address comes from compose; its default listens on the container port that is published.
    const port0 = proxy.ports![0]!;
    const published = typeof port0 === 'string' ? port0.split(':').at(-1) : String(port0.target);
    expect(config).toContain('{$SITE_ADDRESS}');
    expect(asRecord(proxy.environment).SITE_ADDRESS).toBe(`\${SITE_ADDRESS:-:${published}}`);
  });

  it('keeps MongoDB off the host and the service behind the proxy', () => {
    const mongo = new URL(mongoUri).hostname;
    expect(compose.services[mongo]!.ports).toBeUndefined();
    for (const [, app] of apps) expect(app.ports).toBeUndefined();
  });

  it('reads the self-hoster settings from .env, which git ignores', () => {
    for (const [, app] of apps) expect(envFiles(app)).toEqual(['.env']);
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  it('documents every variable compose.yaml interpolates without a default', () => {
    for (const [, name = '', operator] of text.matchAll(/\$\{(\w+)(:?[-?+])?/g)) {
      if (!operator) expect({ name, documented: example.has(name) }).toEqual({ name, documented: true });
    }
  });

  it('sets or asks for every variable the service requires in production', () => {
    const environment = asRecord(apps[0]![1].environment);
    const given = { ...Object.fromEntries(example), ...environment };
    expect(environment.NODE_ENV).toBe('production');
    // What production requires, as the config schema says (the app type decides about the secret and tenant).
    const required = new Set([
      ...missingInProduction({}),
      ...missingInProduction({
        MicrosoftAppId: FILLED_IN.MicrosoftAppId!,
        MicrosoftAppType: given.MicrosoftAppType ?? '',
      }),
    ]);
    expect([...required]).toEqual(
      expect.arrayContaining(['MicrosoftAppId', 'MONGODB_URI', 'LINK_SIGNING_SECRET']),
    );
    for (const name of required) {
      expect({ name, present: name in given }).toEqual({ name, present: true });
    }
    // Filled in where the example leaves them empty, the service starts in production with this configuration.
    const filled = Object.fromEntries(
      Object.entries(given).map(([k, v]) => [k, v === '' && required.has(k) ? FILLED_IN[k] : v]),
    );
    for (const name of required)
      expect({ name, value: filled[name] }).not.toEqual({ name, value: undefined });
    const config = parseConfig(filled);
    expect(config.env).toBe('production');
    expect(config.mongo.uri).toBe(mongoUri);
    expect(config.host).toBe('0.0.0.0');
  });
});

// ---------------------------------------------------------------------------------------------------------
// The public CI workflow

interface Workflow {
  on: Record<string, unknown> | string[] | string;
  jobs: Record<
    string,
    {
      container?: string | { image: string };
      services?: Record<string, { image: string; ports?: string[] }>;
      env?: Record<string, string>;
      steps: { run?: string; uses?: string; with?: Record<string, string>; env?: Record<string, string> }[];
    }
  >;
}

describe('.github/workflows/ci.yml', () => {
  const workflow = YAML.parse(read('.github/workflows/ci.yml')) as Workflow;
  const readme = read('README.md');
  // The README's test command: the first line of the shell block under "## Tests".
  const testCommand = /## Tests\s+```bash\n([^\n]+)/.exec(readme)?.[1]?.trim() ?? '';
  const job = Object.values(workflow.jobs).find((j) => j.steps.some((s) => s.run?.includes(testCommand)));

  it('runs on pushes and pull requests', () => {
    const events = Array.isArray(workflow.on)
      ? workflow.on
      : typeof workflow.on === 'string'
        ? [workflow.on]
        : Object.keys(workflow.on);
    expect(events).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it("runs the README's test command against a mongo service container named in MONGODB_URI", () => {
    expect(testCommand).toBe('npm test');
    expect(job).toBeDefined();
    const step = job!.steps.find((s) => s.run?.includes(testCommand))!;
    const uri = step.env?.MONGODB_URI ?? job!.env?.MONGODB_URI;
    expect(uri).toBeDefined();
    const host = new URL(uri!).hostname;
    const [serviceName, service] =
      Object.entries(job!.services ?? {}).find(([, s]) => s.image.startsWith('mongo:')) ?? [];
    expect(service).toBeDefined();
    // In a container job the service is reached by its name; on the runner itself, by a published port.
    if (job!.container) expect(host).toBe(serviceName);
    else {
      expect(['localhost', '127.0.0.1']).toContain(host);
      expect(service!.ports?.some((p) => p.endsWith(':27017'))).toBe(true);
    }
  });

  it('runs the checks of .ci/run on Node 20, with its Debian packages', () => {
    const run = job!.steps.map((s) => s.run ?? '').join('\n');
    const ciRun = read('.ci/run');
    // Every npm command of .ci/run (install, FerretDB, lint, typecheck, build, package, tests).
    const commands = [...new Set([...ciRun.matchAll(/\bnpm (?:ci|test|run [\w:-]+)/g)].map((m) => m[0]))];
    expect(commands).toEqual(expect.arrayContaining(['npm ci', 'npm run lint', 'npm test']));
    for (const command of commands) {
      expect({ command, run: run.includes(command) }).toEqual({ command, run: true });
    }
    if (commands.includes('npm run ferretdb:install')) {
      expect(job!.steps.some((s) => s.uses?.startsWith('actions/setup-go'))).toBe(true);
    }
    const packages = (/apt-get install ([^>\n&|]*)/.exec(ciRun)?.[1] ?? '')
      .split(/\s+/)
      .filter((p) => p !== '' && !p.startsWith('-'));
    expect(packages).toContain('chromium');
    for (const name of packages) expect(run).toMatch(new RegExp(`apt-get install[^\\n]*\\b${name}\\b`));
    const image = typeof job!.container === 'string' ? job!.container : job!.container?.image;
    const setupNode = job!.steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    expect(image?.startsWith('node:20') || String(setupNode?.with?.['node-version']).startsWith('20')).toBe(
      true,
    );
  });
});
