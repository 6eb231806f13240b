import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../config';
import { createDataRights } from '../data-rights.wiring';
import { PROJECT_ROOT } from '../main';
import { ensureIndexes } from '../store/collections';
import { connectMongo } from '../store/mongo';
import { MongoScheduler } from '../store/mongo-scheduler';

/**
 * The right to erasure for someone who can no longer use the tab (they left, their Teams account is gone):
 * an administrator erases all their data, exactly as the tab's "delete my data" does.
 *
 *   npm run erase-person -- <tenantId> <aadObjectId> --confirm <tenantId>:<aadObjectId>
 *
 * Runs against the service's own database (MONGODB_URI and MONGODB_DB, from the environment or `.env`); the
 * embedded database of a local run belongs to the running service, so it is refused. Prints what was erased
 * as JSON. Safe to run again: a second run erases nothing more. Exit codes: 0 done, 2 wrong use, 1 failure.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USAGE =
  'Usage: npm run erase-person -- <tenantId> <aadObjectId> --confirm <tenantId>:<aadObjectId>\n' +
  'Erases everything Werkplekleren+ holds about one person (as "delete my data" in the tab does).';

function refuse(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<void> {
  const positional = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--confirm');
  const confirmAt = argv.indexOf('--confirm');
  const confirm = confirmAt >= 0 ? argv[confirmAt + 1] : undefined;
  const [tenantId, aadObjectId] = positional;
  if (positional.length !== 2 || !tenantId || !aadObjectId) refuse('Give the tenant id and the person’s id.');
  if (!GUID.test(tenantId)) refuse(`The tenant id should be a GUID (got "${tenantId}").`);
  if (!GUID.test(aadObjectId))
    refuse(`The person's id should be their Entra object id, a GUID (got "${aadObjectId}").`);
  if (confirm !== `${tenantId}:${aadObjectId}`)
    refuse(
      'Nothing was erased: repeat the tenant id and the person’s id as --confirm <tenantId>:<aadObjectId>.',
    );

  (await import('dotenv')).config({ path: path.join(PROJECT_ROOT, '.env'), quiet: true });
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    refuse((err as Error).message);
  }
  if (!config.mongo.uri)
    refuse(
      'Set MONGODB_URI to the service’s database (the embedded one of a local run belongs to the service).',
    );

  const logger = pino({ level: 'warn', base: { service: 'werkplekleren-plus', command: 'erase-person' } });
  const mongo = await connectMongo(config.mongo.uri, config.mongo.dbName, 'werkplekleren-plus-admin');
  try {
    await ensureIndexes(mongo.db);
    // Only to schedule the cancellation of calendar events; the service's replicas run it.
    const scheduler = new MongoScheduler(mongo.db, {
      logger,
      pollIntervalMs: config.scheduler.pollIntervalMs,
      leaseMs: config.scheduler.leaseMs,
      maxAttempts: config.scheduler.maxAttempts,
    });
    const erased = await createDataRights(mongo.db, config, scheduler).erase({ tenantId, aadObjectId });
    process.stdout.write(`${JSON.stringify({ tenantId, aadObjectId, erased }, null, 2)}\n`);
  } finally {
    await mongo.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`Erasure failed (run it again once the cause is fixed): ${(err as Error).message}\n`);
  process.exit(1);
});
