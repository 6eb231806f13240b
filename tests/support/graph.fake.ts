/**
 * Microsoft Entra ID (the token endpoint of the client-credentials grant) and Microsoft Graph (the calendar
 * paths the product uses) on 127.0.0.1, so the product's real @azure/identity credential and real Graph
 * client run against servers that check what they send and answer as the real services do.
 *
 * Why https, with a certificate made at test time, trusted through NODE_EXTRA_CA_CERTS in a child process:
 * - MSAL (inside @azure/identity) accepts only an https authority.
 * - The Graph client adds the Authorization header only to https URLs (of Graph's hosts or `customHosts`);
 *   over http it would send no token at all, and the fake could not check it.
 * - Node's fetch (undici, used by the Graph client) takes no CA option that could be handed down without
 *   the `undici` package, and NODE_EXTRA_CA_CERTS is read only when a process starts. So the product's
 *   calendar client runs in a child process (graph-calendar.worker.ts, started by `startCalendarProcess`)
 *   with NODE_EXTRA_CA_CERTS pointing at this fake's certificate: the standard way to trust a private CA,
 *   with no test switch in the product and TLS verification left on.
 * - What MSAL asks for, logged while building this: with `disableInstanceDiscovery: true` (which the product
 *   sets for an authority host MSAL does not know), first GET /{tenant}/v2.0/.well-known/openid-configuration,
 *   then POST {token_endpoint} (form: client_id, client_secret, scope, grant_type=client_credentials). Without
 *   it, MSAL asks login.microsoftonline.com for instance metadata and fails offline (endpoints_resolution_error).
 *
 * Graph behaviour modelled, from the Graph documentation: POST /users/{id}/events → 201 with the event (and a
 * Teams join URL for teamsForBusiness online meetings); a `transactionId` already used in that mailbox gives
 * back the event made with it instead of a second one; PATCH /events/{id} → 200; POST /events/{id}/cancel →
 * 202 without body, the event goes (404 afterwards); POST /calendar/getSchedule → scheduleInformation per
 * address with scheduleItems and availabilityView (0 free or working elsewhere, 1 tentative, 2 busy, 3 out of
 * office), times in the zone of `Prefer: outlook.timezone` (UTC without it); GET /users/{id}?$select=… (404
 * Request_ResourceNotFound for a user not in the tenant); GET /users/{id}/manager?$select=… (the manager as a
 * directoryObject with `@odata.type`, 404 Request_ResourceNotFound when none is recorded); start
 * and end times only in Windows zones or the IANA names Graph documents (here: UTC and the IANA ones), else
 * 400 TimeZoneNotSupportedException. Errors have Graph's `{ error: { code, message } }` shape.
 * Assumption (not documented): a cancelled event's transactionId does not block a new create.
 */

import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime, IANAZone } from 'luxon';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** The app registration the Graph tests use (the fake's Entra ID knows it). */
export const TEST_GRAPH_APP: FakeApp = {
  tenantId: 'c0ffee00-1111-4222-8333-444455556666',
  clientId: 'a11ce000-1111-4222-8333-444455556666',
  clientSecret: 'the-right-secret~value',
};

export interface FakeApp {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface FakeUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  /** The mailbox's SMTP address; null for a user without a mailbox. */
  mail: string | null;
}

export type FreeBusyStatus = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

export interface FakeScheduleItem {
  status: FreeBusyStatus;
  start: Date;
  end: Date;
  subject?: string;
}

interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface StoredEvent {
  id: string;
  /** The id of the user whose mailbox holds it (the organiser). */
  mailbox: string;
  transactionId: string | undefined;
  subject: string;
  body: { contentType: string; content: string };
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  /** The instants, for free/busy. */
  startsAt: Date;
  endsAt: Date;
  attendees: { emailAddress: { address: string; name?: string }; type?: string }[];
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string | undefined;
  allowNewTimeProposals: boolean | undefined;
  joinUrl: string | undefined;
  cancelled: boolean;
  cancelComment?: string;
}

export interface GraphRequestRecord {
  at: number;
  method: string;
  /** Decoded path segments joined by '/', from /v1.0 on, e.g. `/v1.0/users/a@b.nl/events`. */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  prefer: string | undefined;
  contentType: string | undefined;
  body: unknown;
  status: number;
}

export interface TokenRequestRecord {
  at: number;
  tenant: string;
  clientId: string | undefined;
  secretMatched: boolean;
  scope: string | undefined;
  grantType: string | undefined;
  status: number;
}

/** What the fake answers instead of the next Graph request's real answer. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /**
   * Handle the request first (an event is made, a cancel done), then answer this: an answer lost on the
   * way back, after which a client sends the same request again.
   */
  afterHandling?: boolean;
  /** Wait this long before answering (a slow or hanging service). */
  delayMs?: number;
}

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

const graphError = (status: number, code: string, message: string): HttpAnswer =>
  new HttpAnswer(status, {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString(), 'request-id': randomUuid(), 'client-request-id': '' },
    },
  });

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

function randomUuid(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Graph's seven-digit fractions, as it writes dateTime values. */
const graphDateTime = (at: Date, zone: string): string =>
  DateTime.fromJSDate(at, { zone: zone === 'UTC' ? 'utc' : zone }).toFormat(
    "yyyy-MM-dd'T'HH:mm:ss.SSS'0000'",
  );

export class FakeGraph {
  readonly requests: GraphRequestRecord[] = [];
  readonly tokenRequests: TokenRequestRecord[] = [];
  /** Every request that arrived, in order, as `METHOD path` (tokens and metadata included). */
  readonly log: string[] = [];
  readonly events = new Map<string, StoredEvent>();
  private readonly users: FakeUser[] = [];
  /** User id → manager's user id. */
  private readonly managers = new Map<string, string>();
  private readonly schedules = new Map<string, FakeScheduleItem[]>();
  private readonly scripted: ScriptedAnswer[] = [];
  private readonly issuedTokens = new Set<string>();
  private server: Server | undefined;
  private dir: string | undefined;

  constructor(readonly app: FakeApp) {}

  private get origin(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('FakeGraph is not started');
    return `https://127.0.0.1:${address.port}`;
  }

  /** The Entra ID authority host for @azure/identity (`authorityHost`). */
  get authorityHost(): string {
    return this.origin;
  }

  /** Graph's base URL for the Graph client (requests go to `/v1.0/...`). */
  get graphBaseUrl(): string {
    return this.origin;
  }

  /** The self-signed certificate (PEM) the fake serves, for NODE_EXTRA_CA_CERTS. */
  get caCertPath(): string {
    if (!this.dir) throw new Error('FakeGraph is not started');
    return path.join(this.dir, 'cert.pem');
  }

  async start(): Promise<this> {
    this.dir = mkdtempSync(path.join(tmpdir(), 'fake-graph-'));
    const key = path.join(this.dir, 'key.pem');
    execFileSync(
      'openssl',
      // prettier-ignore
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', key, '-out', this.caCertPath, '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    this.server = createServer(
      { key: readFileSync(key), cert: readFileSync(this.caCertPath) },
      (req, res) => {
        void this.handle(req, res);
      },
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  addUser(user: FakeUser): FakeUser {
    this.users.push(user);
    return user;
  }

  /** Takes a user out of the directory (and out of everyone's manager). */
  removeUser(id: string): void {
    const at = this.users.findIndex((u) => u.id === id);
    if (at >= 0) this.users.splice(at, 1);
  }

  /** The user's manager in the directory (`/users/{id}/manager`); undefined: none recorded. */
  setManager(userId: string, managerId: string | undefined): void {
    if (managerId === undefined) this.managers.delete(userId);
    else this.managers.set(userId, managerId);
  }

  /** The items of a mailbox's calendar that are not events made through this fake. */
  setSchedule(address: string, items: FakeScheduleItem[]): void {
    this.schedules.set(address.toLowerCase(), items);
  }

  /** Answers for the next Graph requests (not token requests), in order. */
  answerNext(...answers: ScriptedAnswer[]): void {
    this.scripted.push(...answers);
  }

  /** Drops scripted answers no request used. */
  clearAnswers(): void {
    this.scripted.length = 0;
  }

  liveEventsOf(mailbox: string): StoredEvent[] {
    return [...this.events.values()].filter((e) => e.mailbox === mailbox && !e.cancelled);
  }

  private userBy(idOrUpn: string): FakeUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.users.find((u) => u.id.toLowerCase() === key || u.userPrincipalName.toLowerCase() === key);
  }

  // -------------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    this.log.push(`${req.method} ${url.pathname}`);
    const send = (answer: HttpAnswer) => {
      if (res.destroyed) return;
      const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...answer.headers,
      });
      res.end(body);
    };
    if (segments[0] === 'v1.0') {
      const delayMs = this.scripted[0]?.delayMs;
      const answer = this.graph(req, url, segments, raw);
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      send(answer);
    } else {
      send(this.entra(req, segments, raw));
    }
  }

  // Entra ID ----------------------------------------------------------------------------------------------

  private entra(req: IncomingMessage, segments: string[], raw: string): HttpAnswer {
    const [tenant, ...rest] = segments;
    const route = rest.join('/');
    const oauthError = (status: number, error: string, codeNo: number, description: string) =>
      new HttpAnswer(status, {
        error,
        error_description: `AADSTS${codeNo}: ${description} Trace ID: ${randomUuid()} Correlation ID: ${randomUuid()} Timestamp: ${new Date().toISOString()}`,
        error_codes: [codeNo],
        timestamp: new Date().toISOString(),
        trace_id: randomUuid(),
        correlation_id: randomUuid(),
      });
    if (tenant !== this.app.tenantId) {
      return oauthError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    }
    const base = `${this.origin}/${tenant}`;
    if (req.method === 'GET' && route === 'v2.0/.well-known/openid-configuration') {
      return new HttpAnswer(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
      });
    }
    if (req.method === 'POST' && route === 'oauth2/v2.0/token') {
      const form = new URLSearchParams(raw);
      const record: TokenRequestRecord = {
        at: Date.now(),
        tenant,
        clientId: form.get('client_id') ?? undefined,
        secretMatched: form.get('client_secret') === this.app.clientSecret,
        scope: form.get('scope') ?? undefined,
        grantType: form.get('grant_type') ?? undefined,
        status: 0,
      };
      this.tokenRequests.push(record);
      const answer = ((): HttpAnswer => {
        if (record.grantType !== 'client_credentials') {
          return oauthError(
            400,
            'unsupported_grant_type',
            70003,
            'The app requested an unsupported grant type.',
          );
        }
        if (record.clientId !== this.app.clientId) {
          return oauthError(
            400,
            'unauthorized_client',
            700016,
            `Application with identifier '${record.clientId}' was not found in the directory.`,
          );
        }
        if (!record.secretMatched) {
          return oauthError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
        }
        if (record.scope !== GRAPH_SCOPE) {
          return oauthError(
            400,
            'invalid_scope',
            1002012,
            `The provided value for scope ${record.scope} is not valid.`,
          );
        }
        const token = `fake-graph-token-${this.issuedTokens.size + 1}-${randomBytes(8).toString('hex')}`;
        this.issuedTokens.add(token);
        return new HttpAnswer(200, {
          token_type: 'Bearer',
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: token,
        });
      })();
      record.status = answer.status;
      return answer;
    }
    return oauthError(404, 'invalid_request', 900561, `The endpoint only accepts known paths (${route}).`);
  }

  // Graph -------------------------------------------------------------------------------------------------

  private graph(req: IncomingMessage, url: URL, segments: string[], raw: string): HttpAnswer {
    const record: GraphRequestRecord = {
      at: Date.now(),
      method: req.method ?? '',
      path: `/${segments.join('/')}`,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      prefer: headerOf(req, 'prefer'),
      contentType: req.headers['content-type'],
      body: undefined,
      status: 0,
    };
    this.requests.push(record);
    let answer: HttpAnswer;
    const scripted = this.scripted.shift();
    if (scripted && !scripted.afterHandling) {
      answer = new HttpAnswer(scripted.status, scripted.body, scripted.headers);
    } else {
      answer = this.graphRoute(req, segments, raw, record);
      if (scripted) answer = new HttpAnswer(scripted.status, scripted.body, scripted.headers);
    }
    record.status = answer.status;
    return answer;
  }

  private graphRoute(
    req: IncomingMessage,
    segments: string[],
    raw: string,
    record: GraphRequestRecord,
  ): HttpAnswer {
    const auth = req.headers.authorization;
    if (!auth) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    if (!auth.startsWith('Bearer ') || !this.issuedTokens.has(auth.slice('Bearer '.length))) {
      return graphError(401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed.');
    }
    let body: Record<string, unknown> = {};
    if (req.method === 'POST' || req.method === 'PATCH') {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return graphError(415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
      }
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        return graphError(400, 'BadRequest', 'Unable to read JSON request payload.');
      }
      record.body = body;
    }
    const [, users, userId, collection, eventId, action] = segments;
    if (users !== 'users' || !userId)
      return graphError(400, 'BadRequest', `Resource not found for the segment.`);
    const user = this.userBy(userId);

    // GET /users/{id} and GET /users/{id}/manager: a user, with the properties $select names.
    const managerPath = segments.length === 4 && collection === 'manager';
    if ((segments.length === 3 || managerPath) && req.method === 'GET') {
      const managerId = managerPath && user ? this.managers.get(user.id) : undefined;
      const found = managerPath ? (managerId ? this.userBy(managerId) : undefined) : user;
      if (!found) {
        return graphError(
          404,
          'Request_ResourceNotFound',
          `Resource '${managerPath ? 'manager' : userId}' does not exist or one of its queried reference-property objects are not present.`,
        );
      }
      const select = new URL(req.url ?? '/', this.origin).searchParams.get('$select');
      const all: Record<string, unknown> = { ...found };
      const chosen = select
        ? Object.fromEntries(select.split(',').map((k) => [k, all[k] ?? null]))
        : { ...all };
      return new HttpAnswer(200, {
        ...(managerPath
          ? {
              // The manager is a directoryObject (a user or an orgContact): Graph names its type.
              '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects/$entity',
              '@odata.type': '#microsoft.graph.user',
            }
          : {
              '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users(${select ?? ''})/$entity`,
            }),
        ...chosen,
      });
    }

    if (!user) return graphError(404, 'ErrorInvalidUser', `The requested user '${userId}' is invalid.`);
    if (!user.mail) {
      return graphError(
        404,
        'MailboxNotEnabledForRESTAPI',
        'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
      );
    }

    if (collection === 'events' && !eventId && req.method === 'POST') return this.createEvent(user, body);
    if (collection === 'events' && eventId) {
      const event = this.events.get(eventId);
      if (!event || event.mailbox !== user.id || event.cancelled) {
        return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      }
      if (!action && req.method === 'GET') return new HttpAnswer(200, this.eventJson(event));
      if (!action && req.method === 'PATCH') return this.updateEvent(event, body);
      if (action === 'cancel' && req.method === 'POST') {
        event.cancelled = true;
        if (typeof body.comment === 'string') event.cancelComment = body.comment;
        return new HttpAnswer(202, undefined);
      }
    }
    if (collection === 'calendar' && eventId === 'getSchedule' && req.method === 'POST') {
      return this.getSchedule(body, headerOf(req, 'prefer'));
    }
    return graphError(400, 'BadRequest', `Resource not found for the segment '${collection ?? ''}'.`);
  }

  /** A dateTimeTimeZone as an instant, or an error answer as Graph gives for a zone it does not support. */
  private instant(value: unknown, name: string): Date | HttpAnswer {
    const v = value as Partial<DateTimeTimeZone> | undefined;
    if (!v || typeof v.dateTime !== 'string' || typeof v.timeZone !== 'string') {
      return graphError(400, 'ErrorInvalidRequest', `Property ${name} is missing or not a dateTimeTimeZone.`);
    }
    // This fake knows UTC and the IANA names Graph documents; the real service also takes Windows names.
    const documented =
      v.timeZone === 'UTC' || (v.timeZone.includes('/') && GRAPH_DOCUMENTED_IANA.has(v.timeZone));
    if (!documented || !IANAZone.isValidZone(v.timeZone === 'UTC' ? 'utc' : v.timeZone)) {
      return graphError(
        400,
        'TimeZoneNotSupportedException',
        `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${v.timeZone}'.`,
      );
    }
    if (/[zZ]|[+-]\d\d:\d\d$/.test(v.dateTime)) {
      return graphError(
        400,
        'ErrorInvalidRequest',
        `${name}.dateTime carries an offset; the zone goes in timeZone.`,
      );
    }
    const parsed = DateTime.fromISO(v.dateTime, { zone: v.timeZone === 'UTC' ? 'utc' : v.timeZone });
    if (!parsed.isValid) return graphError(400, 'ErrorInvalidRequest', `Cannot read ${name}.dateTime.`);
    return parsed.toJSDate();
  }

  private createEvent(user: FakeUser, body: Record<string, unknown>): HttpAnswer {
    const transactionId = typeof body.transactionId === 'string' ? body.transactionId : undefined;
    if (transactionId) {
      const earlier = this.liveEventsOf(user.id).find((e) => e.transactionId === transactionId);
      if (earlier) return new HttpAnswer(201, this.eventJson(earlier));
    }
    const start = this.instant(body.start, 'start');
    if (start instanceof HttpAnswer) return start;
    const end = this.instant(body.end, 'end');
    if (end instanceof HttpAnswer) return end;
    if (end.getTime() <= start.getTime()) {
      return graphError(400, 'ErrorInvalidRequest', 'The end of the event must be after its start.');
    }
    const attendees = Array.isArray(body.attendees) ? (body.attendees as StoredEvent['attendees']) : [];
    if (
      attendees.some(
        (a) => typeof a?.emailAddress?.address !== 'string' || !a.emailAddress.address.includes('@'),
      )
    ) {
      return graphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    }
    const online = body.isOnlineMeeting === true;
    const provider = typeof body.onlineMeetingProvider === 'string' ? body.onlineMeetingProvider : undefined;
    const id = `AAMkAG${randomBytes(24).toString('base64url')}=`;
    const event: StoredEvent = {
      id,
      mailbox: user.id,
      transactionId,
      subject: typeof body.subject === 'string' ? body.subject : '',
      body: (body.body as StoredEvent['body'] | undefined) ?? { contentType: 'text', content: '' },
      start: body.start as DateTimeTimeZone,
      end: body.end as DateTimeTimeZone,
      startsAt: start,
      endsAt: end,
      attendees,
      isOnlineMeeting: online,
      onlineMeetingProvider: provider,
      allowNewTimeProposals:
        typeof body.allowNewTimeProposals === 'boolean' ? body.allowNewTimeProposals : undefined,
      joinUrl:
        online && provider === 'teamsForBusiness'
          ? `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomBytes(12).toString('hex')}%40thread.v2/0?context=%7b%22Tid%22%3a%22${this.app.tenantId}%22%7d`
          : undefined,
      cancelled: false,
    };
    this.events.set(id, event);
    return new HttpAnswer(201, this.eventJson(event));
  }

  private updateEvent(event: StoredEvent, body: Record<string, unknown>): HttpAnswer {
    if ('transactionId' in body) {
      return graphError(
        400,
        'ErrorInvalidPropertyUpdate',
        'transactionId cannot be changed after the event is created.',
      );
    }
    const start = body.start === undefined ? event.startsAt : this.instant(body.start, 'start');
    if (start instanceof HttpAnswer) return start;
    const end = body.end === undefined ? event.endsAt : this.instant(body.end, 'end');
    if (end instanceof HttpAnswer) return end;
    if (end.getTime() <= start.getTime()) {
      return graphError(400, 'ErrorInvalidRequest', 'The end of the event must be after its start.');
    }
    if (body.start !== undefined) event.start = body.start as DateTimeTimeZone;
    if (body.end !== undefined) event.end = body.end as DateTimeTimeZone;
    event.startsAt = start;
    event.endsAt = end;
    if (typeof body.subject === 'string') event.subject = body.subject;
    return new HttpAnswer(200, this.eventJson(event));
  }

  private eventJson(event: StoredEvent): Record<string, unknown> {
    return {
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${event.mailbox}')/events/$entity`,
      id: event.id,
      transactionId: event.transactionId ?? null,
      subject: event.subject,
      // Without Prefer: outlook.timezone, Graph answers in UTC.
      start: { dateTime: graphDateTime(event.startsAt, 'UTC'), timeZone: 'UTC' },
      end: { dateTime: graphDateTime(event.endsAt, 'UTC'), timeZone: 'UTC' },
      originalStartTimeZone: event.start.timeZone,
      originalEndTimeZone: event.end.timeZone,
      isOnlineMeeting: Boolean(event.joinUrl),
      onlineMeetingProvider: event.joinUrl ? 'teamsForBusiness' : 'unknown',
      onlineMeeting: event.joinUrl ? { joinUrl: event.joinUrl } : null,
      attendees: event.attendees.map((a) => ({
        type: a.type ?? 'required',
        status: { response: 'none', time: '0001-01-01T00:00:00Z' },
        emailAddress: a.emailAddress,
      })),
      isCancelled: event.cancelled,
    };
  }

  private getSchedule(body: Record<string, unknown>, prefer: string | undefined): HttpAnswer {
    const schedules = body.schedules;
    if (
      !Array.isArray(schedules) ||
      schedules.length === 0 ||
      !schedules.every((s) => typeof s === 'string')
    ) {
      return graphError(
        400,
        'ErrorInvalidParameter',
        'schedules must be a non-empty collection of SMTP addresses.',
      );
    }
    const from = this.instant(body.startTime, 'startTime');
    if (from instanceof HttpAnswer) return from;
    const to = this.instant(body.endTime, 'endTime');
    if (to instanceof HttpAnswer) return to;
    const interval = body.availabilityViewInterval === undefined ? 30 : Number(body.availabilityViewInterval);
    if (!Number.isInteger(interval) || interval < 5 || interval > 1440) {
      return graphError(400, 'ErrorInvalidParameter', 'availabilityViewInterval must be between 5 and 1440.');
    }
    if (to.getTime() <= from.getTime() || to.getTime() - from.getTime() > 62 * 86_400_000) {
      return graphError(400, 'ErrorInvalidParameter', 'The time range must be positive and at most 62 days.');
    }
    const zoneMatch = /outlook\.timezone="([^"]+)"/.exec(prefer ?? '');
    const zone = zoneMatch?.[1] ?? 'UTC';
    const value = schedules.map((address: string) => {
      const owner = this.users.find((u) => u.mail?.toLowerCase() === address.toLowerCase());
      if (!owner) {
        return {
          scheduleId: address,
          availabilityView: '',
          error: {
            message: `The recipient '${address}' could not be found.`,
            responseCode: 'ErrorMailRecipientNotFound',
          },
        };
      }
      const own = this.schedules.get(address.toLowerCase()) ?? [];
      const fromEvents: FakeScheduleItem[] = [...this.events.values()]
        .filter(
          (e) =>
            !e.cancelled &&
            (e.mailbox === owner.id ||
              e.attendees.some((a) => a.emailAddress.address.toLowerCase() === address.toLowerCase())),
        )
        .map((e) => ({ status: 'busy', start: e.startsAt, end: e.endsAt, subject: e.subject }));
      const items = [...own, ...fromEvents]
        .filter((i) => i.start < to && from < i.end)
        .sort((a, b) => a.start.getTime() - b.start.getTime());
      const rank: Record<FreeBusyStatus, number> = {
        free: 0,
        workingElsewhere: 0,
        unknown: 0,
        tentative: 1,
        busy: 2,
        oof: 3,
      };
      let view = '';
      for (let t = from.getTime(); t < to.getTime(); t += interval * 60_000) {
        const slotEnd = t + interval * 60_000;
        const worst = items
          .filter((i) => i.start.getTime() < slotEnd && t < i.end.getTime())
          .reduce((max, i) => Math.max(max, rank[i.status]), 0);
        view += String(worst);
      }
      return {
        scheduleId: address,
        availabilityView: view,
        scheduleItems: items.map((i) => ({
          isPrivate: false,
          status: i.status,
          subject: i.subject ?? '',
          location: '',
          start: { dateTime: graphDateTime(i.start, zone), timeZone: zone },
          end: { dateTime: graphDateTime(i.end, zone), timeZone: zone },
        })),
        workingHours: {
          daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          startTime: '08:00:00.0000000',
          endTime: '17:00:00.0000000',
          timeZone: { name: 'W. Europe Standard Time' },
        },
      };
    });
    return new HttpAnswer(200, {
      '@odata.context':
        'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)',
      value,
    });
  }
}

/** The IANA names in Graph's dateTimeTimeZone documentation (a few left out that the page spells twice). */
// prettier-ignore
const GRAPH_DOCUMENTED_IANA = new Set([
  'Etc/GMT+12', 'Etc/GMT+11', 'Pacific/Honolulu', 'America/Anchorage', 'America/Los_Angeles', 'America/Phoenix',
  'America/Denver', 'America/Chicago', 'America/Mexico_City', 'America/New_York', 'America/Halifax',
  'America/Sao_Paulo', 'Etc/GMT', 'Europe/London', 'Europe/Berlin', 'Europe/Budapest', 'Europe/Paris',
  'Europe/Warsaw', 'Africa/Lagos', 'Europe/Bucharest', 'Africa/Cairo', 'Africa/Johannesburg', 'Europe/Istanbul',
  'Asia/Jerusalem', 'Europe/Moscow', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Shanghai', 'Asia/Singapore',
  'Asia/Tokyo', 'Australia/Sydney', 'Pacific/Auckland',
]);

// ---------------------------------------------------------------------------------------------------------
// The product's calendar client in a process that trusts the fake's certificate

export interface CalendarProcessError {
  isCalendarError: boolean;
  isDirectoryError: boolean;
  name: string;
  code: string | undefined;
  message: string;
  details: Record<string, unknown> | undefined;
}

export type CalendarProcessReply<T> = { ok: true; value: T } | { ok: false; error: CalendarProcessError };

export interface CalendarProcess {
  /** Runs one method of the calendar made from `config` (one calendar per distinct config, kept). */
  call<T>(
    config: Record<string, unknown>,
    method: string,
    ...args: unknown[]
  ): Promise<CalendarProcessReply<T>>;
  /** The same for the directory (integrations/graph-directory.ts). */
  directory<T>(
    config: Record<string, unknown>,
    method: string,
    ...args: unknown[]
  ): Promise<CalendarProcessReply<T>>;
  stop(): Promise<void>;
}

/** The service's environment for Graph through this fake (the certificate trusted, the fake's app). */
export function graphServiceEnv(fake: FakeGraph): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: fake.caCertPath,
    GRAPH_TENANT_ID: fake.app.tenantId,
    GRAPH_CLIENT_ID: fake.app.clientId,
    GRAPH_CLIENT_SECRET: fake.app.clientSecret,
    GRAPH_BASE_URL: fake.graphBaseUrl,
    GRAPH_AUTHORITY_HOST: fake.authorityHost,
  };
}

/** The product's Graph client configuration for this fake (GraphClientConfig), with quick retries. */
export function graphClientConfig(
  fake: FakeGraph,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    tenantId: fake.app.tenantId,
    clientId: fake.app.clientId,
    clientSecret: fake.app.clientSecret,
    graphBaseUrl: fake.graphBaseUrl,
    authorityHost: fake.authorityHost,
    timeoutMs: 10_000,
    retry: { maxRetries: 1, delaySeconds: 0, maxRetryAfterSeconds: 5 },
    ...overrides,
  };
}

/** Starts graph-calendar.worker.ts with NODE_EXTRA_CA_CERTS set to the fake's certificate. */
export async function startCalendarProcess(fake: FakeGraph): Promise<CalendarProcess> {
  const child: ChildProcess = fork(path.join(__dirname, 'graph-calendar.worker.ts'), [], {
    execArgv: ['--disable-warning=DEP0111', '--import', 'tsx'],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: fake.caCertPath },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (reply: CalendarProcessReply<unknown>) => void>();
  let next = 0;
  child.on('message', (message: { id: number; reply: CalendarProcessReply<unknown> }) => {
    pending.get(message.id)?.(message.reply);
    pending.delete(message.id);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the calendar process did not start')), 30_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the calendar process exited with ${code}`));
    });
  });
  const call = <T>(
    client: 'calendar' | 'directory',
    config: Record<string, unknown>,
    method: string,
    args: unknown[],
  ) => {
    const id = ++next;
    return new Promise<CalendarProcessReply<T>>((resolve) => {
      pending.set(id, resolve as (reply: CalendarProcessReply<unknown>) => void);
      child.send({ id, client, config, method, args });
    });
  };
  return {
    call: <T>(config: Record<string, unknown>, method: string, ...args: unknown[]) =>
      call<T>('calendar', config, method, args),
    directory: <T>(config: Record<string, unknown>, method: string, ...args: unknown[]) =>
      call<T>('directory', config, method, args),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
