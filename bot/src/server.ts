import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import restify, { type Request, type Response } from 'restify';
import { z } from 'zod/v4';
import { BackgroundWork, takeAfterTurn, type AfterTurnTask } from './after-turn';
import type { BotAdapter } from './bot-adapter';
import { attachLogger, meetingIdOf } from './features/shared/activity';

export interface ServerParts {
  adapter: BotAdapter;
  app: Application<TurnState>;
  logger: Logger;
  bodyLimitBytes: number;
  /** True once MongoDB answers and the indexes are made. */
  isReady: () => Promise<boolean>;
  /** More routes (the tab's JSON API), registered after the bot's. */
  extraRoutes?: ((server: restify.Server) => void)[];
  /** The built tab page (dist/tab-web); served under /tab/ when it exists. */
  tabDirectory?: string;
  /** Where work that follows a turn runs (see after-turn.ts); the server waits for it at shutdown. */
  background?: BackgroundWork;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stop accepting, let turns in flight finish (up to timeoutMs), then close the listener. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * The minimum an activity needs before the adapter may see it. Everything else passes through:
 * Teams adds fields over time and the adapter and teams-ai read what they know.
 */
const channelAccount = z.looseObject({
  id: z.string().min(1).max(1024),
  name: z.string().max(1024).optional(),
  aadObjectId: z.string().max(128).optional(),
});

const activitySchema = z.looseObject({
  type: z.string().min(1).max(100),
  id: z.string().max(1024).optional(),
  channelId: z.string().min(1).max(100),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  conversation: z.looseObject({
    id: z.string().min(1).max(1024),
    conversationType: z.string().max(100).optional(),
    tenantId: z.string().max(128).optional(),
  }),
  from: channelAccount.nullish(),
  recipient: channelAccount.nullish(),
  // The fields below are read by our handlers or teams-ai; a wrong shape is refused here rather than
  // failing somewhere inside the turn.
  text: z.string().nullish(),
  locale: z.string().max(100).nullish(),
  action: z.string().max(100).nullish(),
  entities: z
    .array(z.looseObject({ type: z.string().max(100) }))
    .max(100)
    .nullish(),
  membersAdded: z.array(channelAccount).max(1000).nullish(),
  membersRemoved: z.array(channelAccount).max(1000).nullish(),
  attachments: z
    .array(z.looseObject({ contentType: z.string().max(256) }))
    .max(50)
    .nullish(),
  channelData: z.looseObject({}).nullish(),
});

interface ErrorBody {
  error: { code: string; message: string };
}

const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });

export async function startServer(parts: ServerParts, host: string, port: number): Promise<RunningServer> {
  const { adapter, app, logger } = parts;
  const server = restify.createServer({ name: 'werkplekleren-plus', handleUncaughtExceptions: false });
  const inFlight = new Set<Promise<unknown>>();
  const background = parts.background ?? new BackgroundWork(logger);
  let closing = false;

  // Every restify error (413 from the body reader, 400 for bad JSON, 404, 405) leaves as the same JSON shape.
  server.on(
    'restifyError',
    (req: Request, res: Response, err: Error & { body?: unknown }, callback: () => void) => {
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      const code = restifyErrorCode(status, err);
      (err as unknown as { toJSON: () => ErrorBody }).toJSON = () =>
        errorBody(code, status >= 500 ? 'Internal error' : err.message || code);
      if (status >= 500) logger.error({ err, path: req.path() }, 'request failed');
      callback();
    },
  );

  // restify 11 wants handlers either async with (req, res) or callback-style with (req, res, next).
  server.get('/healthz', (_req: Request, res: Response, next: restify.Next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    const ready = !closing && (await parts.isReady().catch(() => false));
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : closing ? 'shutting-down' : 'not-ready' });
  });

  server.post(
    '/api/messages',
    restify.plugins.bodyParser({ maxBodySize: parts.bodyLimitBytes, mapParams: false, rejectUnknown: true }),
    async (req: Request, res: Response) => {
      if (closing) {
        res.send(503, errorBody('SHUTTING_DOWN', 'The service is shutting down; retry on another instance'));
        return;
      }
      if (!req.is('json')) {
        res.send(415, errorBody('UNSUPPORTED_MEDIA_TYPE', 'Send the activity as application/json'));
        return;
      }
      const parsed = activitySchema.safeParse(req.body);
      if (!parsed.success) {
        const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(body)'))];
        res.send(400, errorBody('INVALID_ACTIVITY', `Not a valid activity: check ${fields.join(', ')}`));
        return;
      }
      const activity = parsed.data as unknown as Activity;
      const log = logger.child({
        activityId: activity.id,
        activityType: activity.type,
        conversationId: activity.conversation.id,
        meetingId: meetingIdOf(activity),
        channelId: activity.channelId,
      });
      const started = Date.now();
      const work = processActivity(adapter, app, log, req.header('authorization') ?? '', activity);
      inFlight.add(work);
      try {
        const { status, body, after } = await work;
        log.info({ status, ms: Date.now() - started }, 'activity handled');
        if (body === undefined) res.send(status);
        else res.send(status, body);
        // Only now that Teams has its answer may follow-up work (e.g. a card update) start.
        background.start(after, log);
      } finally {
        inFlight.delete(work);
      }
    },
  );

  for (const register of parts.extraRoutes ?? []) register(server);

  if (parts.tabDirectory && existsSync(parts.tabDirectory)) {
    server.get('/tab', (_req, res, next) => {
      res.redirect(301, '/tab/', next);
    });
    server.get('/tab/*', restify.plugins.serveStaticFiles(parts.tabDirectory));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    async close(timeoutMs: number) {
      if (closing) return;
      closing = true;
      const stopped = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      const deadline = Date.now() + timeoutMs;
      const drained = Promise.allSettled([...inFlight]);
      const timedOut = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), timeoutMs).unref(),
      );
      if ((await Promise.race([drained, timedOut])) === 'timeout') {
        logger.warn({ inFlight: inFlight.size }, 'shutdown timeout: turns still in flight are abandoned');
      }
      // Turns that ended may have started follow-up work; it gets what is left of the time.
      if (!(await background.drain(Math.max(0, deadline - Date.now())))) {
        logger.warn({ background: background.size }, 'shutdown timeout: background work is abandoned');
      }
      // Idle keep-alive connections would hold server.close() open for minutes.
      server.server.closeIdleConnections?.();
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      server.server.closeAllConnections?.();
    },
  };
}

interface TurnOutcome {
  status: number;
  body: unknown;
  after: AfterTurnTask[];
}

async function processActivity(
  adapter: BotAdapter,
  app: Application<TurnState>,
  log: Logger,
  authHeader: string,
  activity: Activity,
): Promise<TurnOutcome> {
  try {
    let after: AfterTurnTask[] = [];
    const invokeResponse = await adapter.handleActivity(authHeader, activity, async (context) => {
      attachLogger(context, log);
      try {
        await app.run(context);
      } finally {
        after = takeAfterTurn(context);
      }
    });
    return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body, after };
  } catch (err) {
    const statusCode = (err as { statusCode?: unknown }).statusCode;
    if (statusCode === 401 || statusCode === 403) {
      // Never say why in detail: it would help someone probe the token validation.
      log.warn({ statusCode }, 'activity refused: channel authentication failed');
      return {
        status: 401,
        body: errorBody('UNAUTHORIZED', 'The activity is not signed by the Bot Framework'),
        after: [],
      };
    }
    log.error({ err }, 'activity processing failed');
    return { status: 500, body: errorBody('INTERNAL', 'Internal error'), after: [] };
  }
}

function restifyErrorCode(status: number, err: Error): string {
  switch (status) {
    case 400:
      return err.name === 'InvalidContentError' ? 'INVALID_JSON' : 'BAD_REQUEST';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}
