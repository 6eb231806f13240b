import { randomBytes } from 'node:crypto';
import { z } from 'zod/v4';
import type { GraphCalendarConfig } from './integrations/graph-calendar';
import type { GraphClientConfig } from './integrations/graph-client';
import type { AiConfig } from './integrations/openai-model';

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
  VIDEOFRAMES_DIR:
    "a directory with the organisation's own videoframes (JSON files, checked at start; see bot/videoframes/default.json)",
  MAX_CIRCLES_PER_MEMBER: 'how many Prof-cirkels one person may be in at once, from 1 to 10, e.g. 2',
  TALENT_FIRST_AFTER_MONTHS:
    'months from the start of a Prof-traject to the first talent-development conversation, from 1 to 24, e.g. 6',
  TALENT_EVERY_MONTHS: 'months between talent-development conversations, from 1 to 24, e.g. 6',
  TALENT_NUDGE_DAYS:
    'days before a talent-development conversation the manager is nudged, comma-separated, e.g. 7,1',
  TALENT_PREPARATION_DAYS: 'days before the conversation the professional gets the preparation card, e.g. 7',
  WORKING_DAY_START: 'when working hours start (local time, HH:mm): nudges are sent then, e.g. 09:00',
  WORKING_DAY_END: 'when working hours end (local time, HH:mm), later than the start, e.g. 17:00',
  LINK_SIGNING_SECRET:
    'a random secret of at least 32 characters that signs download links (e.g. calendar files); the same on every replica',
  PUBLIC_URL:
    'the public base URL of this service as Teams reaches it, e.g. https://wpl.example.nl (unset: http://localhost:<PORT>)',
  TEAMS_APP_ID:
    "the Teams app's id from its manifest (a GUID); with it, buttons open the tab inside Teams instead of a browser",
  SCHEDULER_POLL_INTERVAL_MS:
    'how often each replica looks for due jobs, in ms, from 500 to 300000, e.g. 15000',
  SCHEDULER_LEASE_MS:
    'how long a replica holds a job before another may take it over, in ms, from 5000 to 600000',
  SCHEDULER_MAX_ATTEMPTS: 'how often a failing job is tried, from 1 to 20, e.g. 5',
  OUTBOX_POLL_INTERVAL_MS:
    'how often each replica looks for cards to send, in ms, from 100 to 60000, e.g. 1000',
  OUTBOX_LEASE_MS:
    'how long a replica holds a card before another may take it over, in ms, from 5000 to 600000',
  OUTBOX_MAX_ATTEMPTS: 'how often a card is tried before it counts as failed, from 1 to 20, e.g. 8',
  OUTBOX_RETRY_MAX_MS:
    'the longest wait between two tries of a card, in ms, from 1000 to 3600000, e.g. 60000',
  TEAMS_RATE_PER_TENANT: 'cards per second to one tenant across all replicas, from 2 to 50, e.g. 40',
  TEAMS_RATE_PER_CONVERSATION:
    'cards per second to one conversation across all replicas, from 2 to 7, e.g. 7',
  RETENTION_DAYS:
    'days after which finished deliveries and jobs, settled claims and idle bot state are removed, a whole number from 7 to 3650, e.g. 30',
  SESSION_EVENTS_RETENTION_DAYS:
    'days after a session closed that its event log is removed (its final state stays), a whole number from 1 to 3650, e.g. 90',
  GRAPH_ORGANIZER:
    "the mailbox (user principal name or Entra object id) that organises the circles' Teams meetings; set it to use Microsoft Graph",
  GRAPH_TENANT_ID: 'the Entra tenant id (GUID) of the app that calls Graph; default MicrosoftAppTenantId',
  GRAPH_CLIENT_ID:
    'the app (client) id (GUID) that calls Graph; default MicrosoftAppId; setting it turns Graph on for the directory without the calendar',
  GRAPH_CLIENT_SECRET: 'the client secret of that app; default MicrosoftAppPassword',
  GRAPH_BASE_URL:
    'an https base URL of Microsoft Graph, e.g. https://graph.microsoft.com (national clouds, tests)',
  GRAPH_AUTHORITY_HOST: 'an https Entra ID authority host, e.g. https://login.microsoftonline.com',
  GRAPH_TIMEOUT_MS: 'milliseconds one Graph call may take with its retries, from 1000 to 120000, e.g. 15000',
  AI_PROVIDER:
    "one of 'none', 'openai' (OpenAI or any OpenAI-compatible server), 'azure' (Azure OpenAI); unset: taken from which keys are set",
  OPENAI_API_KEY: 'the API key of OpenAI or of the OpenAI-compatible server',
  OPENAI_BASE_URL:
    'the base URL of an OpenAI-compatible server, including /v1, e.g. http://127.0.0.1:11434/v1 (unset: api.openai.com)',
  OPENAI_MODEL: 'the model name, e.g. gpt-4o-mini',
  AZURE_OPENAI_ENDPOINT:
    'the https endpoint of the Azure OpenAI resource, e.g. https://<name>.openai.azure.com',
  AZURE_OPENAI_API_KEY: 'the key of that Azure OpenAI resource',
  AZURE_OPENAI_DEPLOYMENT: 'the name of the model deployment in that resource, e.g. gpt-4o-mini',
  AZURE_OPENAI_API_VERSION: 'the Azure OpenAI API version, e.g. 2024-10-21',
  AI_TIMEOUT_MS: 'milliseconds to wait for one answer of the AI model, from 1000 to 120000, e.g. 30000',
  AI_MAX_RETRIES: 'how often a failed AI call is retried, from 0 to 5, e.g. 1',
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
    VIDEOFRAMES_DIR: optionalString,
    MAX_CIRCLES_PER_MEMBER: integer(1, 10, 2),
    TALENT_FIRST_AFTER_MONTHS: integer(1, 24, 6),
    TALENT_EVERY_MONTHS: integer(1, 24, 6),
    TALENT_NUDGE_DAYS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\s*\d{1,2}(\s*,\s*\d{1,2}){0,4}\s*$/)
        .optional()
        .default('7,1')
        .transform((v) => [...new Set(v.split(',').map((d) => Number(d.trim())))].sort((a, b) => b - a)),
    ),
    TALENT_PREPARATION_DAYS: integer(1, 30, 7),
    WORKING_DAY_START: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
        .optional()
        .default('09:00'),
    ),
    WORKING_DAY_END: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
        .optional()
        .default('17:00'),
    ),
    LINK_SIGNING_SECRET: z.preprocess(emptyToUndefined, z.string().min(32).max(512).optional()),
    PUBLIC_URL: z.preprocess(
      emptyToUndefined,
      z
        .url({ protocol: /^https?$/ })
        .transform((v) => v.replace(/\/+$/, ''))
        .optional(),
    ),
    TEAMS_APP_ID: z.preprocess(emptyToUndefined, z.string().trim().regex(GUID).optional()),
    SCHEDULER_POLL_INTERVAL_MS: integer(500, 300_000, 15_000),
    SCHEDULER_LEASE_MS: integer(5_000, 600_000, 60_000),
    SCHEDULER_MAX_ATTEMPTS: integer(1, 20, 5),
    OUTBOX_POLL_INTERVAL_MS: integer(100, 60_000, 1_000),
    OUTBOX_LEASE_MS: integer(5_000, 600_000, 60_000),
    OUTBOX_MAX_ATTEMPTS: integer(1, 20, 8),
    OUTBOX_RETRY_MAX_MS: integer(1_000, 3_600_000, 60_000),
    TEAMS_RATE_PER_TENANT: integer(2, 50, 40),
    TEAMS_RATE_PER_CONVERSATION: integer(2, 7, 7),
    RETENTION_DAYS: integer(7, 3650, 30),
    SESSION_EVENTS_RETENTION_DAYS: integer(1, 3650, 90),
    GRAPH_ORGANIZER: z.preprocess(emptyToUndefined, z.string().trim().min(3).max(320).optional()),
    GRAPH_TENANT_ID: z.preprocess(emptyToUndefined, z.string().trim().regex(GUID).optional()),
    GRAPH_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().trim().regex(GUID).optional()),
    GRAPH_CLIENT_SECRET: optionalString,
    GRAPH_BASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https$/ }).optional()),
    GRAPH_AUTHORITY_HOST: z.preprocess(emptyToUndefined, z.url({ protocol: /^https$/ }).optional()),
    GRAPH_TIMEOUT_MS: integer(1000, 120_000, 15_000),
    AI_PROVIDER: z.preprocess(emptyToUndefined, z.enum(['none', 'openai', 'azure']).optional()),
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
    OPENAI_MODEL: z.preprocess(
      emptyToUndefined,
      z.string().trim().min(1).max(100).optional().default('gpt-4o-mini'),
    ),
    AZURE_OPENAI_ENDPOINT: z.preprocess(emptyToUndefined, z.url({ protocol: /^https$/ }).optional()),
    AZURE_OPENAI_API_KEY: optionalString,
    AZURE_OPENAI_DEPLOYMENT: z.preprocess(emptyToUndefined, z.string().trim().min(1).max(100).optional()),
    AZURE_OPENAI_API_VERSION: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/)
        .optional()
        .default('2024-10-21'),
    ),
    AI_TIMEOUT_MS: integer(1000, 120_000, 30_000),
    AI_MAX_RETRIES: integer(0, 5, 1),
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
    if (env.GRAPH_ORGANIZER || env.GRAPH_CLIENT_ID) {
      const missing = [
        ['GRAPH_TENANT_ID', env.GRAPH_TENANT_ID ?? env.MicrosoftAppTenantId],
        ['GRAPH_CLIENT_ID', env.GRAPH_CLIENT_ID ?? env.MicrosoftAppId],
        ['GRAPH_CLIENT_SECRET', env.GRAPH_CLIENT_SECRET ?? env.MicrosoftAppPassword],
      ].filter(([, value]) => !value);
      for (const [name] of missing) {
        ctx.addIssue({
          code: 'custom',
          path: [name!],
          message:
            'is required when GRAPH_ORGANIZER or GRAPH_CLIENT_ID is set (or set the matching Microsoft App variable)',
        });
      }
    }
    const provider = aiProviderOf(env);
    if (provider === 'openai' && !env.OPENAI_API_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENAI_API_KEY'],
        message: 'is required when AI_PROVIDER is openai',
      });
    }
    if (provider === 'azure') {
      for (const name of [
        'AZURE_OPENAI_ENDPOINT',
        'AZURE_OPENAI_API_KEY',
        'AZURE_OPENAI_DEPLOYMENT',
      ] as const) {
        if (!env[name]) {
          ctx.addIssue({ code: 'custom', path: [name], message: 'is required when AI_PROVIDER is azure' });
        }
      }
    }
    if (env.AI_PROVIDER === undefined && env.OPENAI_API_KEY && env.AZURE_OPENAI_ENDPOINT) {
      ctx.addIssue({
        code: 'custom',
        path: ['AI_PROVIDER'],
        message: "must say which model to use ('openai' or 'azure') when keys for both are set",
      });
    }
    if (env.NODE_ENV === 'production' && env.PUBLIC_URL && !env.PUBLIC_URL.startsWith('https://')) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: 'must be an https URL when NODE_ENV is production',
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
      if (!env.LINK_SIGNING_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['LINK_SIGNING_SECRET'],
          message: 'is required when NODE_ENV is production (every replica must sign links the same way)',
        });
      }
      if (!env.MONGODB_URI) {
        ctx.addIssue({
          code: 'custom',
          path: ['MONGODB_URI'],
          message: 'is required when NODE_ENV is production (the embedded database is for local runs)',
        });
      }
      if (!env.PUBLIC_URL) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_URL'],
          message:
            'is required when NODE_ENV is production (links on cards and in calendar files must reach this service)',
        });
      }
    }
  });

/**
 * App Service passes a Key Vault reference it could not resolve on as its literal text
 * (`@Microsoft.KeyVault(...)`), which would pass as a secret here and fail much later: refused at start.
 */
function unresolvedKeyVaultReferences(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(
      ([name, value]) =>
        name in CONFIG_HINTS && typeof value === 'string' && value.trim().startsWith('@Microsoft.KeyVault('),
    )
    .map(
      ([name]) =>
        `${name}: is a Key Vault reference that App Service could not resolve (check that the secret exists and that the web app's identity may read it)`,
    );
}

type Env = z.infer<typeof schema>;

/** The model provider: as configured, or taken from which keys are set. */
function aiProviderOf(env: {
  AI_PROVIDER?: 'none' | 'openai' | 'azure' | undefined;
  OPENAI_API_KEY?: string | undefined;
  AZURE_OPENAI_ENDPOINT?: string | undefined;
}): 'none' | 'openai' | 'azure' {
  if (env.AI_PROVIDER) return env.AI_PROVIDER;
  if (env.AZURE_OPENAI_ENDPOINT && !env.OPENAI_API_KEY) return 'azure';
  if (env.OPENAI_API_KEY && !env.AZURE_OPENAI_ENDPOINT) return 'openai';
  return 'none';
}

function aiConfigOf(e: Env): AiConfig | undefined {
  const common = { timeoutMs: e.AI_TIMEOUT_MS, maxRetries: e.AI_MAX_RETRIES };
  switch (aiProviderOf(e)) {
    case 'openai':
      return {
        provider: 'openai',
        apiKey: e.OPENAI_API_KEY!,
        model: e.OPENAI_MODEL,
        baseUrl: e.OPENAI_BASE_URL,
        ...common,
      };
    case 'azure':
      return {
        provider: 'azure',
        apiKey: e.AZURE_OPENAI_API_KEY!,
        endpoint: e.AZURE_OPENAI_ENDPOINT!,
        deployment: e.AZURE_OPENAI_DEPLOYMENT!,
        apiVersion: e.AZURE_OPENAI_API_VERSION,
        ...common,
      };
    case 'none':
      return undefined;
  }
}

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
  maxCirclesPerMember: number;
  /** Talent-development conversations: when they fall and when their nudges go. */
  talent: {
    firstAfterMonths: number;
    everyMonths: number;
    nudgeDays: number[];
    preparationDays: number;
    dayStart: string;
    dayEnd: string;
  };
  /** The organisation's own videoframes, next to the shipped ones; undefined: only the shipped ones. */
  videoframesDir: string | undefined;
  /** Signs download links; random per process when not configured (links then stop working at a restart). */
  linkSigningSecret: string;
  /** The service's public base URL (no trailing slash), and the Teams app id for deep links. */
  publicUrl: string;
  teamsAppId: string | undefined;
  scheduler: { pollIntervalMs: number; leaseMs: number; maxAttempts: number };
  outbox: {
    pollIntervalMs: number;
    leaseMs: number;
    maxAttempts: number;
    retryMaxMs: number;
    perTenantPerSecond: number;
    perConversationPerSecond: number;
  };
  /** How long records kept only for delivery or coordination stay (see domain/retention.ts). */
  retention: { recordsDays: number; sessionEventsDays: number };
  /** Undefined: no Microsoft Graph calendar; cycles get a calendar file instead of Teams meetings. */
  graph: (GraphCalendarConfig & { organizer: string }) | undefined;
  /**
   * Microsoft Graph as the directory (managers, who is in the tenant): on whenever Graph is, i.e. when
   * GRAPH_ORGANIZER or GRAPH_CLIENT_ID is set; undefined otherwise (the professional names their manager).
   */
  directory: GraphClientConfig | undefined;
  /** Undefined: no AI model; the product says so where it would have offered one. */
  ai: AiConfig | undefined;
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
  if (/password|secret|key/i.test(name)) return '(hidden)';
  return /uri/i.test(name) ? `${value.slice(0, 10)}…` : value;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const unresolved = unresolvedKeyVaultReferences(env);
  if (unresolved.length > 0) throw new ConfigError(unresolved);
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = [...new Set(result.error.issues.map((issue) => describeIssue(issue, env)))];
    throw new ConfigError(problems);
  }
  const e = result.data;
  // Graph is on when it is asked for (an organiser for the calendar, or an app of its own); the credentials
  // then fall back to the bot's app registration. Not on the bot's registration alone: that would call Graph
  // from every deployment, whether or not an admin granted the permissions.
  const graphClient: GraphClientConfig | undefined =
    e.GRAPH_ORGANIZER || e.GRAPH_CLIENT_ID
      ? {
          tenantId: (e.GRAPH_TENANT_ID ?? e.MicrosoftAppTenantId)!,
          clientId: (e.GRAPH_CLIENT_ID ?? e.MicrosoftAppId)!,
          clientSecret: (e.GRAPH_CLIENT_SECRET ?? e.MicrosoftAppPassword)!,
          graphBaseUrl: e.GRAPH_BASE_URL,
          authorityHost: e.GRAPH_AUTHORITY_HOST,
          timeoutMs: e.GRAPH_TIMEOUT_MS,
        }
      : undefined;
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
    maxCirclesPerMember: e.MAX_CIRCLES_PER_MEMBER,
    talent: {
      firstAfterMonths: e.TALENT_FIRST_AFTER_MONTHS,
      everyMonths: e.TALENT_EVERY_MONTHS,
      nudgeDays: e.TALENT_NUDGE_DAYS,
      preparationDays: e.TALENT_PREPARATION_DAYS,
      dayStart: e.WORKING_DAY_START,
      dayEnd: e.WORKING_DAY_END,
    },
    videoframesDir: e.VIDEOFRAMES_DIR,
    linkSigningSecret: e.LINK_SIGNING_SECRET ?? randomBytes(32).toString('base64url'),
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    teamsAppId: e.TEAMS_APP_ID,
    scheduler: {
      pollIntervalMs: e.SCHEDULER_POLL_INTERVAL_MS,
      leaseMs: e.SCHEDULER_LEASE_MS,
      maxAttempts: e.SCHEDULER_MAX_ATTEMPTS,
    },
    outbox: {
      pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS,
      leaseMs: e.OUTBOX_LEASE_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retryMaxMs: e.OUTBOX_RETRY_MAX_MS,
      perTenantPerSecond: e.TEAMS_RATE_PER_TENANT,
      perConversationPerSecond: e.TEAMS_RATE_PER_CONVERSATION,
    },
    retention: { recordsDays: e.RETENTION_DAYS, sessionEventsDays: e.SESSION_EVENTS_RETENTION_DAYS },
    graph: graphClient && e.GRAPH_ORGANIZER ? { organizer: e.GRAPH_ORGANIZER, ...graphClient } : undefined,
    directory: graphClient,
    ai: aiConfigOf(e),
  };
}
