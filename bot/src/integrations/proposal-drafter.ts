import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ActionPlanner,
  GPTTokenizer,
  OpenAIModel,
  PromptManager,
  type Memory,
  type OpenAIModelOptions,
  type AzureOpenAIModelOptions,
} from '@microsoft/teams-ai';
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Fetch } from 'openai/core';
import { ModelError } from '../domain/ai';
import type { Locale } from '../domain/locale';
import type { DraftMaterial, DraftResult, ProposalDrafter } from '../domain/proposal-draft';
import { readDraftReply } from '../domain/proposal-draft-reply';
import type { AiConfig } from './openai-model';

/** The folder under the prompts folder that holds skprompt.txt and config.json. */
export const PROPOSAL_PROMPT = 'improvement-proposal';

/** How the template's {{$language}} names the circle's language. */
const LANGUAGES: Record<Locale, string> = { nl: 'Dutch', en: 'English' };

/**
 * The improvement-proposal drafter through teams-ai's ActionPlanner, with the prompt kept as files in the
 * repository (`<promptsFolder>/improvement-proposal/skprompt.txt` and `config.json`, PromptManager format).
 * The caller passes `path.join(PROJECT_ROOT, 'bot', 'prompts')`, which holds from bot/src (tsx) and from
 * dist/ alike. The files are read here once, so a wrong folder fails at start, not at the first session.
 */
export function createProposalDrafter(config: AiConfig, options: { promptsFolder: string }): ProposalDrafter {
  const promptVersion = promptVersionOf(options.promptsFolder);
  const prompts = new PromptManager({ promptsFolder: options.promptsFolder });
  const tokenizer = new GPTTokenizer();
  const model = config.provider === 'azure' ? config.deployment : config.model;

  return {
    model,
    async draft(material: DraftMaterial): Promise<DraftResult> {
      // One model per call: the usage and outcome it watches belong to this call only.
      const watch = new CallWatch();
      const planner = new ActionPlanner({
        model: new OpenAIModel(modelOptions(config, watch.fetch)),
        prompts,
        tokenizer,
        defaultPrompt: PROPOSAL_PROMPT,
        // The reply is checked by readDraftReply; a repair round would be another paid call.
        max_repair_attempts: 0,
      });
      const memory = new DraftMemory();
      memory.setValue('temp.language', LANGUAGES[material.locale]);
      memory.setValue('temp.input', materialMessage(material));

      const started = performance.now();
      let response: Awaited<ReturnType<typeof planner.completePrompt>>;
      try {
        response = await planner.completePrompt(offlineTurn(), memory, PROPOSAL_PROMPT);
      } catch {
        // teams-ai answers model failures with a status; a throw is the prompt (loading or rendering it).
        throw new ModelError('failed', 'the improvement-proposal prompt could not be loaded or rendered');
      }
      const latencyMs = Math.round(performance.now() - started);
      await watch.settled();

      if (response.status === 'rate_limited') throw new ModelError('rate_limited', 'the model is busy (429)');
      if (response.status === 'too_long') {
        throw new ModelError('failed', 'the material is longer than the prompt allows (max_input_tokens)');
      }
      if (response.status !== 'success') throw watch.failure();
      if (watch.finishReason === 'content_filter') {
        throw new ModelError('refused', 'the model refused the request (content filter)');
      }
      const content = response.message?.content;
      const draft = typeof content === 'string' ? readDraftReply(content) : undefined;
      if (!draft) throw new ModelError('unusable', 'the model did not answer with a usable draft');
      return {
        draft,
        provenance: {
          source: 'ai',
          model,
          promptVersion,
          latencyMs,
          ...(watch.tokens ? { tokens: watch.tokens } : {}),
        },
      };
    },
  };
}

/** `improvement-proposal@<8 hex>`: the hash of the template and its config, so any edit is a new version. */
function promptVersionOf(promptsFolder: string): string {
  const folder = path.join(promptsFolder, PROPOSAL_PROMPT);
  const hash = createHash('sha256');
  for (const file of ['skprompt.txt', 'config.json']) hash.update(readFileSync(path.join(folder, file)));
  return `${PROPOSAL_PROMPT}@${hash.digest('hex').slice(0, 8)}`;
}

function modelOptions(config: AiConfig, fetch: Fetch): OpenAIModelOptions | AzureOpenAIModelOptions {
  // teams-ai ignores its own top-level maxRetries: timeout and retries go to the openai client.
  const clientOptions = { timeout: config.timeoutMs, maxRetries: config.maxRetries, fetch };
  // Without useSystemMessages teams-ai sends the template as a user message, next to the material.
  return config.provider === 'azure'
    ? {
        azureApiKey: config.apiKey,
        azureEndpoint: config.endpoint,
        azureDefaultDeployment: config.deployment,
        azureApiVersion: config.apiVersion,
        useSystemMessages: true,
        clientOptions,
      }
    : {
        apiKey: config.apiKey,
        defaultModel: config.model,
        ...(config.baseUrl ? { endpoint: config.baseUrl } : {}),
        useSystemMessages: true,
        clientOptions,
      };
}

/**
 * The user message: the material as JSON between markers. `<` and `>` are escaped (still valid JSON, read
 * the same by the model) so nothing a person typed can close the marker early.
 */
function materialMessage(material: DraftMaterial): string {
  const data = {
    videoframe: material.videoframeTitle,
    workSituation: material.workSituation,
    questionOfTheDay: material.question ?? null,
    analysis: material.analysis,
    problem: material.problem,
    brainstorm: material.brainstorm,
  };
  const json = JSON.stringify(data, null, 2).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return ['Draft the proposal from this material.', '<<<MATERIAL', json, 'MATERIAL>>>'].join('\n');
}

interface UsageBody {
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown };
  choices?: { finish_reason?: unknown }[];
  error?: { code?: unknown };
}

/**
 * Watches the HTTP exchanges of one call through the openai client's `fetch` option. teams-ai drops the
 * completion's `usage` and `finish_reason`, and turns every failure into a plain Error with only a message;
 * what the last attempt saw (status, error code, no answer in time, no connection) classifies the failure.
 */
class CallWatch {
  tokens: { prompt: number; completion: number; total: number } | undefined;
  finishReason: string | undefined;
  private last: { status: number; code?: string } | 'timeout' | 'unreachable' | undefined;
  private readonly reads: Promise<void>[] = [];

  /**
   * Node's own fetch, watched. The openai client takes a web fetch in place of its node-fetch (its README's
   * middleware example); its types are node-fetch's, hence the one cast.
   */
  readonly fetch = (async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      // The client aborts its own signal when its timeout passes; any other throw is the connection.
      this.last = init?.signal?.aborted ? 'timeout' : 'unreachable';
      throw err;
    }
    const seen: { status: number; code?: string } = { status: response.status };
    this.last = seen;
    // A copy is read alongside the client, which reads the response itself.
    this.reads.push(
      response
        .clone()
        .json()
        .then(
          (body) => this.record(seen, body as UsageBody),
          () => undefined,
        ),
    );
    return response;
  }) as unknown as Fetch;

  settled(): Promise<unknown> {
    return Promise.all(this.reads);
  }

  private record(seen: { status: number; code?: string }, body: UsageBody): void {
    if (typeof body?.error?.code === 'string') seen.code = body.error.code;
    const usage = body?.usage;
    if (
      seen.status === 200 &&
      typeof usage?.prompt_tokens === 'number' &&
      typeof usage.completion_tokens === 'number' &&
      typeof usage.total_tokens === 'number'
    ) {
      this.tokens = {
        prompt: usage.prompt_tokens,
        completion: usage.completion_tokens,
        total: usage.total_tokens,
      };
    }
    const finish = body?.choices?.[0]?.finish_reason;
    if (seen.status === 200 && typeof finish === 'string') this.finishReason = finish;
  }

  /** The ModelError for a call teams-ai reported as 'error'. */
  failure(): ModelError {
    const last = this.last;
    if (last === 'timeout') return new ModelError('timeout', 'the model did not answer in time');
    if (last === 'unreachable') return new ModelError('unreachable', 'the model could not be reached');
    if (last?.status === 429) return new ModelError('rate_limited', 'the model is busy (429)');
    if (last?.status === 401 || last?.status === 403) {
      return new ModelError('refused', `the model refused our credentials (${last.status})`);
    }
    // A content filter on Azure answers 400 with code content_filter.
    if (last?.code === 'content_filter') {
      return new ModelError('refused', 'the model refused the request (content filter)');
    }
    if (last && last.status >= 400) {
      return new ModelError('failed', `the model answered with status ${last.status}`);
    }
    return new ModelError('failed', 'the model call failed');
  }
}

/** teams-ai's Memory for one draft: unscoped names are `temp`, as in TurnState. */
class DraftMemory implements Memory {
  private readonly values = new Map<string, unknown>();
  deleteValue(name: string): void {
    this.values.delete(key(name));
  }
  hasValue(name: string): boolean {
    return this.values.has(key(name));
  }
  getValue<TValue = unknown>(name: string): TValue {
    return this.values.get(key(name)) as TValue;
  }
  setValue(name: string, value: unknown): void {
    this.values.set(key(name), value);
  }
}

const key = (name: string) => (name.includes('.') ? name : `temp.${name}`);

/**
 * Drafting runs after the HTTP answer, outside any turn, but teams-ai's planner wants a TurnContext. This
 * one belongs to no conversation: the prompt is only rendered and sent to the model, and anything that
 * tries to talk to Teams through it fails loudly.
 */
class OfflineAdapter extends BotAdapter {
  override sendActivities(
    _context: TurnContext,
    _activities: Partial<Activity>[],
  ): Promise<ResourceResponse[]> {
    return Promise.reject(offline());
  }
  override updateActivity(_context: TurnContext, _activity: Partial<Activity>): Promise<void> {
    return Promise.reject(offline());
  }
  override deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
    return Promise.reject(offline());
  }
  override continueConversation(
    _reference: Partial<ConversationReference>,
    _logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    return Promise.reject(offline());
  }
}

const offline = () => new Error('the proposal drafter has no conversation to send to');

function offlineTurn(): TurnContext {
  return new TurnContext(new OfflineAdapter(), {
    type: ActivityTypes.Event,
    name: 'werkplekleren/draftProposal',
    channelId: 'offline',
  });
}
