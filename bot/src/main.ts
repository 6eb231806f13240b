import path from 'node:path';
import pino, { type Logger } from 'pino';
import { createApp } from './app';
import { createBotAdapter } from './bot-adapter';
import { parseConfig, type Config } from './config';
import { randomUUID } from 'node:crypto';
import { ProfessionalService } from './domain/professional.service';
import { CircleService } from './domain/circle.service';
import { CalendarSync } from './domain/calendar-sync.service';
import { CyclePlanner } from './domain/cycle-planner.service';
import { createGraphCalendar } from './integrations/graph-calendar';
import { createGraphDirectory } from './integrations/graph-directory';
import { createBotConnectorSender } from './integrations/bot-connector-delivery';
import { registerCycleJobs } from './features/cycles/cycle-jobs';
import { MongoOutbox } from './store/mongo-outbox';
import { MongoScheduler } from './store/mongo-scheduler';
import { calendarLink, registerCalendarRoutes } from './http/calendar.routes';
import { MongoCyclePlanRepository } from './store/mongo-cycle-plan.repository';
import { MongoMeetingLinkRepository } from './store/mongo-meeting-link.repository';
import { LedgerService } from './domain/ledger.service';
import { TrajectService } from './domain/traject.service';
import { BackgroundWork } from './after-turn';
import { trajectTabLink } from './cards/tab-link';
import { createConversationSender } from './integrations/conversation-sender';
import { createEntraTokenVerifier } from './integrations/entra-token.verifier';
import { createLanguageModel } from './integrations/openai-model';
import { createProposalDrafter } from './integrations/proposal-drafter';
import { SessionService } from './domain/session.service';
import { MongoSessionRepository } from './store/mongo-session.repository';
import { registerSessionJobs } from './features/sessions/session-jobs';
import { registerTalentJobs, type TalentDeps } from './features/talent/talent-jobs';
import { registerRetentionJobs, scheduleRetentionSweep } from './features/retention/retention-jobs';
import { oldestNewJobMs } from './domain/retention';
import { MongoRetention } from './store/mongo-retention';
import { createDataRights } from './data-rights.wiring';
import { TalentCalendar } from './domain/talent-calendar';
import { MongoTalentCalendarRepository } from './store/mongo-talent-calendar.repository';
import { TalentConversationService } from './domain/talent-conversation.service';
import { MongoTalentConversationRepository } from './store/mongo-talent-conversation.repository';
import { loadVideoframes } from './integrations/videoframe-files';
import { startServer, type RunningServer } from './server';
import { registerTabApi } from '../../tab/api/tab-api.routes';
import { ensureIndexes } from './store/collections';
import { connectMongo, type MongoConnection } from './store/mongo';
import { MongoCircleRepository } from './store/mongo-circle.repository';
import { createReadModels } from './store/mongo-read-models';
import { namesAtSend, peopleDirectory, proposalsWithNames } from './domain/people-names';
import { MongoEffectLedger } from './store/mongo-effect-ledger';
import { MongoProfessionalRepository } from './store/mongo-professional.repository';
import { MongoTrajectRepository } from './store/mongo-traject.repository';
import { MongoLedgerRepository } from './store/mongo-ledger.repository';
import { resolveMongo, type ResolvedMongo } from './store/mongo-server.resolver';
import { MongoStorage } from './store/mongo-storage';

/** The repository root, whether this runs from bot/src (tsx) or from dist/bot/src (compiled). */
export const PROJECT_ROOT = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..',
);

/** The longest a directory look-up (a manager on the traject card) may take, retries included. */
const DIRECTORY_TIMEOUT_MS = 5_000;

export interface Service {
  url: string;
  port: number;
  config: Config;
  mongo: MongoConnection;
  stop(): Promise<void>;
}

/** Whether pino-pretty (a development dependency) can be loaded: not in a production install. */
function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat' | 'env'>): Logger {
  // 'auto' is readable in a developer's terminal and JSON everywhere else: in production always (a terminal
  // attached to a container is no reason to change the format), and wherever pino-pretty is not installed.
  const pretty =
    config.logFormat === 'pretty' ||
    (config.logFormat === 'auto' &&
      config.env !== 'production' &&
      process.stdout.isTTY === true &&
      prettyAvailable());
  return pino({
    level: config.logLevel,
    base: { service: 'werkplekleren-plus' },
    // Tokens never reach the logs, whatever a caller passes along.
    redact: {
      paths: ['req.headers.authorization', '*.authorization', '*.token', '*.appPassword'],
      censor: '[redacted]',
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss' },
          },
        }
      : {}),
  });
}

/**
 * Wires config, MongoDB, repositories, services, the teams-ai app and the HTTP server. The only place
 * that knows every part; tests start the real service through it.
 */
export async function startService(config: Config, logger: Logger = createLogger(config)): Promise<Service> {
  let embedded: ResolvedMongo | undefined;
  let mongo: MongoConnection | undefined;
  try {
    let uri = config.mongo.uri;
    if (!uri) {
      embedded = await resolveMongo({
        projectRoot: PROJECT_ROOT,
        ferretdbBin: config.mongo.ferretdbBin,
        searchPath: config.mongo.searchPath,
        dataDir: path.resolve(PROJECT_ROOT, config.mongo.dataDir),
        onProgress: (line) => logger.info(line),
      });
      uri = embedded.uri;
      logger.info({ kind: embedded.kind }, `embedded MongoDB: ${embedded.description}`);
    }
    mongo = await connectMongo(uri, config.mongo.dbName);
    await ensureIndexes(mongo.db);
    const db = mongo.db;

    const clock = () => new Date();
    // Repositories (MongoDB), then the domain services on top of them.
    const effects = new MongoEffectLedger(db);
    const professionalRepository = new MongoProfessionalRepository(db);
    const trajectRepository = new MongoTrajectRepository(db);
    const ledgerRepository = new MongoLedgerRepository(db);
    const storage = new MongoStorage(db);
    const professionals = new ProfessionalService(professionalRepository, effects, {
      defaultLocale: config.defaultLocale,
      clock,
    });
    const trajects = new TrajectService(trajectRepository, { clock, newId: randomUUID });
    const readModels = createReadModels(db);
    const ledger = new LedgerService(ledgerRepository, clock, readModels.proposals);
    const circleRepository = new MongoCircleRepository(db);
    // Proposals as people read them: person tokens shown with today's names (domain/person-ref.ts).
    const people = peopleDirectory(professionalRepository, circleRepository);
    const namedProposals = proposalsWithNames(readModels.proposals, people, config.defaultLocale);
    const sessionRepository = new MongoSessionRepository(db);
    const talentRepository = new MongoTalentConversationRepository(db);
    const circles = new CircleService(circleRepository, {
      clock,
      newId: randomUUID,
      maxCirclesPerMember: config.maxCirclesPerMember,
    });
    const cycleRepository = new MongoCyclePlanRepository(db);
    const planner = new CyclePlanner(cycleRepository, { clock, newId: randomUUID });
    const calendarSync = config.graph
      ? new CalendarSync(cycleRepository, createGraphCalendar(config.graph), {
          organizer: config.graph.organizer,
          clock,
        })
      : undefined;
    if (config.graph)
      logger.info({ organizer: config.graph.organizer }, 'Microsoft Graph calendar configured');
    // Managers from the directory (needs User.Read.All): on whenever Graph is configured.
    // Looked up while someone waits for a card (Teams gives an invoke about 15 seconds): a short bound.
    const directory = config.directory
      ? createGraphDirectory({
          ...config.directory,
          timeoutMs: Math.min(config.directory.timeoutMs, DIRECTORY_TIMEOUT_MS),
        })
      : undefined;
    if (directory) logger.info('Microsoft Graph directory configured (managers)');
    const talentCalendarRepository = new MongoTalentCalendarRepository(db);
    const talentCalendar = config.graph
      ? new TalentCalendar(talentRepository, talentCalendarRepository, createGraphCalendar(config.graph), {
          organizer: config.graph.organizer,
          clock,
        })
      : undefined;
    const meetingLinks = new MongoMeetingLinkRepository(db);
    const adapter = createBotAdapter(config.botAuth);
    // Proactive work: jobs at a time, and one outbox for every card sent outside a turn (rate-limited per
    // tenant and conversation across replicas).
    // Cards wait in the outbox with person tokens; the names go in as each is sent (domain/people-names.ts).
    const cardSender = namesAtSend(
      createBotConnectorSender(adapter, config.botAuth?.appId),
      people,
      config.defaultLocale,
    );
    const outbox = new MongoOutbox(db, cardSender, {
      clock,
      logger: logger.child({ component: 'outbox' }),
      pollIntervalMs: config.outbox.pollIntervalMs,
      leaseMs: config.outbox.leaseMs,
      maxAttempts: config.outbox.maxAttempts,
      retryMaxMs: config.outbox.retryMaxMs,
      rate: {
        perTenantPerSecond: config.outbox.perTenantPerSecond,
        perConversationPerSecond: config.outbox.perConversationPerSecond,
      },
    });
    const scheduler = new MongoScheduler(db, {
      clock,
      logger: logger.child({ component: 'scheduler' }),
      pollIntervalMs: config.scheduler.pollIntervalMs,
      leaseMs: config.scheduler.leaseMs,
      maxAttempts: config.scheduler.maxAttempts,
      // Finished jobs are removed after the retention period: a key that far back may have run already.
      oldestNewJobMs: oldestNewJobMs(config.retention),
    });
    const dataRights = createDataRights(db, config, scheduler, clock, logger.child({ component: 'erasure' }));
    // Videoframes: the shipped ones and the organisation's own, each file checked; a wrong one is refused with
    // its reason in the log and the others are used (the in-meeting sessions of issue 5 choose from these).
    const videoframes = await loadVideoframes([
      path.join(PROJECT_ROOT, 'bot', 'videoframes'),
      ...(config.videoframesDir ? [path.resolve(PROJECT_ROOT, config.videoframesDir)] : []),
    ]);
    for (const refused of videoframes.refused) {
      logger.warn({ file: refused.file, reason: refused.reason }, 'videoframe refused');
    }
    logger.info({ videoframes: videoframes.frames.map((f) => f.id) }, 'videoframes loaded');
    const languageModel = config.ai ? createLanguageModel(config.ai) : undefined;
    if (languageModel)
      logger.info({ provider: config.ai?.provider, model: languageModel.name }, 'AI model configured');
    // The improvement proposal goes through teams-ai's ActionPlanner with the prompt kept in bot/prompts.
    const proposalDrafter = config.ai
      ? createProposalDrafter(config.ai, { promptsFolder: path.join(PROJECT_ROOT, 'bot', 'prompts') })
      : undefined;
    const tabLink = trajectTabLink(config);
    const sessions = new SessionService(sessionRepository, {
      clock,
      newId: randomUUID,
      videoframes: () => videoframes.frames,
      proposals: readModels.proposals,
      ledger,
    });
    const conversations = createConversationSender(adapter, config.botAuth?.appId);
    const sessionDeps = {
      sessions,
      planner,
      videoframes: videoframes.frames,
      proposalDrafter,
      conversations,
      clock,
      logger,
      scheduler,
    };
    registerCycleJobs(scheduler, outbox, {
      ...sessionDeps,
      circles,
      professionals,
      meetingLinks,
      tabLink,
      calendarSync,
    });
    registerSessionJobs(scheduler, sessionDeps);
    const talent: TalentDeps = {
      talents: new TalentConversationService(talentRepository, {
        clock,
        firstAfterMonths: config.talent.firstAfterMonths,
        everyMonths: config.talent.everyMonths,
      }),
      professionals,
      trajects,
      ledger,
      proposals: namedProposals,
      scheduler,
      tabLink,
      clock,
      logger,
      calendar: talentCalendar,
      timing: {
        nudgeDays: config.talent.nudgeDays,
        preparationDays: config.talent.preparationDays,
        reminderAfterWorkingDays: 2,
        dayStart: config.talent.dayStart,
        dayEnd: config.talent.dayEnd,
        defaultTimeZone: 'Europe/Amsterdam',
      },
    };
    // Their cards wait in the outbox: proposal titles stay as stored (person tokens), the sender names them.
    registerTalentJobs(scheduler, outbox, { ...talent, proposals: readModels.proposals });
    const retentionLogger = logger.child({ component: 'retention' });
    registerRetentionJobs(
      scheduler,
      new MongoRetention(db, { policy: config.retention, logger: retentionLogger }),
      { clock, logger: retentionLogger },
    );
    const app = createApp({
      adapter,
      storage,
      deps: {
        logger,
        defaultLocale: config.defaultLocale,
        professionals,
        trajects,
        ledger,
        circles,
        planner,
        meetingLinks,
        scheduler,
        calendarSync,
        calendarLink: (cycle, locale) =>
          calendarLink(
            { publicUrl: config.publicUrl, secret: config.linkSigningSecret, clock },
            cycle,
            locale,
          ),
        newId: randomUUID,
        effects,
        clock,
        peoplePicker: config.botAuth !== undefined,
        directory,
        languageModel,
        conversations,
        tabLink,
        sessions,
        videoframes: videoframes.frames,
        proposalDrafter,
        talent,
      },
    });

    const connection = mongo;
    const server: RunningServer = await startServer(
      {
        adapter,
        app,
        logger,
        bodyLimitBytes: config.bodyLimitBytes,
        isReady: () => connection.ping(),
        background: new BackgroundWork(logger),
        extraRoutes: [
          (s) => registerCalendarRoutes(s, { planner, secret: config.linkSigningSecret, clock, logger }),
          (s) =>
            registerTabApi(s, {
              logger,
              professionals,
              trajects,
              ledger,
              dataRights,
              verifyToken: config.tab.ssoAudiences
                ? createEntraTokenVerifier({
                    jwksUrl: config.tab.jwksUrl,
                    audiences: config.tab.ssoAudiences,
                  })
                : undefined,
              devMode: config.tab.devMode,
              ...readModels,
              proposals: namedProposals,
              meeting: {
                sessions,
                planner,
                clock,
                meetingLinks,
                circles,
                videoframes: videoframes.frames,
                proposalDrafter,
              },
              talent: {
                conversations: talent.talents,
                outbox,
                nudgeDays: config.talent.nudgeDays,
                clock,
                calendar: talentCalendar,
              },
            }),
        ],
        tabDirectory: path.join(PROJECT_ROOT, 'dist', 'tab-web'),
      },
      config.host,
      config.port,
    );
    // Every replica schedules the next sweep; the key makes it one job, run once.
    await scheduleRetentionSweep(scheduler, clock());
    scheduler.start();
    outbox.start();
    logger.info(
      { url: server.url, auth: config.botAuth ? config.botAuth.appType : 'local (unauthenticated)' },
      'Werkplekleren+ is listening',
    );

    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      port: server.port,
      config,
      mongo: connection,
      stop() {
        stopping ??= (async () => {
          // Stop taking new work, let what runs finish (turns, jobs, sends), then close the database.
          await Promise.all([
            server.close(config.shutdownTimeoutMs),
            scheduler.stop(config.shutdownTimeoutMs),
            outbox.stop(config.shutdownTimeoutMs),
          ]);
          await connection.close();
          await embedded?.stop();
          logger.info('stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await mongo?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}

async function main(): Promise<void> {
  // A local .env is a convenience for `npm start`; real deployments set the environment.
  (await import('dotenv')).config({ path: path.join(PROJECT_ROOT, '.env'), quiet: true });
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  let service: Service;
  try {
    service = await startService(config, logger);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'MONGO_SERVER_UNAVAILABLE' || code === 'DATA_DIR_IN_USE') {
      process.stderr.write(`\n${(err as Error).message}\n\n`);
    } else if (code === 'EADDRINUSE') {
      process.stderr.write(
        `\nPort ${config.port} on ${config.host} is already in use: is Werkplekleren+ already running? ` +
          `Stop it, or start this one with another PORT.\n\n`,
      );
    } else {
      logger.fatal({ err }, 'start failed');
    }
    process.exit(1);
  }

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) {
  void main();
}
