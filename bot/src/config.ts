import { z } from 'zod/v4';

/**
 * The whole configuration of the service, parsed once from the environment at start.
 * Nothing else in the code base reads process.env: main.ts hands this object around.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const emptyToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());

const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).optional().default(fallback));

/** What each variable should look like, shown next to the variable when its value is wrong. */
export const CONFIG_HINTS: Readonly<Record<string, string>> = {
  NODE_ENV: "one of 'development', 'test', 'production'",
  HOST: 'an interface address to listen on, e.g. 0.0.0.0 or 127.0.0.1',
  PORT: 'a TCP port number from 0 to 65535 (0 picks a free port), e.g. 3978',
  LOG_LEVEL: "one of 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'",
  LOG_FORMAT: "one of 'auto' (readable in a terminal, JSON otherwise), 'json', 'pretty'",
  MicrosoftAppId:
    "the bot's Microsoft Entra app (client) id, a GUID like 00000000-0000-0000-0000-000000000000",
  MicrosoftAppPassword:
    'the client secret of that app registration (required for MultiTenant and SingleTenant)',
  MicrosoftAppType: "one of 'MultiTenant', 'SingleTenant', 'UserAssignedMSI'",
  MicrosoftAppTenantId: 'the Entra tenant id, a GUID (required for SingleTenant and UserAssignedMSI)',
  MONGODB_URI: 'a MongoDB connection string starting with mongodb:// or mongodb+srv://',
  MONGODB_DB: 'a database name: letters, digits, _ or -, at most 38 characters, e.g. werkplekleren',
  DATA_DIR: 'a directory for the embedded MongoDB data, e.g. .data',
  FERRETDB_BIN: 'the path of a FerretDB v1.24 binary, e.g. .cache/ferretdb/v1.24.2/ferretdb',
  BODY_LIMIT_BYTES: 'the largest accepted request body in bytes, from 1024 to 10485760, e.g. 1048576',
  SHUTDOWN_TIMEOUT_MS: 'milliseconds to wait for turns in flight at shutdown, from 0 to 120000',
  DEFAULT_LOCALE: "'nl' or 'en': the language for people whose Teams locale is unknown",
  TAB_SSO_AUDIENCE:
    "the audience of the tab's SSO tokens: the Application ID URI api://<domain>/<app id> (comma-separated for several)",
  ENTRA_JWKS_URL:
    'an https URL of the Entra ID signing keys (JWKS), e.g. https://login.microsoftonline.com/common/discovery/v2.0/keys',
  TAB_DEV_MODE:
    "'true' or 'false': lets a developer pick an identity in the tab without Entra ID (never with MicrosoftAppId)",
};

const schema = z
  .object({
    NODE_ENV: z.preprocess(
      emptyToUndefined,
      z.enum(['development', 'test', 'production']).optional().default('development'),
    ),
    HOST: z.preprocess(emptyToUndefined, z.string().min(1).optional().default('0.0.0.0')),
    PORT: integer(0, 65535, 3978),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
    ),
    LOG_FORMAT: z.preprocess(emptyToUndefined, z.enum(['auto', 'json', 'pretty']).optional().default('auto')),
    MicrosoftAppId: z.preprocess(emptyToUndefined, z.string().trim().regex(GUID).optional()),
    MicrosoftAppPassword: optionalString,
    MicrosoftAppType: z.preprocess(
      emptyToUndefined,
      z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional().default('MultiTenant'),
    ),
    MicrosoftAppTenantId: z.preprocess(emptyToUndefined, z.string().trim().regex(GUID).optional()),
    MONGODB_URI: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .regex(/^mongodb(\+srv)?:\/\/\S+$/)
        .optional(),
    ),
    MONGODB_DB: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,38}$/)
        .optional()
        .default('werkplekleren'),
    ),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().min(1).optional().default('.data')),
    FERRETDB_BIN: optionalString,
    BODY_LIMIT_BYTES: integer(1024, 10 * 1024 * 1024, 1024 * 1024),
    SHUTDOWN_TIMEOUT_MS: integer(0, 120_000, 10_000),
    DEFAULT_LOCALE: z.preprocess(emptyToUndefined, z.enum(['nl', 'en']).optional().default('nl')),
    TAB_SSO_AUDIENCE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .transform((v) =>
          v
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
        )
        .pipe(z.array(z.string().regex(/^(api:\/\/\S+|[0-9a-f-]{36})$/i)).min(1))
        .optional(),
    ),
    ENTRA_JWKS_URL: z.preprocess(
      emptyToUndefined,
      z
        .url({ protocol: /^https?$/ })
        .optional()
        .default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
    ),
    TAB_DEV_MODE: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional().default('false')),
    // Not ours to document: the system PATH, used only to find `ferretdb` and `go` for the embedded database.
    PATH: optionalString,
  })
  .superRefine((env, ctx) => {
    if (env.MicrosoftAppId) {
      if (env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
        ctx.addIssue({
          code: 'custom',
          path: ['MicrosoftAppPassword'],
          message: `is required when MicrosoftAppId is set and MicrosoftAppType is ${env.MicrosoftAppType}`,
        });
      }
      if (env.MicrosoftAppType !== 'MultiTenant' && !env.MicrosoftAppTenantId) {
        ctx.addIssue({
          code: 'custom',
          path: ['MicrosoftAppTenantId'],
          message: `is required when MicrosoftAppType is ${env.MicrosoftAppType}`,
        });
      }
    }
    if (env.TAB_DEV_MODE === 'true' && (env.MicrosoftAppId || env.NODE_ENV === 'production')) {
      ctx.addIssue({
        code: 'custom',
        path: ['TAB_DEV_MODE'],
        message:
          'must be false when MicrosoftAppId is set or NODE_ENV is production (it lets anyone pick an identity)',
      });
    }
    if (env.NODE_ENV === 'production') {
      // An unauthenticated bot or a throw-away database in production would be a silent disaster.
      if (!env.MicrosoftAppId) {
        ctx.addIssue({
          code: 'custom',
          path: ['MicrosoftAppId'],
          message: 'is required when NODE_ENV is production (without it the bot accepts unsigned activities)',
        });
      }
      if (!env.MONGODB_URI) {
        ctx.addIssue({
          code: 'custom',
          path: ['MONGODB_URI'],
          message: 'is required when NODE_ENV is production (the embedded database is for local runs)',
        });
      }
    }
  });

type Env = z.infer<typeof schema>;

export interface BotAuthConfig {
  appId: string;
  appPassword: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId: string | undefined;
}

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  logFormat: Env['LOG_FORMAT'];
  /** Undefined means local mode: the Bot Framework accepts unauthenticated activities. */
  botAuth: BotAuthConfig | undefined;
  mongo: {
    uri: string | undefined;
    dbName: string;
    dataDir: string;
    ferretdbBin: string | undefined;
    searchPath: string | undefined;
  };
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  defaultLocale: 'nl' | 'en';
  tab: {
    /** Undefined: SSO is not configured, so only development mode (if on) can call the tab API. */
    ssoAudiences: string[] | undefined;
    jwksUrl: string;
    devMode: boolean;
  };
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(
      `The configuration is not valid; fix these environment variables (see .env.example):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? '(environment)');
  const raw = env[name];
  const given =
    raw === undefined || raw.trim() === '' ? 'it is not set' : `got ${JSON.stringify(mask(name, raw))}`;
  const hint = CONFIG_HINTS[name];
  const what = issue.code === 'custom' ? issue.message : hint ? `should be ${hint}` : issue.message;
  return `${name}: ${what} (${given})`;
}

/** Secrets are never echoed back, not even in an error message. */
function mask(name: string, value: string): string {
  return /password|secret|uri/i.test(name) ? `${value.slice(0, 10)}…` : value;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = [...new Set(result.error.issues.map((issue) => describeIssue(issue, env)))];
    throw new ConfigError(problems);
  }
  const e = result.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    botAuth: e.MicrosoftAppId
      ? {
          appId: e.MicrosoftAppId,
          appPassword: e.MicrosoftAppPassword,
          appType: e.MicrosoftAppType,
          tenantId: e.MicrosoftAppTenantId,
        }
      : undefined,
    mongo: {
      uri: e.MONGODB_URI,
      dbName: e.MONGODB_DB,
      dataDir: e.DATA_DIR,
      ferretdbBin: e.FERRETDB_BIN,
      searchPath: e.PATH,
    },
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    defaultLocale: e.DEFAULT_LOCALE,
    tab: { ssoAudiences: e.TAB_SSO_AUDIENCE, jwksUrl: e.ENTRA_JWKS_URL, devMode: e.TAB_DEV_MODE === 'true' },
  };
}
