/**
 * What every Microsoft Graph client of the product shares (the calendar, graph-calendar.ts; the directory,
 * graph-directory.ts): the official Graph client (@microsoft/microsoft-graph-client) with an app-only token
 * from @azure/identity (client credentials of the app registration), our retry bounds and deadline, and one
 * reading of what went wrong, which each client turns into its own typed error.
 *
 * - Retries: the Graph client's RetryHandler resends 429, 503 and 504, honouring Retry-After, a bounded number
 *   of times; a Retry-After longer than `maxRetryAfterSeconds` is not waited for in-process: the call fails
 *   as 'unavailable' with the wait in `retryAfterMs`, for a job queue to retry. `timeoutMs` bounds one call
 *   including its retries.
 * - Graph only adds the bearer token to https URLs of its own hosts or of `customHosts`, so a test server
 *   (GRAPH_BASE_URL) must speak https; its host is added to `customHosts`.
 */

import { ClientSecretCredential, type AccessToken, type GetTokenOptions } from '@azure/identity';
import {
  Client,
  GraphClientError,
  GraphError,
  RetryHandlerOptions,
  type GraphRequest,
  type ShouldRetry,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';

export interface GraphClientConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Default https://graph.microsoft.com; must be https (see above). */
  graphBaseUrl?: string | undefined;
  /** Default https://login.microsoftonline.com. */
  authorityHost?: string | undefined;
  /** Bounds one call, its retries included. */
  timeoutMs: number;
  retry?: {
    /** Retries after a 429/503/504 (Graph client) or a failed token request (identity); default 3. */
    maxRetries?: number;
    /** Base delay between retries without Retry-After, in seconds (the client adds up to 1 s); default 3. */
    delaySeconds?: number;
    /** The longest Retry-After waited for in-process, in seconds; default 30. */
    maxRetryAfterSeconds?: number;
  };
}

/** What went wrong with a Graph call, for each client to name in its own error codes. */
export type GraphFailureKind =
  /** Unreachable, timed out, throttled or failing (429/5xx) after the allowed retries: try again later. */
  | 'unavailable'
  /** The app's credentials were refused (wrong secret, unknown app or tenant), or Graph answered 401. */
  | 'auth_failed'
  /** 403: the app may not do this (permission not granted or not consented). */
  | 'forbidden'
  /** 404: what was asked for is not there. */
  | 'not_found'
  /** Any other 4xx: Graph refused the request itself. */
  | 'rejected';

export interface GraphFailure {
  kind: GraphFailureKind;
  message: string;
  details: {
    /** The HTTP status of Graph's answer, when there was one. */
    status?: number | undefined;
    /** Graph's own error code, e.g. `Request_ResourceNotFound`. */
    serviceCode?: string | undefined;
    /** How long Graph asked us to wait (Retry-After), when it did. */
    retryAfterMs?: number | undefined;
  };
}

/** App-only access to Graph: everything the app may do, as consented by an admin. */
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
/** Hosts MSAL knows; any other authority (a test server) must skip the instance discovery at Microsoft. */
const KNOWN_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
]);

/** A request builder for Graph paths (`/users/...`) with our retry bounds and deadline; the caller adds the method. */
export type GraphApi = (path: string) => GraphRequest;

export function createGraphApi(config: GraphClientConfig): GraphApi {
  const maxRetries = config.retry?.maxRetries ?? 3;
  const delaySeconds = config.retry?.delaySeconds ?? 3;
  const maxRetryAfterSeconds = config.retry?.maxRetryAfterSeconds ?? 30;

  const authorityHost = config.authorityHost;
  const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
    ...(authorityHost
      ? {
          authorityHost,
          disableInstanceDiscovery: !KNOWN_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname),
        }
      : {}),
    retryOptions: { maxRetries, retryDelayInMs: delaySeconds * 1000 },
  });
  // Calls that start together (the attendee look-ups run in parallel) share one token request: MSAL caches a
  // token once it has one, but asks Entra ID once per caller while its cache is empty.
  let pending: Promise<AccessToken | null> | undefined;
  const authProvider = new TokenCredentialAuthenticationProvider(
    {
      async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
        pending ??= credential.getToken(scopes, options).finally(() => (pending = undefined));
        try {
          return await pending;
        } catch (err) {
          throw new TokenFailure(classifyTokenError(err));
        }
      },
    },
    { scopes: [GRAPH_SCOPE] },
  );

  const baseUrl = (config.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
  const client = Client.initWithMiddleware({
    authProvider,
    baseUrl,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(baseUrl).hostname]),
  });

  // Retry-After beyond our bound: do not sleep on it here (the RetryHandler would, up to 180 s).
  const shouldRetry: ShouldRetry = (_delay, _attempt, _request, _options, response) => {
    const wait = retryAfterMs(response.headers.get('retry-after'));
    return wait === undefined || wait <= maxRetryAfterSeconds * 1000;
  };

  return (path: string): GraphRequest =>
    client
      .api(path)
      .middlewareOptions([new RetryHandlerOptions(delaySeconds, maxRetries, shouldRetry)])
      .option('signal', AbortSignal.timeout(config.timeoutMs));
}

/** A user's path segment, for an Entra object id or a user principal name. */
export const graphUserPath = (id: string): string => `/users/${encodeURIComponent(id)}`;

// ---------------------------------------------------------------------------------------------------------
// Errors

/**
 * A token that could not be had, with what it means. A GraphClientError, because the Graph client rethrows
 * those unchanged; any other error from the token step would reach us flattened into a GraphError.
 */
class TokenFailure extends GraphClientError {
  constructor(readonly kind: 'auth_failed' | 'unavailable') {
    super(`no Graph token: ${kind}`);
    // GraphClientError's constructor sets its own prototype on the instance, which would hide this subclass.
    Object.setPrototypeOf(this, TokenFailure.prototype);
    this.name = 'TokenFailure';
  }
}

/** OAuth 2.0 token errors that mean our credentials, tenant or request are wrong (not a passing outage). */
const CLIENT_ERRORS = new Set([
  'invalid_client',
  'unauthorized_client',
  'invalid_request',
  'invalid_grant',
  'invalid_scope',
  'unsupported_grant_type',
  'invalid_resource',
]);

/**
 * @azure/identity wraps MSAL's answer: the token endpoint's HTTP status is on `cause.status`
 * (AuthenticationRequiredError around an MSAL ServerError, seen for both 401 invalid_client and 503). A 4xx
 * other than 429 means our credentials or tenant are wrong; anything else (5xx, 429, unreachable, the
 * metadata document not found) may pass.
 */
function classifyTokenError(err: unknown): 'auth_failed' | 'unavailable' {
  const withStatus = (value: unknown): number | undefined => {
    const status = (value as { status?: unknown; statusCode?: unknown } | undefined) ?? {};
    if (typeof status.status === 'number') return status.status;
    return typeof status.statusCode === 'number' ? status.statusCode : undefined;
  };
  const status = withStatus(err) ?? withStatus((err as { cause?: unknown } | undefined)?.cause);
  if (status !== undefined) {
    return status >= 400 && status < 500 && status !== 429 ? 'auth_failed' : 'unavailable';
  }
  // @azure/identity 4.13 (the last that declares Node 20) gives no status: only the token endpoint's OAuth 2.0
  // error code, which MSAL puts first in the message ("invalid_client: AADSTS7000215 …"). That code is the
  // protocol's own field (RFC 6749 §5.2), so it is read here, at this one edge, and nowhere else.
  const oauthError = /^([a-z_]+):/.exec((err as { message?: unknown }).message as string)?.[1];
  return oauthError !== undefined && CLIENT_ERRORS.has(oauthError) ? 'auth_failed' : 'unavailable';
}

/** Retry-After (delta-seconds or an HTTP date) in milliseconds; undefined when absent or unreadable. */
function retryAfterMs(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** What a failed Graph call (token step included) means. */
export function classifyGraphError(err: unknown): GraphFailure {
  if (err instanceof TokenFailure) {
    return {
      kind: err.kind,
      message:
        err.kind === 'auth_failed'
          ? 'Entra ID refused the app credentials for Microsoft Graph'
          : 'no token for Microsoft Graph could be had',
      details: {},
    };
  }
  if (err instanceof GraphError) {
    const status = err.statusCode;
    const serviceCode = typeof err.code === 'string' ? err.code : undefined;
    const kind: GraphFailureKind =
      status === 401
        ? 'auth_failed'
        : status === 403
          ? 'forbidden'
          : status === 404
            ? 'not_found'
            : status >= 400 && status < 500 && status !== 408 && status !== 429
              ? 'rejected'
              : 'unavailable';
    // Status -1: no answer at all (refused connection, reset, our deadline): the client's error name says which.
    const what =
      status > 0 ? `status ${status}${serviceCode ? ` (${serviceCode})` : ''}` : (serviceCode ?? 'no answer');
    return {
      kind,
      message: `Microsoft Graph: ${what}`,
      details: {
        status: status > 0 ? status : undefined,
        serviceCode,
        retryAfterMs: retryAfterMs(err.headers?.get('retry-after')),
      },
    };
  }
  return { kind: 'unavailable', message: 'Microsoft Graph could not be reached', details: {} };
}
