import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { parse as parseYaml } from 'yaml';
import { CONFIG_HINTS, ConfigError, parseConfig } from '../../bot/src/config';

/**
 * The Azure infrastructure (infra/*.bicep) and the Agents Toolkit project (m365agents.yml, env/) against the
 * service's real configuration loader. No Bicep compiler can run here, so the Bicep is read as text: the app
 * settings, parameters, modules and outputs, in the plain style main.bicep keeps to for this reason.
 */

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

// --- A small reader for the Bicep this repository writes -------------------------------------------------------

type CharKind = 'code' | 'string' | 'comment' | 'interpolation';

/** What each character is: top-level code, part of a string, of a `//` comment, or code inside `${…}` of a string. */
function classify(text: string): CharKind[] {
  const kinds = new Array<CharKind>(text.length).fill('code');
  // A stack of contexts: code (with its own brace depth, to find the end of an interpolation) or string.
  const stack: Array<{ kind: 'code'; braces: number } | { kind: 'string' }> = [{ kind: 'code', braces: 0 }];
  for (let i = 0; i < text.length; i++) {
    const top = stack[stack.length - 1]!;
    const ch = text[i]!;
    if (top.kind === 'string') {
      kinds[i] = 'string';
      if (ch === '\\') kinds[++i] = 'string';
      else if (ch === "'") stack.pop();
      else if (ch === '$' && text[i + 1] === '{') {
        kinds[++i] = 'string';
        stack.push({ kind: 'code', braces: 0 });
      }
      continue;
    }
    const inside: CharKind = stack.length === 1 ? 'code' : 'interpolation';
    if (ch === '/' && text[i + 1] === '/') {
      for (; i < text.length && text[i] !== '\n'; i++) kinds[i] = 'comment';
      i--;
      continue;
    }
    if (ch === "'") {
      kinds[i] = 'string';
      stack.push({ kind: 'string' });
      continue;
    }
    if (ch === '}' && top.braces === 0 && stack.length > 1) {
      kinds[i] = 'string';
      stack.pop();
      continue;
    }
    if (ch === '{') top.braces++;
    if (ch === '}') top.braces--;
    kinds[i] = inside;
  }
  return kinds;
}

/** For each character: true where it is top-level code (not in a comment, a string or an interpolation). */
const codeMask = (text: string) => classify(text).map((kind) => kind === 'code');

/** The source without `//` comments (strings such as 'https://…' kept). */
function stripComments(src: string): string {
  const kinds = classify(src);
  return src
    .split('')
    .filter((_, i) => kinds[i] !== 'comment')
    .join('');
}

const OPEN = '{[(';
const CLOSE = '}])';

/** Index of the bracket closing the one at `open`. */
function matching(text: string, open: number): number {
  const mask = codeMask(text);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (!mask[i]) continue;
    if (OPEN.includes(text[i]!)) depth++;
    if (CLOSE.includes(text[i]!) && --depth === 0) return i;
  }
  throw new Error(`unclosed bracket at ${open}`);
}

/** The expression after `var name =`: up to the first line end outside brackets. */
function varExpression(src: string, name: string): string {
  const decl = new RegExp(`^var ${name} = `, 'm').exec(src);
  if (!decl) throw new Error(`no var ${name}`);
  const start = decl.index + decl[0].length;
  const mask = codeMask(src);
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    if (!mask[i]) continue;
    if (OPEN.includes(src[i]!)) depth++;
    if (CLOSE.includes(src[i]!)) depth--;
    if (src[i] === '\n' && depth === 0) return src.slice(start, i);
  }
  return src.slice(start);
}

/** `key: value` lines at the top level of an object literal's body (values on one line). */
function objectEntries(body: string): Array<{ key: string; value: string }> {
  const mask = codeMask(body);
  const entries: Array<{ key: string; value: string }> = [];
  let depth = 0;
  let lineStart = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === '\n') {
      const line = body.slice(lineStart, i);
      const m = /^\s*'?([A-Za-z_][A-Za-z0-9_]*)'?\s*:\s*(.*?)\s*$/.exec(line);
      if (depth === 0 && m) entries.push({ key: m[1]!, value: m[2]! });
      for (let j = lineStart; j < i; j++) {
        if (!mask[j]) continue;
        if (OPEN.includes(body[j]!)) depth++;
        if (CLOSE.includes(body[j]!)) depth--;
      }
      lineStart = i + 1;
    }
  }
  return entries;
}

/** The object literals an expression can evaluate to: `{…}`, or each branch of `c ? {…} : d ? {…} : {…}`. */
function alternatives(expression: string): Array<Array<{ key: string; value: string }>> {
  const mask = codeMask(expression);
  const result: Array<Array<{ key: string; value: string }>> = [];
  for (let i = 0; i < expression.length; i++) {
    if (mask[i] && expression[i] === '{') {
      const end = matching(expression, i);
      const body = expression.slice(i + 1, end);
      if (codeMask(body).some((isCode, j) => isCode && body[j] === '{')) {
        throw new Error(`a nested object in an app-settings alternative: keep them flat (${body.trim()})`);
      }
      result.push(objectEntries(body));
      i = end;
    }
  }
  return result;
}

interface BicepParam {
  name: string;
  type: string;
  defaultValue: string | undefined;
  secure: boolean;
  allowed: string[] | undefined;
}

/** The template's parameters with their decorators (the lines right above each `param`). */
function params(src: string): BicepParam[] {
  const lines = stripComments(src).split('\n');
  const result: BicepParam[] = [];
  lines.forEach((line, index) => {
    const m = /^param (\w+) (\w+)(?: = (.+))?$/.exec(line.trimEnd());
    if (!m) return;
    const decorators: string[] = [];
    for (let j = index - 1; j >= 0; j--) {
      const above = lines[j]!;
      if (above.trim() === '' || /^(param|var|resource|module|output|targetScope|using)\b|^\}/.test(above))
        break;
      decorators.unshift(above);
    }
    const block = decorators.join('\n');
    const allowedBlock = /@allowed\(\[([\s\S]*?)\]\)/.exec(block);
    result.push({
      name: m[1]!,
      type: m[2]!,
      defaultValue: m[3],
      secure: block.includes('@secure()'),
      allowed: allowedBlock ? [...allowedBlock[1]!.matchAll(/'([^']*)'/g)].map((a) => a[1]!) : undefined,
    });
  });
  return result;
}

const outputs = (src: string) => [...stripComments(src).matchAll(/^output (\w+) /gm)].map((m) => m[1]!);

interface BicepModule {
  symbol: string;
  file: string;
  params: Array<{ key: string; value: string }>;
}

function modules(src: string): BicepModule[] {
  const code = stripComments(src);
  return [...code.matchAll(/^module (\w+) '([^']+)' = (?:if \(.*\) )?\{/gm)].map((m) => {
    const open = m.index + m[0].length - 1;
    const body = code.slice(open + 1, matching(code, open));
    const paramsAt = body.indexOf('params: {');
    const paramsOpen = paramsAt + 'params: '.length;
    return {
      symbol: m[1]!,
      file: m[2]!,
      params: paramsAt < 0 ? [] : objectEntries(body.slice(paramsOpen + 1, matching(body, paramsOpen))),
    };
  });
}

function dotenv(file: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of read(file).split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) entries.set(m[1]!, m[2]!);
  }
  return entries;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
}

// --- What the infrastructure sets --------------------------------------------------------------------------------

const main = stripComments(read('infra/main.bicep'));
const mainParams = params(read('infra/main.bicep'));
const keyVaultModule = read('infra/modules/key-vault.bicep');

/** The `properties: union(…)` of the appsettings resource: the settings groups, in order. */
const unionArgs = (() => {
  const resource =
    /resource appSettings 'Microsoft\.Web\/sites\/config@[^']+' = \{[\s\S]*?properties: union\(([^)]*)\)/.exec(
      main,
    );
  if (!resource) throw new Error('no appsettings resource with properties: union(…) in infra/main.bicep');
  return resource[1]!.split(',').map((a) => a.trim());
})();

const settingsGroups = unionArgs
  .filter((name) => name.endsWith('Settings') && mainParams.every((p) => p.name !== name))
  .map((name) => ({ name, alternatives: alternatives(varExpression(main, name)) }));

const allSettings = settingsGroups.flatMap((g) => g.alternatives.flat());
const settingNames = [...new Set(allSettings.map((s) => s.key))];

const KEY_VAULT_REFERENCE =
  /^'@Microsoft\.KeyVault\(VaultName=\$\{keyVaultName\};SecretName=([a-z0-9-]+)\)'$/;
const STRING_LITERAL = /^'([^'$\\]*)'$/;

/** App Service's own settings: documented by Microsoft, not read by the service's config. */
const PLATFORM_SETTINGS: Record<string, string> = {
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'App Service: no build on the server after a zip deployment',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'Application Insights agent: where to send telemetry',
  ApplicationInsightsAgent_EXTENSION_VERSION: "App Service's Application Insights agent (~3 on Linux)",
};

/** Values of the kind an admin would pass, for settings whose Bicep value is an expression. */
const APP_ID = '3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const HOST = 'app-wpl-q3xyz7a.azurewebsites.net';
const PLACEHOLDERS: Record<string, string> = {
  LOG_LEVEL: 'info',
  DEFAULT_LOCALE: 'nl',
  PUBLIC_URL: `https://${HOST}`,
  TEAMS_APP_ID: '0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
  TAB_SSO_AUDIENCE: `api://${HOST}/${APP_ID},${APP_ID}`,
  MONGODB_DB: 'werkplekleren',
  VIDEOFRAMES_DIR: '/home/site/videoframes',
  MicrosoftAppId: APP_ID,
  MicrosoftAppTenantId: TENANT,
  GRAPH_TENANT_ID: TENANT,
  GRAPH_CLIENT_ID: APP_ID,
  GRAPH_ORGANIZER: 'leerkringen@contoso.example',
  OPENAI_MODEL: 'gpt-4o-mini',
  OPENAI_BASE_URL: 'https://ai-gateway.contoso.example/v1',
  AZURE_OPENAI_ENDPOINT: 'https://wpl.openai.azure.com',
  AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
  AZURE_OPENAI_API_VERSION: '2024-10-21',
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
};

/** What App Service puts in place of a Key Vault reference: the secret's value. */
function secretValue(key: string): string {
  if (key === 'MONGODB_URI') return vCoreConnectionString();
  return `s3cr3t-${key.toLowerCase()}-`.padEnd(48, 'x');
}

/** The connection string main.bicep builds for the vCore cluster, with sample credentials. */
function vCoreConnectionString(): string {
  const template = /'(mongodb\+srv:\/\/[^']*)'/.exec(varExpression(main, 'mongodbUri'));
  if (!template) throw new Error('no mongodb+srv template in var mongodbUri');
  const samples: Record<string, string> = {
    'uriComponent(mongoAdminUser)': 'wpladmin',
    'uriComponent(mongoAdminPassword)': encodeURIComponent('p@ss:w/rd#1'),
    mongoClusterName: 'mongo-wpl-q3xyz7a',
  };
  return template[1]!.replace(/\$\{([^}]*)\}/g, (_, expr: string) => {
    const sample = samples[expr];
    if (sample === undefined) throw new Error(`no sample for \${${expr}} in the connection string`);
    return sample;
  });
}

function envValue(setting: { key: string; value: string }): string {
  if (KEY_VAULT_REFERENCE.test(setting.value)) return secretValue(setting.key);
  const literal = STRING_LITERAL.exec(setting.value);
  if (literal) return literal[1]!;
  const placeholder = PLACEHOLDERS[setting.key];
  if (placeholder === undefined) throw new Error(`add a placeholder value for ${setting.key} to this test`);
  return placeholder;
}

/** An alternative by its literal values (e.g. SingleTenant, openai), else by its size. */
function nameOf(alternative: Array<{ key: string; value: string }>): string {
  if (alternative.length === 0) return 'off';
  const literals = alternative.map((s) => STRING_LITERAL.exec(s.value)?.[1]).filter(Boolean);
  return literals.length > 0 ? literals.join('/') : `${alternative.length} settings`;
}

/** Every way the groups can combine: one alternative of each. */
function scenarios(): Array<{ label: string; settings: Array<{ key: string; value: string }> }> {
  let result = [{ label: '', settings: [] as Array<{ key: string; value: string }> }];
  for (const group of settingsGroups) {
    result = result.flatMap((s) =>
      group.alternatives.map((alt) => ({
        label:
          group.alternatives.length > 1
            ? `${s.label}${group.name.replace(/Settings$/, '')}: ${nameOf(alt)}; `
            : s.label,
        settings: [...s.settings, ...alt],
      })),
    );
  }
  return result;
}

const envOf = (settings: Array<{ key: string; value: string }>) =>
  Object.fromEntries(settings.map((s) => [s.key, envValue(s)]));

/** The variables the config requires in production when nothing else is set. */
const requiredInProduction = problemsOf({ NODE_ENV: 'production' }).map((p) => p.split(':')[0]!);

const isSecret = (name: string) => /password|secret|key/i.test(name) || name === 'MONGODB_URI';

// --- Tests -------------------------------------------------------------------------------------------------------

describe('infra/main.bicep app settings against bot/src/config.ts', () => {
  it('has groups of settings to check', () => {
    expect(settingsGroups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['baseSettings', 'botSettings']),
    );
    for (const group of settingsGroups) expect(group.alternatives.length).toBeGreaterThan(0);
    // Anything else in the union is the admin's free-form extra settings parameter, which goes first so that the
    // settings managed here win.
    expect(unionArgs.filter((a) => !settingsGroups.some((g) => g.name === a))).toEqual(['extraAppSettings']);
    expect(unionArgs[0]).toBe('extraAppSettings');
    expect(mainParams.find((p) => p.name === 'extraAppSettings')).toMatchObject({ type: 'object' });
  });

  it('sets NODE_ENV=production unconditionally', () => {
    const base = settingsGroups.find((g) => g.name === 'baseSettings')!;
    expect(base.alternatives).toHaveLength(1);
    expect(base.alternatives[0]).toContainEqual({ key: 'NODE_ENV', value: "'production'" });
  });

  it('sets what production requires in every combination', () => {
    // Whatever the config comes to require in production, the template must set it; these three it does today.
    expect(requiredInProduction).toEqual(
      expect.arrayContaining(['LINK_SIGNING_SECRET', 'MONGODB_URI', 'MicrosoftAppId']),
    );
    for (const scenario of scenarios()) {
      const names = scenario.settings.map((s) => s.key);
      const missing = requiredInProduction.filter((name) => !names.includes(name));
      expect({ scenario: scenario.label, missing }).toEqual({ scenario: scenario.label, missing: [] });
    }
  });

  it.each(scenarios().map((s) => [s.label.replace(/; $/, ''), s.settings] as const))(
    'loads the real config in production with %s',
    (_label, settings) => {
      const keys = settings.map((s) => s.key);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]); // union() would silently drop one
      const env = envOf(settings);
      expect(problemsOf(env)).toEqual([]);
      const config = parseConfig(env);
      expect(config.env).toBe('production');
      expect(config.botAuth).toBeDefined();
      expect(config.mongo.uri).toBeDefined();
      expect(config.tab.devMode).toBe(false);
      expect(config.publicUrl).toMatch(/^https:\/\//);
    },
  );

  it('accepts every value the template allows for a setting bound to a parameter', () => {
    const base = envOf(scenarios()[0]!.settings);
    let checked = 0;
    for (const setting of allSettings) {
      const param = mainParams.find((p) => p.name === setting.value);
      if (!param?.allowed) continue;
      for (const value of param.allowed) {
        expect({ [setting.key]: value, problems: problemsOf({ ...base, [setting.key]: value }) }).toEqual({
          [setting.key]: value,
          problems: [],
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('loads when the optional settings the template may leave empty are empty', () => {
    for (const scenario of scenarios()) {
      const env = envOf(scenario.settings);
      for (const key of ['TEAMS_APP_ID', 'VIDEOFRAMES_DIR', 'TAB_SSO_AUDIENCE', 'OPENAI_BASE_URL']) {
        if (key in env) expect(problemsOf({ ...env, [key]: '' })).toEqual([]);
      }
    }
  });

  it('builds a vCore connection string that the config and the MongoDB driver accept', () => {
    const uri = vCoreConnectionString();
    expect(problemsOf({ MONGODB_URI: uri })).toEqual([]);
    // The driver parses and checks every option in its constructor, without connecting.
    expect(() => new MongoClient(uri)).not.toThrow();
    expect(uri).toContain('@mongo-wpl-q3xyz7a.global.mongocluster.cosmos.azure.com/');
    expect(read('infra/modules/mongo-cluster.bicep')).toContain(
      "'${cluster.name}.global.mongocluster.cosmos.azure.com'",
    );
  });

  it.each(settingNames)('sets %s, a variable the config or App Service knows', (name) => {
    expect({ name, known: name in CONFIG_HINTS || name in PLATFORM_SETTINGS }).toEqual({ name, known: true });
  });

  it('passes every secret as a Key Vault reference to a secret the vault module stores', () => {
    const secretSettings = allSettings.filter((s) => isSecret(s.key) && s.key in CONFIG_HINTS);
    expect(secretSettings.map((s) => s.key)).toEqual(
      expect.arrayContaining(['MONGODB_URI', 'LINK_SIGNING_SECRET', 'MicrosoftAppPassword']),
    );
    for (const setting of secretSettings) {
      const ref = KEY_VAULT_REFERENCE.exec(setting.value);
      expect({ setting: setting.key, keyVaultReference: Boolean(ref) }).toEqual({
        setting: setting.key,
        keyVaultReference: true,
      });
      expect(keyVaultModule).toContain(`name: '${ref![1]}'`);
    }
    // And nothing else in the settings reaches for a secret parameter directly.
    const secureParams = mainParams.filter((p) => p.secure).map((p) => p.name);
    for (const setting of allSettings) {
      for (const name of secureParams) expect(setting.value).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
  });
});

describe('infra Bicep files', () => {
  const files = ['infra/main.bicep', ...modules(main).map((m) => `infra/${m.file}`)];

  it.each(files)('%s marks every secret parameter @secure()', (file) => {
    for (const param of params(read(file))) {
      if (/password|secret|apikey|connectionstring|uri$/i.test(param.name)) {
        expect({ param: param.name, secure: param.secure }).toEqual({ param: param.name, secure: true });
      }
      if (param.secure) expect(param.type).toBe('string');
    }
  });

  it('wires every module with parameters it declares and outputs it has', () => {
    for (const mod of modules(main)) {
      const file = `infra/${mod.file}`;
      expect(existsSync(path.join(root, file))).toBe(true);
      const declared = params(read(file));
      const passed = mod.params.map((p) => p.key);
      expect({
        module: mod.symbol,
        unknown: passed.filter((p) => !declared.some((d) => d.name === p)),
      }).toEqual({
        module: mod.symbol,
        unknown: [],
      });
      const missing = declared.filter((d) => d.defaultValue === undefined && !passed.includes(d.name));
      expect({ module: mod.symbol, missing: missing.map((d) => d.name) }).toEqual({
        module: mod.symbol,
        missing: [],
      });
      const used = [...main.matchAll(new RegExp(`\\b${mod.symbol}\\.outputs\\.(\\w+)`, 'g'))].map(
        (m) => m[1]!,
      );
      const available = outputs(read(file));
      expect({ module: mod.symbol, unknownOutputs: used.filter((o) => !available.includes(o)) }).toEqual({
        module: mod.symbol,
        unknownOutputs: [],
      });
    }
  });

  it('starts the service the way `npm start` does, without its build step', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(varExpression(main, 'startupCommand')).toBe(`'${start}'`);
  });

  it('runs a health-checked, always-on, https-only Linux Node.js app that can run two or more instances', () => {
    const app = read('infra/modules/app-service.bicep');
    expect(app).toContain("healthCheckPath: '/readyz'");
    expect(app).toContain('alwaysOn: true');
    expect(app).toContain('httpsOnly: true');
    expect(app).toContain('reserved: true');
    const instances = mainParams.find((p) => p.name === 'instanceCount')!;
    expect(Number(instances.defaultValue)).toBeGreaterThanOrEqual(2);
    const runtime = mainParams.find((p) => p.name === 'linuxFxVersion')!;
    expect(runtime.allowed).toContain('NODE|20-lts');
  });

  it('registers the bot at <public URL>/api/messages with the Teams channel on', () => {
    expect(main).toContain("endpoint: '${publicUrl}/api/messages'");
    const bot = read('infra/modules/bot.bicep');
    expect(bot).toContain("kind: 'azurebot'");
    expect(bot).toContain("channelName: 'MsTeamsChannel'");
    expect(bot).toContain('isEnabled: true');
    expect(mainParams.find((p) => p.name === 'botAppType')!.allowed).toEqual([
      'SingleTenant',
      'UserAssignedMSI',
    ]);
  });

  it('gives the web app read access to the vault with "Key Vault Secrets User"', () => {
    expect(keyVaultModule).toContain('enableRbacAuthorization: true');
    expect(keyVaultModule).toContain("'4633458b-17de-408a-b874-0445c86b69e6'");
    expect(main).toContain('readerPrincipalId: appService.outputs.principalId');
  });
});

describe('parameter files', () => {
  const jsonParams = (
    JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> }
  ).parameters;
  const bicepParam = stripComments(read('infra/main.bicepparam'));
  const bicepParamNames = [...bicepParam.matchAll(/^param (\w+) = /gm)].map((m) => m[1]!);
  const envDev = dotenv('env/.env.dev.example');

  it('name only parameters main.bicep declares, and every required one', () => {
    const declared = mainParams.map((p) => p.name);
    expect(Object.keys(jsonParams).filter((n) => !declared.includes(n))).toEqual([]);
    expect(bicepParamNames.filter((n) => !declared.includes(n))).toEqual([]);
    const required = mainParams.filter((p) => p.defaultValue === undefined).map((p) => p.name);
    expect(required).toEqual(expect.arrayContaining(['baseName', 'linkSigningSecret']));
    for (const name of required) {
      expect(Object.keys(jsonParams)).toContain(name);
      expect(bicepParamNames).toContain(name);
    }
    expect(bicepParam).toMatch(/^using 'main\.bicep'$/m);
  });

  it('take secrets only from SECRET_ variables, never as values', () => {
    for (const param of mainParams.filter((p) => p.secure)) {
      const json = jsonParams[param.name];
      if (json)
        expect({ [param.name]: json.value }).toEqual({
          [param.name]: expect.stringMatching(/^\$\{\{SECRET_\w+\}\}$/),
        });
      const line = new RegExp(`^param ${param.name} = (.*)$`, 'm').exec(bicepParam);
      if (line)
        expect({ [param.name]: line[1] }).toEqual({
          [param.name]: expect.stringMatching(/^readEnvironmentVariable\('SECRET_\w+'(, '')?\)$/),
        });
    }
  });

  it('use values main.bicep allows (the toolkit ones as env/.env.dev sets them)', () => {
    for (const param of mainParams.filter((p) => p.allowed)) {
      const json = jsonParams[param.name];
      if (!json) continue;
      const placeholder = /^\$\{\{(\w+)\}\}$/.exec(String(json.value));
      const value = placeholder ? envDev.get(placeholder[1]!) : json.value;
      expect({ [param.name]: value, allowed: param.allowed!.includes(String(value)) }).toEqual({
        [param.name]: value,
        allowed: true,
      });
    }
  });

  it('are all documented in infra/README.md', () => {
    const readme = read('infra/README.md');
    for (const param of mainParams) {
      expect({ param: param.name, documented: readme.includes(`\`${param.name}\``) }).toEqual({
        param: param.name,
        documented: true,
      });
    }
  });

  it('read environment variables that infra/README.md documents', () => {
    const readme = read('infra/README.md');
    const names = [...bicepParam.matchAll(/readEnvironmentVariable\('(\w+)'/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names)
      expect({ name, documented: readme.includes(`\`${name}\``) }).toEqual({ name, documented: true });
  });
});

describe('m365agents.yml and env/', () => {
  interface Action {
    uses: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
    writeToEnvironmentFile?: Record<string, string>;
  }
  const ymlText = read('m365agents.yml');
  const yml = parseYaml(ymlText) as {
    version: string;
    environmentFolderPath: string;
    provision: Action[];
    deploy: Action[];
    publish: Action[];
  };
  const actions = [...yml.provision, ...yml.deploy, ...yml.publish];
  const envDev = dotenv('env/.env.dev.example');
  const envUserExample = dotenv('env/.env.dev.user.example');

  it('uses one schema version, stated twice', () => {
    expect(yml.version).toMatch(/^v1\.\d+$/);
    expect(ymlText).toContain(`$schema=https://aka.ms/m365-agents-toolkits/${yml.version}/yaml.schema.json`);
    expect(yml.environmentFolderPath).toBe('./env');
    expect(existsSync(path.join(root, 'env/.env.dev.example'))).toBe(true);
  });

  it('provisions with infra/main.bicep and its parameters, and updates the app registration after it', () => {
    const arm = yml.provision.find((a) => a.uses === 'arm/deploy')!;
    const templates = arm.with!.templates as Array<{ path: string; parameters: string }>;
    expect(templates).toEqual([expect.objectContaining({ path: './infra/main.bicep' })]);
    for (const file of [templates[0]!.path, templates[0]!.parameters])
      expect(existsSync(path.join(root, file))).toBe(true);
    const order = yml.provision.map((a) => a.uses);
    expect(order.indexOf('aadApp/create')).toBeLessThan(order.indexOf('arm/deploy'));
    expect(order.indexOf('arm/deploy')).toBeLessThan(order.indexOf('aadApp/update'));
    const aad = yml.provision.find((a) => a.uses === 'aadApp/update')!;
    expect(existsSync(path.join(root, aad.with!.manifestPath as string))).toBe(true);
  });

  it('deploys the build to the web app the Bicep makes, and publishes the package npm run package writes', () => {
    const zip = yml.deploy.find((a) => a.uses === 'azureAppService/zipDeploy')!;
    expect(zip.with!.resourceId).toBe('${{AZURE_APP_SERVICE_RESOURCE_ID}}');
    expect(outputs(main)).toContain('AZURE_APP_SERVICE_RESOURCE_ID');
    expect(existsSync(path.join(root, zip.with!.ignoreFile as string))).toBe(true);
    expect(yml.deploy.map((a) => a.with?.args)).toEqual(
      expect.arrayContaining(['run build', expect.stringMatching(/^prune --omit=dev/)]),
    );
    for (const stage of [yml.provision, yml.publish]) {
      const packaging = stage.find((a) => a.uses === 'cli/runNpmCommand' && a.with?.args === 'run package')!;
      expect(Object.keys(packaging.env ?? {}).sort()).toEqual([
        'MicrosoftAppId',
        'PUBLIC_URL',
        'TEAMS_APP_ID',
      ]);
    }
    expect(yml.publish.map((a) => a.uses)).toEqual(
      expect.arrayContaining(['teamsApp/validateAppPackage', 'teamsApp/publishAppPackage']),
    );
    for (const action of actions.filter((a) => a.with?.appPackagePath !== undefined)) {
      expect(action.with!.appPackagePath).toBe('./manifest/build/appPackage.zip');
    }
  });

  it('defines every ${{VAR}} it and its files use, in env/.env.dev or (secrets) env/.env.dev.user', () => {
    const sources = ['m365agents.yml', 'infra/main.parameters.json', 'infra/aad.manifest.json'];
    for (const file of sources) {
      for (const [, name] of read(file).matchAll(/\$\{\{(\w+)\}\}/g)) {
        const defined = name!.startsWith('SECRET_') ? envUserExample.has(name!) : envDev.has(name!);
        expect({ file, name, defined }).toEqual({ file, name, defined: true });
      }
    }
    for (const action of actions) {
      for (const target of Object.values(action.writeToEnvironmentFile ?? {})) {
        expect({
          target,
          defined: target.startsWith('SECRET_') ? envUserExample.has(target) : envDev.has(target),
        }).toEqual({
          target,
          defined: true,
        });
      }
    }
    for (const output of outputs(main))
      expect({ output, inEnvDev: envDev.has(output) }).toEqual({ output, inEnvDev: true });
  });

  it('commits no secret', () => {
    for (const [name, value] of envDev) {
      expect(name.startsWith('SECRET_')).toBe(false);
      if (isSecret(name)) expect({ name, value }).toEqual({ name, value: '' });
    }
    for (const [name, value] of envUserExample) {
      expect(name).toMatch(/^SECRET_/);
      expect({ name, value }).toEqual({ name, value: '' });
    }
    const ignored = (file: string) => {
      try {
        execFileSync('git', ['check-ignore', '--no-index', '-q', file], { cwd: root, stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    };
    expect(ignored('env/.env.dev.user')).toBe(true);
    expect(ignored('env/.env.prod.user')).toBe(true);
    // The toolkit's environment file gets the deployment's ids from provision: local, like the secrets.
    expect(ignored('env/.env.dev')).toBe(true);
    expect(ignored('env/.env.dev.example')).toBe(false);
    expect(ignored('env/.env.dev.user.example')).toBe(false);
  });

  it('keeps local configuration and data out of the upload to App Service, and what runs in it', () => {
    const patterns = read('infra/deploy.webappignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const pattern of ['.env', '.env.*', '/env/', '/.data*', '/tests/'])
      expect(patterns).toContain(pattern);
    // Unanchored folder patterns also match inside node_modules (axios keeps code in lib/env/).
    expect(patterns.filter((p) => p.endsWith('/') && !p.startsWith('/'))).toEqual([]);
    for (const needed of ['dist', 'node_modules', 'bot', 'bot/videoframes', 'bot/prompts', 'package.json']) {
      expect(patterns.filter((p) => [needed, `/${needed}`, `/${needed}/`, `${needed}/`].includes(p))).toEqual(
        [],
      );
    }
  });
});
