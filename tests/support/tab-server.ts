import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Db } from 'mongodb';
import pino from 'pino';
import restify from 'restify';
import { DataRightsService } from '../../bot/src/domain/data-rights.service';
import { LedgerService } from '../../bot/src/domain/ledger.service';
import { ProfessionalService } from '../../bot/src/domain/professional.service';
import { TrajectService } from '../../bot/src/domain/traject.service';
import { createEntraTokenVerifier } from '../../bot/src/integrations/entra-token.verifier';
import { MongoEffectLedger } from '../../bot/src/store/mongo-effect-ledger';
import { MongoLedgerRepository } from '../../bot/src/store/mongo-ledger.repository';
import { MongoProfessionalRepository } from '../../bot/src/store/mongo-professional.repository';
import { createReadModels } from '../../bot/src/store/mongo-read-models';
import { MongoStorage } from '../../bot/src/store/mongo-storage';
import { MongoTrajectRepository } from '../../bot/src/store/mongo-traject.repository';
import { registerTabApi } from '../../tab/api/tab-api.routes';

export interface TabServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * The tab's half of the service (its API and its built page under /tab/) on a given database, composed
 * from the real repositories and services the way bot/src/main.ts composes them, plus the read models of
 * cycles and proposals (bot/src/store/mongo-read-models.ts). main.ts does not wire those yet; until it
 * does, tests of what they add run here, next to the real service on the same database. Once wired, use
 * the service's own URL instead.
 */
export async function startTabServer(
  db: Db,
  options: { devMode?: boolean; sso?: { jwksUrl: string; audiences: string[] } } = {},
): Promise<TabServer> {
  const clock = () => new Date();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const effects = new MongoEffectLedger(db);
  const professionalRepository = new MongoProfessionalRepository(db);
  const trajectRepository = new MongoTrajectRepository(db);
  const ledgerRepository = new MongoLedgerRepository(db);
  const readModels = createReadModels(db);
  const ledger = new LedgerService(ledgerRepository, clock, readModels.proposals);
  const server = restify.createServer({ name: 'tab-test', handleUncaughtExceptions: false });
  registerTabApi(server, {
    logger,
    professionals: new ProfessionalService(professionalRepository, effects, { defaultLocale: 'nl', clock }),
    trajects: new TrajectService(trajectRepository, { clock, newId: randomUUID }),
    ledger,
    dataRights: new DataRightsService({
      professionals: professionalRepository,
      trajects: trajectRepository,
      ledger: ledgerRepository,
      effects,
      turnState: new MongoStorage(db),
      clock,
      ...readModels,
    }),
    verifyToken: options.sso ? createEntraTokenVerifier(options.sso) : undefined,
    devMode: options.devMode ?? false,
    ...readModels,
  });
  const tabDirectory = path.resolve(__dirname, '..', '..', 'dist', 'tab-web');
  server.get('/tab/*', restify.plugins.serveStaticFiles(tabDirectory));
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.server.closeAllConnections?.();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
    },
  };
}
