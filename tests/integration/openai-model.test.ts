import { createServer } from 'node:net';
import { ModelError } from '../../bot/src/domain/ai';
import { createLanguageModel } from '../../bot/src/integrations/openai-model';
import { FakeOpenAi } from '../support/openai.fake';

/** The real `openai` client against an OpenAI-compatible server on 127.0.0.1. */
describe('the AI model client', () => {
  let fake: FakeOpenAi;
  beforeAll(async () => {
    fake = await new FakeOpenAi().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  const model = (overrides: { timeoutMs?: number; maxRetries?: number; baseUrl?: string } = {}) =>
    createLanguageModel({
      provider: 'openai',
      apiKey: 'sk-test-key',
      model: 'test-model',
      baseUrl: overrides.baseUrl ?? fake.baseUrl,
      timeoutMs: overrides.timeoutMs ?? 5000,
      maxRetries: overrides.maxRetries ?? 0,
    });

  const request = { system: 'Answer in JSON.', user: 'Hello', maxTokens: 50, temperature: 0.2, json: true };

  it('sends the instructions as a system message and the material as a user message, and returns the text', async () => {
    fake.answer({ content: '{"ok":true}' });
    const before = fake.requests.length;
    await expect(model().complete(request)).resolves.toBe('{"ok":true}');
    const sent = fake.requests[before]!;
    expect(sent.authorization).toBe('Bearer sk-test-key');
    expect(sent.body).toMatchObject({
      model: 'test-model',
      max_tokens: 50,
      temperature: 0.2,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'Hello' },
      ],
    });
  });

  it('retries a server error as configured', async () => {
    fake.answer({ status: 503 }, { content: 'second time lucky' });
    const before = fake.requests.length;
    await expect(model({ maxRetries: 1 }).complete(request)).resolves.toBe('second time lucky');
    expect(fake.requests.length - before).toBe(2);
  });

  it.each([
    [
      {
        status: 429,
        error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
      },
      'rate_limited',
    ],
    [
      {
        status: 401,
        error: {
          message: 'Incorrect API key provided',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
      'refused',
    ],
    [
      { status: 400, error: { message: 'filtered', type: 'invalid_request_error', code: 'content_filter' } },
      'refused',
    ],
    [{ status: 500 }, 'failed'],
    [{ content: '' }, 'unusable'],
    [{ content: 'partial', finishReason: 'content_filter' }, 'refused'],
  ] as const)('turns %j into a ModelError with reason %s', async (answer, reason) => {
    fake.answer(answer);
    const error = await model()
      .complete(request)
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).reason).toBe(reason);
    expect((error as ModelError).code).toBe('AI_UNAVAILABLE');
  });

  it('gives up after the timeout', async () => {
    fake.answer({ content: 'too late', delayMs: 1500 });
    const error = await model({ timeoutMs: 1000 })
      .complete(request)
      .catch((err: unknown) => err);
    expect((error as ModelError).reason).toBe('timeout');
  });

  it('says when the server cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const error = await model({ baseUrl: `http://127.0.0.1:${port}/v1` })
      .complete(request)
      .catch((err: unknown) => err);
    expect((error as ModelError).reason).toBe('unreachable');
  });
});
