import { ConfigError, parseConfig } from '../../bot/src/config';

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

  it('refuses to run production unauthenticated or on an embedded database', () => {
    const names = problemsOf({ NODE_ENV: 'production' }).map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(['MONGODB_URI', 'MicrosoftAppId']);
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
});
