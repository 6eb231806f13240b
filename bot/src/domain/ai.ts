/**
 * The AI model as the product uses it: one chat completion, text in, text out. The videoframe's proposal
 * step and the traject's suggestion use the same configured model. No vendor types leak in here.
 */

export interface ChatRequest {
  /** Instructions: what to do and in which shape to answer. */
  system: string;
  /** The person's or group's own material, kept apart from the instructions. */
  user: string;
  maxTokens: number;
  temperature?: number;
  /** Ask for a JSON object (the server may still answer otherwise: callers parse and check). */
  json?: boolean;
}

export interface LanguageModel {
  /** The model or deployment name, recorded with what it produced so people can see where it came from. */
  readonly name: string;
  complete(request: ChatRequest): Promise<string>;
}

export type ModelFailure = 'timeout' | 'rate_limited' | 'refused' | 'unreachable' | 'failed' | 'unusable';

/** Any way a model call can fail, with a reason a person can be told about (never the raw error). */
export class ModelError extends Error {
  readonly code = 'AI_UNAVAILABLE';
  constructor(
    readonly reason: ModelFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
