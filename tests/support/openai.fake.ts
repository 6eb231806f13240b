import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatCompletionRequest {
  model: string;
  messages: { role: string; content: string }[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  response_format?: { type: string };
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * What the fake does with the next request: answer with text (with the given token usage, or none when
 * `usage` is null), or fail with an HTTP status.
 */
export type FakeAnswer =
  | { content: string; delayMs?: number; finishReason?: string; usage?: FakeUsage | null }
  | { status: number; error?: { message: string; type?: string; code?: string | null }; delayMs?: number };

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 (`POST /v1/chat/completions`, the same
 * request and response JSON and error shape as the real API), so the product's real `openai` client runs.
 * Answers are taken from a queue; when it is empty, `defaultAnswer` builds one from the request.
 */
export class FakeOpenAi {
  readonly requests: { body: ChatCompletionRequest; authorization: string | undefined }[] = [];
  private readonly queue: FakeAnswer[] = [];
  private server: Server | undefined;
  defaultAnswer: (request: ChatCompletionRequest) => FakeAnswer = () => ({ content: '{}' });

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('FakeOpenAi is not started');
    return `http://127.0.0.1:${address.port}/v1`;
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

  /** Queues answers for the next requests, in order. */
  answer(...answers: FakeAnswer[]): void {
    this.queue.push(...answers);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/chat/completions') {
      send(404, {
        error: {
          message: `Unknown request URL: ${req.method} ${req.url}`,
          type: 'invalid_request_error',
          code: 'unknown_url',
        },
      });
      return;
    }
    let body: ChatCompletionRequest;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatCompletionRequest;
    } catch {
      send(400, {
        error: {
          message: 'We could not parse the JSON body of your request.',
          type: 'invalid_request_error',
          code: null,
        },
      });
      return;
    }
    this.requests.push({ body, authorization: req.headers.authorization });
    const answer = this.queue.shift() ?? this.defaultAnswer(body);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if ('status' in answer) {
      send(answer.status, {
        error: answer.error ?? { message: `status ${answer.status}`, type: 'server_error', code: null },
      });
      return;
    }
    send(200, {
      id: `chatcmpl-${this.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: answer.content, refusal: null },
          logprobs: null,
          finish_reason: answer.finishReason ?? 'stop',
        },
      ],
      ...(answer.usage === null
        ? {}
        : { usage: answer.usage ?? { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 } }),
    });
  }
}
