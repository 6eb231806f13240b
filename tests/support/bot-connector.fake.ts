import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedActivity {
  method: string;
  path: string;
  conversationId: string;
  replyToId: string | undefined;
  authorization: string | undefined;
  body: {
    type: string;
    text?: string;
    locale?: string;
    attachments?: { contentType: string; content: Record<string, unknown> }[];
    [key: string]: unknown;
  };
}

/** A member as Teams lists it in a roster (TeamsChannelAccount). */
export interface RosterMember {
  id: string;
  name: string;
  aadObjectId?: string;
  userPrincipalName?: string;
  email?: string;
  tenantId?: string;
  userRole?: string;
}

/** An answer the fake gives instead of accepting a send (see `respondNext`). */
export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Every request that reached the fake, accepted or refused, with its arrival time (ms since the epoch). */
export interface ConnectorRequest {
  at: number;
  method: string;
  conversationId: string;
  tenantId: string | undefined;
  /** The activity's text, to tell cards apart. */
  text: string | undefined;
  status: number;
}

/**
 * Teams' throttling as the fake enforces it: more requests than the limit within any sliding second (per
 * tenant, per conversation) are answered 429 with a Retry-After header, as the Bot Connector does.
 */
export interface ConnectorLimits {
  perTenantPerSecond?: number;
  perConversationPerSecond?: number;
  /** Seconds in the Retry-After header of a 429; 1 unless set. */
  retryAfterSeconds?: number;
}

/**
 * A Bot Connector service on 127.0.0.1 that speaks the REST paths the real one does
 * (POST /v3/conversations/{conversationId}/activities[/{activityId}] to send or reply, PUT
 * /v3/conversations/{conversationId}/activities/{activityId} to update a card) so the bot's real connector
 * client sends its replies here. It records what arrives and answers like the service does.
 */
export class FakeBotConnector {
  readonly received: ReceivedActivity[] = [];
  /** How long to wait before answering each send (a slow Bot Connector). */
  delayMs = 0;
  /** Every request, including refused ones (429s, scripted errors), in arrival order. */
  readonly requests: ConnectorRequest[] = [];
  /** Rate limits to enforce with 429 + Retry-After; none unless set. */
  limits: ConnectorLimits | undefined;
  private readonly scripted = new Map<string, ScriptedResponse[]>();
  private server: Server | undefined;
  private counter = 0;
  private waiters: (() => void)[] = [];

  get serviceUrl(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('FakeBotConnector is not started');
    return `http://127.0.0.1:${address.port}/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Activities that are not typing indicators (teams-ai may send those on its own). */
  messages(conversationId?: string): ReceivedActivity[] {
    return this.received.filter(
      (r) =>
        r.body.type !== 'typing' && (conversationId === undefined || r.conversationId === conversationId),
    );
  }

  /** The members of each conversation, as `GET v3/conversations/{id}/pagedmembers` lists them. */
  readonly rosters = new Map<string, RosterMember[]>();
  /** Conversations whose roster requests fail with this status (e.g. 403 when the bot was removed). */
  readonly rosterFailures = new Map<string, number>();

  /**
   * `GET v3/conversations/{id}/pagedmembers?pageSize=&continuationToken=` (a page of members and a token for
   * the next) and `GET v3/conversations/{id}/members/{memberId}`, as Teams answers them.
   */
  /** Teams meetings by id, as `GET v1/meetings/{meetingId}` describes them (MeetingInfo). */
  readonly meetings = new Map<
    string,
    {
      details: { id: string; joinUrl: string; title: string; msGraphResourceId?: string; type?: string };
      conversation?: { id: string };
      organizer?: { id: string; aadObjectId?: string };
    }
  >();

  private answerRoster(url: URL, res: ServerResponse): boolean {
    const meeting = /^\/v1\/meetings\/([^/]+)$/.exec(url.pathname);
    if (meeting) {
      const info = this.meetings.get(decodeURIComponent(meeting[1]!));
      res.writeHead(info ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(info ?? { error: { code: 'NotFound', message: 'meeting not found' } }));
      return true;
    }
    const paged = /^\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec(url.pathname);
    const single = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(url.pathname);
    const conversationId = decodeURIComponent((paged ?? single)?.[1] ?? '');
    if (!paged && !single) return false;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const failure = this.rosterFailures.get(conversationId);
    const roster = this.rosters.get(conversationId);
    if (failure || !roster) {
      send(failure ?? 404, {
        error: { code: failure ? 'Forbidden' : 'ConversationNotFound', message: 'roster unavailable' },
      });
      return true;
    }
    if (single) {
      const member = roster.find(
        (m) => m.id === decodeURIComponent(single[2]!) || m.aadObjectId === decodeURIComponent(single[2]!),
      );
      if (member) send(200, member);
      else send(404, { error: { code: 'MemberNotFound', message: 'not a member' } });
      return true;
    }
    const pageSize = Math.max(1, Math.min(500, Number(url.searchParams.get('pageSize') ?? 50) || 50));
    const start = Number(url.searchParams.get('continuationToken') ?? 0) || 0;
    const members = roster.slice(start, start + pageSize);
    const next = start + pageSize < roster.length ? String(start + pageSize) : undefined;
    send(200, { members, ...(next ? { continuationToken: next } : {}) });
    return true;
  }

  /** The next sends to `conversationId` get these answers, in order (e.g. a 503, then a 403). */
  respondNext(conversationId: string, ...responses: ScriptedResponse[]): void {
    this.scripted.set(conversationId, [...(this.scripted.get(conversationId) ?? []), ...responses]);
  }

  /** The most requests that arrived within any `windowMs` (default a second), for one tenant or conversation. */
  peakRate(filter: { tenantId?: string; conversationId?: string } = {}, windowMs = 1_000): number {
    const times = this.requests
      .filter(
        (r) =>
          (filter.tenantId === undefined || r.tenantId === filter.tenantId) &&
          (filter.conversationId === undefined || r.conversationId === filter.conversationId),
      )
      .map((r) => r.at)
      .sort((a, b) => a - b);
    return slidingPeak(times, windowMs);
  }

  /** Waits until `predicate` holds for what has arrived, or fails after timeoutMs. */
  async waitFor(predicate: (received: ReceivedActivity[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `FakeBotConnector: condition not met in ${timeoutMs} ms; received ${JSON.stringify(this.received.map((r) => r.body.type))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && this.answerRoster(url, res)) return;
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    const isSend = req.method === 'POST';
    const isUpdate = req.method === 'PUT' && match?.[2] !== undefined;
    if (!match || !(isSend || isUpdate)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } }));
      return;
    }
    let body: ReceivedActivity['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedActivity['body'];
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BadSyntax', message: 'invalid JSON' } }));
      return;
    }
    const conversationId = decodeURIComponent(match[1]!);
    const refusal = this.refusal(conversationId, tenantOf(body), isSend);
    this.requests.push({
      at: Date.now(),
      method: req.method ?? 'POST',
      conversationId,
      tenantId: tenantOf(body),
      text: body.text,
      status: refusal?.status ?? (isUpdate ? 200 : 201),
    });
    if (refusal) {
      res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers });
      res.end(
        JSON.stringify(refusal.body ?? { error: { code: `Status${refusal.status}`, message: 'refused' } }),
      );
      return;
    }
    this.received.push({
      method: req.method ?? 'POST',
      path: url.pathname,
      conversationId,
      /** For a reply: the activity replied to; for an update: the activity updated. */
      replyToId: match[2] ? decodeURIComponent(match[2]) : undefined,
      authorization: req.headers.authorization,
      body,
    });
    this.counter += 1;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    // The service answers an update with the updated activity's id, a send with a new one.
    res.writeHead(isUpdate ? 200 : 201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: isUpdate ? match[2] : `activity-${this.counter}` }));
    const waiters = this.waiters.splice(0);
    for (const wake of waiters) wake();
  }

  /** A scripted answer, or a 429 when this request is over a limit (counted over every request that arrived). */
  private refusal(
    conversationId: string,
    tenantId: string | undefined,
    isSend: boolean,
  ): ScriptedResponse | undefined {
    const queued = this.scripted.get(conversationId);
    if (isSend && queued && queued.length > 0) return queued.shift();
    const limits = this.limits;
    if (!limits) return undefined;
    const now = Date.now();
    const inLastSecond = (match: (r: ConnectorRequest) => boolean) =>
      this.requests.filter((r) => r.at > now - 1_000 && match(r)).length + 1;
    const over =
      (limits.perTenantPerSecond !== undefined &&
        inLastSecond((r) => r.tenantId === tenantId) > limits.perTenantPerSecond) ||
      (limits.perConversationPerSecond !== undefined &&
        inLastSecond((r) => r.conversationId === conversationId) > limits.perConversationPerSecond);
    if (!over) return undefined;
    return {
      status: 429,
      headers: { 'retry-after': String(limits.retryAfterSeconds ?? 1) },
      body: { error: { code: 'TooManyRequests', message: 'throttled' } },
    };
  }
}

function tenantOf(body: ReceivedActivity['body']): string | undefined {
  const conversation = body.conversation as { tenantId?: unknown } | undefined;
  const channelData = body.channelData as { tenant?: { id?: unknown } } | undefined;
  const id = conversation?.tenantId ?? channelData?.tenant?.id;
  return typeof id === 'string' ? id : undefined;
}

/** The most of the sorted `times` that fall within any window of `windowMs`. */
function slidingPeak(times: readonly number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}
