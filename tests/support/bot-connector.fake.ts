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

/**
 * A Bot Connector service on 127.0.0.1 that speaks the REST paths the real one does
 * (POST /v3/conversations/{conversationId}/activities[/{activityId}]) so the bot's real connector
 * client sends its replies here. It records what arrives and answers like the service does.
 */
export class FakeBotConnector {
  readonly received: ReceivedActivity[] = [];
  /** How long to wait before answering each send (a slow Bot Connector). */
  delayMs = 0;
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
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) {
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
    this.received.push({
      method: req.method,
      path: url.pathname,
      conversationId: decodeURIComponent(match[1]!),
      replyToId: match[2] ? decodeURIComponent(match[2]) : undefined,
      authorization: req.headers.authorization,
      body,
    });
    this.counter += 1;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `activity-${this.counter}` }));
    const waiters = this.waiters.splice(0);
    for (const wake of waiters) wake();
  }
}
