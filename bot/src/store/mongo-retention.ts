import type { Collection, Db, Document, Filter } from 'mongodb';
import type { Logger } from 'pino';
import type {
  RetentionCounts,
  RetentionPolicy,
  RetentionReport,
  RetentionSweeper,
} from '../domain/retention';
import { COLLECTIONS } from './collections';
import { MongoClaims, type ClaimDocument } from './mongo-claims';
import { MongoSessionRepository } from './mongo-session.repository';
import { MongoStorage } from './mongo-storage';
import { newOwnerId, silentLogger } from './polling-loop';

/*
 * The retention sweep on MongoDB. Every kind of record is found by a filter that only a finished record
 * matches, read a batch at a time (`_id`s only) and removed by those `_id`s with the same filter again, so a
 * record that came back to life in between is left alone. The batches are bounded (documents per delete,
 * deletes per kind per run): on FerretDB every one of these filters is a scan of its collection, and the
 * job runs beside live traffic. What is left over is reported as `more`; the job then runs again soon.
 *
 * What counts as finished, and why that is safe:
 * - deliveries: sent, failed, unreachable or uncertain (the outbox never touches those again), and the
 *   effects claimed in a turn (mongo-effect-ledger.ts: status sent, no finishedAt). Pending ones are live.
 * - jobs: done or failed (no schedule or cancel changes them), and cancelled ones, which `schedule` may bring
 *   back: those are claimed first (mongo-claims.ts), so a reschedule at that moment waits and then creates
 *   the job anew instead of losing it. Scheduled ones (also while running or waiting for a retry) are live.
 * - claims: settled, or with a lease that ended more than the period ago. The scheduler and the outbox purge
 *   their claims after 7 days already (the claim protocol's own housekeeping, kept as it is); this is the
 *   bound retention promises, whatever those are set to.
 * - botState: see MongoStorage.expire.
 * - sessionEvents: see MongoSessionRepository.finalise; a session counts as over when it closed, or, never
 *   closed (Teams' meeting end did not come and nobody closed it), when it was opened.
 */

export interface MongoRetentionOptions {
  policy: RetentionPolicy;
  /** The most documents one delete removes. */
  batchSize?: number;
  /** Batches (deletes, or pages of candidates) per kind of record per run. */
  maxBatches?: number;
  logger?: Logger;
  owner?: string;
}

const DAY_MS = 86_400_000;
const FINISHED_DELIVERY = ['sent', 'failed', 'unreachable', 'uncertain'];
/** Long enough to remove one cancelled job; a schedule of that key meanwhile waits for it. */
const REMOVAL_LEASE_MS = 60_000;

interface Pass {
  removed: number;
  more: boolean;
}

export class MongoRetention implements RetentionSweeper {
  private readonly batchSize: number;
  private readonly maxBatches: number;
  private readonly logger: Logger;
  private readonly owner: string;
  private readonly sessions: MongoSessionRepository;
  private readonly storage: MongoStorage;
  private readonly jobClaims: MongoClaims;

  constructor(
    private readonly db: Db,
    private readonly options: MongoRetentionOptions,
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.maxBatches = options.maxBatches ?? 10;
    this.logger = options.logger ?? silentLogger();
    this.owner = options.owner ?? newOwnerId();
    this.sessions = new MongoSessionRepository(db);
    this.storage = new MongoStorage(db);
    this.jobClaims = new MongoClaims(db, 'job');
  }

  async sweep(now: Date): Promise<RetentionReport> {
    const { recordsDays, sessionEventsDays } = this.options.policy;
    const before = new Date(now.getTime() - recordsDays * DAY_MS);
    const sessionsBefore = new Date(now.getTime() - sessionEventsDays * DAY_MS);
    const deliveries = await this.removeMatching(COLLECTIONS.deliveries, {
      $or: [
        { status: { $in: FINISHED_DELIVERY }, finishedAt: { $lt: before } },
        { status: 'sent', finishedAt: { $exists: false }, createdAt: { $lt: before } },
      ],
    });
    const jobs = await this.removeJobs(now, before);
    const claims = await this.removeMatching(COLLECTIONS.claims, {
      createdAt: { $lt: before },
      $or: [{ outcome: { $exists: true } }, { leaseUntil: { $lt: before } }],
    } satisfies Filter<ClaimDocument>);
    const botState = await this.expireBotState(before);
    const events = await this.finaliseSessions(now, sessionsBefore);
    const removed: RetentionCounts = {
      deliveries: deliveries.removed,
      jobs: jobs.removed,
      claims: claims.removed,
      botStateRevisions: botState.revisions,
      botStateItems: botState.items,
      sessionsFinalised: events.sessions,
      sessionEvents: events.removed,
    };
    return {
      removed,
      more: [deliveries, jobs, claims, botState, events].some((pass) => pass.more),
    };
  }

  /** Removes the documents `filter` matches, a batch per delete. */
  private async removeMatching(collection: string, filter: Filter<Document>): Promise<Pass> {
    const records = this.db.collection(collection);
    let removed = 0;
    for (let batch = 0; batch < this.maxBatches; batch++) {
      const ids = await this.idsOf(records, filter);
      if (ids.length === 0) return { removed, more: false };
      const batch: Filter<Document> = { $and: [{ _id: { $in: ids } }, filter] };
      removed += (await records.deleteMany(batch)).deletedCount;
      if (ids.length < this.batchSize) return { removed, more: false };
    }
    return { removed, more: true };
  }

  private async removeJobs(now: Date, before: Date): Promise<Pass> {
    const jobs = this.db.collection<{ _id: string; status: string; seq: number }>(COLLECTIONS.jobs);
    const over = { status: { $in: ['done', 'failed'] }, finishedAt: { $lt: before } };
    const pass = await this.removeMatching(COLLECTIONS.jobs, over);
    let removed = pass.removed;
    const cancelled = { status: 'cancelled', finishedAt: { $lt: before } };
    for (let batch = 0; batch < this.maxBatches; batch++) {
      const found = await jobs
        .find(cancelled, { projection: { _id: 1, seq: 1, status: 1 } })
        .limit(this.batchSize)
        .toArray();
      for (const job of found) {
        const claim = await this.jobClaims.claimNext(job._id, job.seq, {
          owner: this.owner,
          leaseMs: REMOVAL_LEASE_MS,
          now,
          stillAt: async (seq) => {
            const current = await jobs.findOne({ _id: job._id });
            return current?.seq === seq && current.status === 'cancelled';
          },
        });
        // Claimed by a schedule or cancel under way: it is not ours to remove now.
        if (!claim) continue;
        removed += (await jobs.deleteOne({ _id: job._id, ...cancelled })).deletedCount;
        await claim.finish('removed');
      }
      if (found.length < this.batchSize) return { removed, more: pass.more };
    }
    return { removed, more: true };
  }

  private async expireBotState(before: Date): Promise<Pass & { revisions: number; items: number }> {
    const state = this.db.collection<{ _id: string; key: string }>(COLLECTIONS.botState);
    let revisions = 0;
    let items = 0;
    let after = '';
    for (let batch = 0; batch < this.maxBatches; batch++) {
      // Pages by _id: a revision that is kept (the head of a live item) is not read again in this run.
      const found = await state
        .find({ _id: { $gt: after }, writtenAt: { $lt: before } }, { projection: { _id: 1, key: 1 } })
        .sort({ _id: 1 })
        .limit(this.batchSize)
        .toArray();
      for (const key of new Set(found.map((r) => r.key))) {
        try {
          const expired = await this.storage.expire(key, before, this.batchSize);
          revisions += expired.revisions;
          if (expired.item) items += 1;
        } catch (err) {
          // One item that cannot be read must not stop the sweep of the others.
          this.logger.warn({ err }, 'retention: a turn-state item could not be expired');
        }
      }
      if (found.length < this.batchSize) {
        return { removed: revisions, revisions, items, more: false };
      }
      after = found[found.length - 1]!._id;
    }
    return { removed: revisions, revisions, items, more: true };
  }

  private async finaliseSessions(now: Date, before: Date): Promise<Pass & { sessions: number }> {
    const snapshots = this.db.collection<{
      _id: string;
      state: { openedAt: string; closed?: { at: string } };
    }>(COLLECTIONS.sessions);
    const budget = this.batchSize * this.maxBatches;
    let removed = 0;
    let sessions = 0;
    let after = '';
    for (let batch = 0; batch < this.maxBatches; batch++) {
      // Opened before the period (a session closed since then is over no later); the events of those
      // already finalised are gone, unless a newer snapshot cleared `eventsRemovedAt` (events came after).
      const found = await snapshots
        .find(
          {
            _id: { $gt: after },
            'state.openedAt': { $lt: before.toISOString() },
            eventsRemovedAt: { $exists: false },
          },
          { projection: { _id: 1 } },
        )
        .sort({ _id: 1 })
        .limit(this.batchSize)
        .toArray();
      for (const { _id } of found) {
        if (removed >= budget) return { removed, sessions, more: true };
        const events = await this.sessions.finalise(_id, now, this.batchSize, before);
        if (events === undefined) continue;
        sessions += 1;
        removed += events;
      }
      if (found.length < this.batchSize) return { removed, sessions, more: false };
      after = found[found.length - 1]!._id;
    }
    return { removed, sessions, more: true };
  }

  private async idsOf(records: Collection, filter: Filter<Document>): Promise<Document['_id'][]> {
    const found = await records
      .find(filter, { projection: { _id: 1 } })
      .limit(this.batchSize)
      .toArray();
    return found.map((r) => r._id);
  }
}
