import { trajectTabLink } from '../../bot/src/cards/tab-link';
import { CONFIG_HINTS, ConfigError, parseConfig } from '../../bot/src/config';

const APP_ID = '3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('gives working defaults for a local run with nothing set', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      env: 'development',
      host: '0.0.0.0',
      port: 3978,
      logLevel: 'info',
      logFormat: 'auto',
      botAuth: undefined,
      mongo: { uri: undefined, dbName: 'werkplekleren', dataDir: '.data' },
      bodyLimitBytes: 1048576,
      shutdownTimeoutMs: 10000,
      defaultLocale: 'nl',
    });
  });

  it('treats empty values as unset, as .env files often leave them', () => {
    const config = parseConfig({ PORT: '', MicrosoftAppId: '  ', MONGODB_URI: '' });
    expect(config.port).toBe(3978);
    expect(config.botAuth).toBeUndefined();
    expect(config.mongo.uri).toBeUndefined();
  });

  it('reads a full authenticated configuration', () => {
    const config = parseConfig({
      PORT: '8080',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 's3cret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT,
      MONGODB_URI: 'mongodb+srv://user:pw@cluster.example.net/?retryWrites=true',
      MONGODB_DB: 'wpl-prod',
      LOG_LEVEL: 'warn',
      DEFAULT_LOCALE: 'en',
    });
    expect(config.port).toBe(8080);
    expect(config.botAuth).toEqual({
      appId: APP_ID,
      appPassword: 's3cret',
      appType: 'SingleTenant',
      tenantId: TENANT,
    });
    expect(config.mongo.uri).toBe('mongodb+srv://user:pw@cluster.example.net/?retryWrites=true');
    expect(config.logLevel).toBe('warn');
    expect(config.defaultLocale).toBe('en');
  });

  it('names every offending variable at once, with what it should look like', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      MicrosoftAppId: 'not-a-guid',
      MONGODB_URI: 'postgres://localhost/db',
      BODY_LIMIT_BYTES: '10',
      DEFAULT_LOCALE: 'de',
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(
      ['BODY_LIMIT_BYTES', 'DEFAULT_LOCALE', 'LOG_LEVEL', 'MONGODB_URI', 'MicrosoftAppId', 'PORT'].sort(),
    );
    expect(problems.find((p) => p.startsWith('PORT'))).toMatch(/TCP port number.*got "eighty"/);
    expect(problems.find((p) => p.startsWith('MicrosoftAppId'))).toMatch(/GUID/);
    expect(problems.find((p) => p.startsWith('MONGODB_URI'))).toMatch(/mongodb:\/\//);
  });

  it('requires the secret and tenant that the chosen app type needs', () => {
    expect(problemsOf({ MicrosoftAppId: APP_ID })).toEqual([
      expect.stringMatching(/^MicrosoftAppPassword: is required when MicrosoftAppId is set/),
    ]);
    const problems = problemsOf({
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppPassword: 'x',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^MicrosoftAppTenantId: is required when MicrosoftAppType is SingleTenant/),
    ]);
    // A managed identity has no secret.
    expect(
      parseConfig({
        MicrosoftAppId: APP_ID,
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: TENANT,
      }).botAuth,
    ).toMatchObject({ appType: 'UserAssignedMSI', appPassword: undefined });
  });

  it('refuses to run production unauthenticated, on an embedded database or without its public address', () => {
    const names = problemsOf({ NODE_ENV: 'production' }).map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(['LINK_SIGNING_SECRET', 'MONGODB_URI', 'MicrosoftAppId', 'PUBLIC_URL']);
  });

  it('refuses a Key Vault reference App Service could not resolve, naming the variable but not the reference', () => {
    const reference = '@Microsoft.KeyVault(SecretUri=https://kv-wpl.vault.azure.net/secrets/link-signing/)';
    const problems = problemsOf({ LINK_SIGNING_SECRET: reference, MicrosoftAppPassword: ` ${reference}` });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'LINK_SIGNING_SECRET',
      'MicrosoftAppPassword',
    ]);
    expect(problems.join('\n')).toContain('Key Vault reference');
    expect(problems.join('\n')).not.toContain('kv-wpl');
    // An unrelated variable of the platform is none of our business.
    expect(() => parseConfig({ APPSETTING_X: reference })).not.toThrow();
  });

  it('never echoes a secret back in its message', () => {
    const problems = problemsOf({ MONGODB_URI: 'mongo://admin:VerySecretPassword@db:27017' });
    expect(problems.join('\n')).not.toContain('VerySecretPassword');
  });

  it("keeps the tab's development mode away from real bots and production", () => {
    expect(parseConfig({ TAB_DEV_MODE: 'true' }).tab.devMode).toBe(true);
    expect(problemsOf({ TAB_DEV_MODE: 'true', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x' })).toEqual([
      expect.stringMatching(/^TAB_DEV_MODE: must be false when MicrosoftAppId is set/),
    ]);
  });

  it("reads the tab's SSO audiences and refuses one that is not an Application ID URI", () => {
    expect(
      parseConfig({ TAB_SSO_AUDIENCE: 'api://wpl.example.nl/' + APP_ID + ', ' + APP_ID }).tab.ssoAudiences,
    ).toEqual([`api://wpl.example.nl/${APP_ID}`, APP_ID]);
    expect(problemsOf({ TAB_SSO_AUDIENCE: 'https://wpl.example.nl' })[0]).toMatch(
      /^TAB_SSO_AUDIENCE: should be/,
    );
  });

  it('rejects out-of-range numbers', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT:/);
    expect(problemsOf({ SHUTDOWN_TIMEOUT_MS: '-1' })[0]).toMatch(/^SHUTDOWN_TIMEOUT_MS:/);
    expect(problemsOf({ PORT: '3978.5' })[0]).toMatch(/^PORT:/);
  });

  it('reads the retention periods: 30 and 90 days unless set, whole days within bounds', () => {
    expect(parseConfig({}).retention).toEqual({ recordsDays: 30, sessionEventsDays: 90 });
    expect(parseConfig({ RETENTION_DAYS: '60', SESSION_EVENTS_RETENTION_DAYS: '7' }).retention).toEqual({
      recordsDays: 60,
      sessionEventsDays: 7,
    });
    for (const value of ['0', '6', '3651', '30.5', '-30', 'month']) {
      expect(problemsOf({ RETENTION_DAYS: value })).toEqual([
        `RETENTION_DAYS: should be ${CONFIG_HINTS.RETENTION_DAYS} (got ${JSON.stringify(value)})`,
      ]);
    }
    for (const value of ['0', '3651', '1.5']) {
      expect(problemsOf({ SESSION_EVENTS_RETENTION_DAYS: value })[0]).toMatch(
        /^SESSION_EVENTS_RETENTION_DAYS: should be days after a session closed .* from 1 to 3650/,
      );
    }
  });

  it('configures no AI model unless one is set, and infers the provider from the keys', () => {
    expect(parseConfig({}).ai).toBeUndefined();
    expect(parseConfig({ OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).ai).toEqual({
      provider: 'openai',
      apiKey: 'sk-1',
      model: 'gpt-4o-mini',
      baseUrl: 'http://127.0.0.1:11434/v1',
      timeoutMs: 30_000,
      maxRetries: 1,
    });
    expect(
      parseConfig({
        AZURE_OPENAI_ENDPOINT: 'https://wpl.openai.azure.com',
        AZURE_OPENAI_API_KEY: 'k',
        AZURE_OPENAI_DEPLOYMENT: 'gpt-4o',
      }).ai,
    ).toMatchObject({ provider: 'azure', deployment: 'gpt-4o', apiVersion: '2024-10-21' });
    expect(parseConfig({ AI_PROVIDER: 'none', OPENAI_API_KEY: 'sk-1' }).ai).toBeUndefined();
  });

  it('says what an AI configuration lacks, without echoing its keys', () => {
    expect(problemsOf({ AI_PROVIDER: 'openai' })).toEqual([
      expect.stringMatching(/^OPENAI_API_KEY: is required/),
    ]);
    const azure = problemsOf({ AI_PROVIDER: 'azure', AZURE_OPENAI_API_KEY: 'k' }).map((p) => p.split(':')[0]);
    expect(azure.sort()).toEqual(['AZURE_OPENAI_DEPLOYMENT', 'AZURE_OPENAI_ENDPOINT']);
    expect(
      problemsOf({
        AZURE_OPENAI_ENDPOINT: 'http://insecure.example',
        AZURE_OPENAI_API_KEY: 'k',
        AZURE_OPENAI_DEPLOYMENT: 'd',
      })[0],
    ).toMatch(/^AZURE_OPENAI_ENDPOINT: should be/);
    expect(
      problemsOf({ OPENAI_API_KEY: 'sk-1', AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' })[0],
    ).toMatch(/^AI_PROVIDER:/);
    const leaked = problemsOf({ OPENAI_API_KEY: 'sk-SuperSecretKey', AI_TIMEOUT_MS: '5' }).join('\n');
    expect(leaked).toMatch(/^AI_TIMEOUT_MS:/);
    expect(leaked).not.toContain('SuperSecret');
  });

  it('turns the Graph directory on with Graph (an organiser, or an app of its own), never on the bot alone', () => {
    const bot = { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'bot-secret', MicrosoftAppTenantId: TENANT };
    expect(parseConfig(bot)).toMatchObject({ graph: undefined, directory: undefined });

    const withOrganizer = parseConfig({ ...bot, GRAPH_ORGANIZER: 'planner@contoso.nl' });
    expect(withOrganizer.directory).toMatchObject({
      tenantId: TENANT,
      clientId: APP_ID,
      clientSecret: 'bot-secret',
      timeoutMs: 15000,
    });
    expect(withOrganizer.graph).toEqual({ organizer: 'planner@contoso.nl', ...withOrganizer.directory });

    const graphApp = 'a11ce000-1111-4222-8333-444455556666';
    const directoryOnly = parseConfig({
      GRAPH_TENANT_ID: TENANT,
      GRAPH_CLIENT_ID: graphApp,
      GRAPH_CLIENT_SECRET: 'graph-secret',
    });
    expect(directoryOnly.graph).toBeUndefined();
    expect(directoryOnly.directory).toMatchObject({ tenantId: TENANT, clientId: graphApp });

    expect(
      problemsOf({ GRAPH_CLIENT_ID: graphApp })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['GRAPH_CLIENT_SECRET', 'GRAPH_TENANT_ID']);
  });

  it('links to the tab inside Teams when the app id is known, else to the tab page', () => {
    const local = parseConfig({ PORT: '4000' });
    expect(local.publicUrl).toBe('http://localhost:4000');
    expect(trajectTabLink(local)).toBe('http://localhost:4000/tab/');
    const hosted = parseConfig({ PUBLIC_URL: 'https://wpl.example.nl/', TEAMS_APP_ID: APP_ID });
    expect(hosted.publicUrl).toBe('https://wpl.example.nl');
    expect(trajectTabLink(hosted)).toBe(`https://teams.microsoft.com/l/entity/${APP_ID}/mijn-prof-traject`);
    expect(problemsOf({ TEAMS_APP_ID: 'my-app' })[0]).toMatch(/^TEAMS_APP_ID: should be/);
    const production = problemsOf({ NODE_ENV: 'production', PUBLIC_URL: 'http://wpl.example.nl' });
    expect(production.some((p) => p.startsWith('PUBLIC_URL: must be an https URL'))).toBe(true);
  });
});
