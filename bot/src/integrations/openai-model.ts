import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AzureOpenAI,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import { ModelError, type ChatRequest, type LanguageModel } from '../domain/ai';

/**
 * The AI model through the `openai` client that teams-ai uses too: OpenAI itself, any OpenAI-compatible
 * server (a base URL such as a local or EU-hosted gateway), or Azure OpenAI. We call the chat-completions
 * API directly rather than through teams-ai's ActionPlanner: our calls are one-shot requests for a checked
 * JSON object, not a conversation with actions, and this keeps timeout, retries and errors in our hands.
 */
export type AiConfig =
  | {
      provider: 'openai';
      apiKey: string;
      model: string;
      /** An OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1; undefined: api.openai.com. */
      baseUrl: string | undefined;
      timeoutMs: number;
      maxRetries: number;
    }
  | {
      provider: 'azure';
      apiKey: string;
      endpoint: string;
      deployment: string;
      apiVersion: string;
      timeoutMs: number;
      maxRetries: number;
    };

export function createLanguageModel(config: AiConfig): LanguageModel {
  const client =
    config.provider === 'azure'
      ? new AzureOpenAI({
          apiKey: config.apiKey,
          endpoint: config.endpoint,
          deployment: config.deployment,
          apiVersion: config.apiVersion,
          timeout: config.timeoutMs,
          maxRetries: config.maxRetries,
        })
      : new OpenAI({
          apiKey: config.apiKey,
          baseURL: config.baseUrl,
          timeout: config.timeoutMs,
          maxRetries: config.maxRetries,
        });
  const name = config.provider === 'azure' ? config.deployment : config.model;
  return {
    name,
    async complete(request: ChatRequest): Promise<string> {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create({
          model: name,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
          max_tokens: request.maxTokens,
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          ...(request.json ? { response_format: { type: 'json_object' as const } } : {}),
        });
      } catch (err) {
        throw toModelError(err);
      }
      const choice = completion.choices?.[0];
      const content = choice?.message?.content;
      if (choice?.finish_reason === 'content_filter') {
        throw new ModelError('refused', 'the model refused the request (content filter)');
      }
      if (typeof content !== 'string' || content.trim() === '') {
        throw new ModelError('unusable', 'the model answered without text');
      }
      return content;
    },
  };
}

function toModelError(err: unknown): ModelError {
  // Order matters: a timeout is a connection error, and both are API errors.
  if (err instanceof APIConnectionTimeoutError)
    return new ModelError('timeout', 'the model did not answer in time');
  if (err instanceof APIConnectionError)
    return new ModelError('unreachable', 'the model could not be reached');
  if (err instanceof RateLimitError) return new ModelError('rate_limited', 'the model is busy (429)');
  if (err instanceof AuthenticationError || err instanceof PermissionDeniedError) {
    return new ModelError('refused', `the model refused our credentials (${err.status})`);
  }
  if (err instanceof APIError) {
    // A content filter on Azure answers 400 with code content_filter.
    if (err.code === 'content_filter')
      return new ModelError('refused', 'the model refused the request (content filter)');
    return new ModelError('failed', `the model answered with status ${err.status ?? 'unknown'}`);
  }
  return new ModelError('failed', 'the model call failed');
}
