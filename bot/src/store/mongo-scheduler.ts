import type { Collection, Db } from 'mongodb';
import type { Logger } from 'pino';
import type {
  CancelResult,
  JobData,
  JobHandler,
  JobRequest,
  JobState,
  JobStatus,
  ScheduleResult,
  Scheduler,
} from '../domain/jobs';
import { COLLECTIONS } from './collections';
import { MongoClaims, type Claim } from './mongo-claims';
import { isDuplicateKeyError } from './mongo-errors';
import { backoffMs, definedOnly, errorCode, newOwnerId, PollingLoop, silentLogger } from './polling-loop';

/*
 * Why not agenda. The issue asks for a maintained MongoDB job scheduler where one fits; agenda 6 with
 * @agendajs/mongo-backend 4 is the obvious one, and it does not fit here:
 * - it locks a job with `findOneAndUpdate({ lockedAt: null, ... })`. FerretDB 1.24 (our embedded database
 *   for local runs and tests) runs that as "query, then write by _id", not atomically, so two replicas can
 *   both lock and run the same job: the one guarantee we need ("runs once however many replicas") would hold
 *   on Atlas but not on the database the tests and local runs use;
 * - both packages are ESM-only, which jest's CommonJS loader (ts-jest) cannot require, so the real scheduler
 *   could not run in our tests.
 * This scheduler claims each run by inserting a claim document with a unique `_id` (mongo-claims.ts), the
 * one write that is atomic on every MongoDB-protocol server we deploy to, and writes the job's state after.
 */

interface JobDocument {
  _id: string;
  key: string;
  name: string;
  data: JobData;
  runAt: Date;
  status: JobStatus;
  /** The last claim whose result this document holds (see mongo-claims.ts). */
  seq: number;
  attempts: number;
  lastError?: string;
  /** Until when a replica runs it: only a hint that spares other replicas a claim attempt. */
  leaseUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
}

export interface MongoSchedulerOptions {
  /** How often each replica looks for due jobs; 15 s unless set. */
  pollIntervalMs?: number;
  /** How long a claimed run is exclusive without renewal; renewed every third of it while the handler runs. */
  leaseMs?: number;
  /** Jobs run at once by this replica. */
  concurrency?: number;
  /** Due jobs read per poll. */
  batchSize?: number;
  /** Runs of a job before it is `failed` (a run whose replica died counts). */
  maxAttempts?: number;
  /** Backoff after a failed run: exponential from this, with jitter, at most retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Claims older than this are removed (hourly); far longer than any lease. */
  claimRetentionMs?: number;
  /**
   * A new job whose runAt lies further back than this is not created (`schedule` answers `finished`):
   * retention removes finished jobs, and a key runs at most once (see domain/retention.ts). Unset: no limit.
   */
  oldestNewJobMs?: number;
  clock?: () => Date;
  logger?: Logger;
  owner?: string;
}

const DEFAULTS = {
  pollIntervalMs: 15_000,
  leaseMs: 60_000,
  concurrency: 4,
  batchSize: 20,
  maxAttempts: 5,
  retryBaseMs: 10_000,
  retryMaxMs: 10 * 60_000,
  claimRetentionMs: 7 * 24 * 3_600_000,
};

const PURGE_EVERY_MS = 3_600_000;
/** Attempts of schedule/cancel to get past a concurrent change before answering `running`. */
const CHANGE_TRIES = 5;

/**
 * Jobs in MongoDB, run once across replicas: `schedule` is idempotent by key, `register` names handlers,
 * `start` polls, `stop` waits for running handlers. See mongo-claims.ts for the claim protocol.
 */
export class MongoScheduler implements Scheduler {
  private readonly jobs: Collection<JobDocument>;
  private readonly claims: MongoClaims;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly runningKeys = new Set<string>();
  private readonly options: typeof DEFAULTS;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly owner: string;
  private readonly loop: PollingLoop;
  private readonly oldestNewJobMs: number | undefined;
  private lastPurge = 0;

  constructor(db: Db, options: MongoSchedulerOptions = {}) {
    this.jobs = db.collection<JobDocument>(COLLECTIONS.jobs);
    this.claims = new MongoClaims(db, 'job');
    const { oldestNewJobMs, ...rest } = options;
    this.options = { ...DEFAULTS, ...definedOnly(rest) };
    this.oldestNewJobMs = oldestNewJobMs;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silentLogger();
    this.owner = options.owner ?? newOwnerId();
    this.loop = new PollingLoop(
      {
        pollIntervalMs: this.options.pollIntervalMs,
        concurrency: this.options.concurrency,
        logger: this.logger,
        name: 'scheduler',
      },
      (free, run) => this.poll(free, run),
    );
  }

  /** The handler of jobs named `name`; a replica leaves jobs whose name it has no handler for to others. */
  register<D extends JobData>(name: string, handler: JobHandler<D>): void {
    if (this.handlers.has(name)) throw new Error(`a handler for job '${name}' is registered already`);
    this.handlers.set(name, handler as JobHandler);
  }

  start(): void {
    this.loop.start();
  }

  /** Stops polling and waits up to `timeoutMs` for running handlers; false when some still ran then. */
  stop(timeoutMs = 10_000): Promise<boolean> {
    return this.loop.stop(timeoutMs);
  }

  async schedule<D extends JobData>(request: JobRequest<D>): Promise<ScheduleResult> {
    if (!request.key) throw new Error('a job needs a key');
    if (Number.isNaN(request.runAt.getTime())) throw new Error('a job needs a valid runAt');
    const data: JobData = request.data ?? {};
    const now = this.clock();
    const tooOld =
      this.oldestNewJobMs !== undefined && request.runAt.getTime() < now.getTime() - this.oldestNewJobMs;
    if (!tooOld) {
      try {
        await this.jobs.insertOne({
          _id: request.key,
          key: request.key,
          name: request.name,
          data,
          runAt: request.runAt,
          status: 'scheduled',
          seq: 0,
          attempts: 0,
          createdAt: now,
          updatedAt: now,
        });
        if (request.runAt.getTime() <= now.getTime()) this.loop.wake();
        return 'created';
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    const result = await this.change(request.key, (job) => {
      if (job.status === 'done' || job.status === 'failed') return 'finished';
      const same =
        job.status === 'scheduled' &&
        job.name === request.name &&
        job.runAt.getTime() === request.runAt.getTime() &&
        JSON.stringify(job.data) === JSON.stringify(data);
      if (same) return 'unchanged';
      return {
        result: 'rescheduled',
        set: {
          name: request.name,
          data,
          runAt: request.runAt,
          status: 'scheduled',
          attempts: 0,
        },
        unset: { lastError: '', finishedAt: '', leaseUntil: '' },
      };
    });
    if (result === 'not_found' && tooOld) {
      // Its record may have been removed by retention after it ran: a key runs at most once.
      this.logger.warn(
        { job: request.key, jobName: request.name },
        'job not scheduled: its time is long past',
      );
      return 'finished';
    }
    // Removed between our insert and our read (the right to erasure): schedule it anew.
    return result === 'not_found' ? this.schedule(request) : result;
  }

  async cancel(key: string): Promise<CancelResult> {
    return this.change<CancelResult>(key, (job) => {
      if (job.status === 'done' || job.status === 'failed') return 'finished';
      if (job.status === 'cancelled') return 'cancelled';
      return { result: 'cancelled', set: { status: 'cancelled', finishedAt: this.clock() }, unset: {} };
    });
  }

  async get(key: string): Promise<JobState | undefined> {
    const job = await this.jobs.findOne({ _id: key });
    return job ? toState(job) : undefined;
  }

  /**
   * Changes a job that is not running: claims its next run number first, so no replica starts it meanwhile
   * and a run under way is never overwritten.
   */
  private async change<R extends string>(
    key: string,
    decide: (
      job: JobDocument,
    ) => R | { result: R; set: Partial<JobDocument>; unset: Partial<Record<keyof JobDocument, ''>> },
  ): Promise<R | 'running' | 'not_found'> {
    for (let i = 0; i < CHANGE_TRIES; i += 1) {
      const job = await this.jobs.findOne({ _id: key });
      if (!job) return 'not_found';
      const decision = decide(job);
      if (typeof decision === 'string') return decision;
      const claimed = await this.claim(job);
      if (!claimed) {
        const now = await this.jobs.findOne({ _id: key });
        if (now && now.seq === job.seq) {
          // Someone holds the next run: a handler under way (or a concurrent change); let it be.
          if (i === CHANGE_TRIES - 1) return 'running';
          await sleep(50 * (i + 1));
        }
        continue;
      }
      const updated = await this.jobs.updateOne(
        { _id: key, seq: job.seq },
        {
          $set: { ...decision.set, seq: claimed.seq, updatedAt: this.clock() },
          ...(Object.keys(decision.unset).length > 0 ? { $unset: decision.unset } : {}),
        },
      );
      await claimed.finish(decision.result);
      if (updated.matchedCount === 0) continue;
      if (decision.set.status === 'scheduled') this.loop.wake();
      return decision.result;
    }
    return 'running';
  }

  private claim(job: JobDocument): Promise<Claim | undefined> {
    return this.claims.claimNext(job._id, job.seq, {
      owner: this.owner,
      leaseMs: this.options.leaseMs,
      now: this.clock(),
      stillAt: async (seq) => {
        const current = await this.jobs.findOne({ _id: job._id });
        return current !== null && current.seq === seq && current.status === job.status;
      },
    });
  }

  private async poll(free: () => number, run: (work: () => Promise<void>) => void): Promise<boolean> {
    const now = this.clock();
    await this.purgeClaims(now);
    if (free() <= 0) return true;
    const due = await this.jobs
      .find({ status: 'scheduled', runAt: { $lte: now } })
      .sort({ runAt: 1 })
      .limit(this.options.batchSize)
      .toArray();
    const candidates = shuffle(
      due.filter(
        (job) =>
          this.handlers.has(job.name) &&
          !this.runningKeys.has(job._id) &&
          !(job.leaseUntil && job.leaseUntil.getTime() > now.getTime()),
      ),
    );
    let left = candidates.length;
    for (const job of candidates) {
      if (free() <= 0) return true;
      left -= 1;
      const claimed = await this.claim(job);
      if (!claimed) continue;
      this.runningKeys.add(job._id);
      run(() => this.runClaimed(job, claimed).finally(() => this.runningKeys.delete(job._id)));
    }
    return left > 0 || due.length === this.options.batchSize;
  }

  private async runClaimed(job: JobDocument, claimed: Claim): Promise<void> {
    const attempt = job.attempts + claimed.abandoned.length + 1;
    const log = this.logger.child({ job: job._id, jobName: job.name, attempt });
    if (claimed.abandoned.length > 0) log.warn({ takenOver: claimed.abandoned.length }, 'job taken over');
    if (attempt > this.options.maxAttempts) {
      // Replicas died while running it, again and again: stop before it takes more down.
      await this.finish(job, claimed, {
        status: 'failed',
        attempts: attempt - 1,
        lastError: 'LEASE_EXPIRED',
      });
      log.error('job failed: its runs never finished');
      return;
    }
    const handler = this.handlers.get(job.name);
    if (!handler) return;
    const leaseUntil = () => new Date(this.clock().getTime() + this.options.leaseMs);
    await this.jobs
      .updateOne({ _id: job._id }, { $set: { leaseUntil: leaseUntil() } })
      .catch((err: unknown) => log.warn({ err }, 'could not note the lease on the job'));
    const stopRenewal = claimed.keepAlive(this.options.leaseMs, this.clock, (err) =>
      log.warn({ err }, 'could not renew the lease of a running job'),
    );
    let error: unknown;
    let ok = false;
    try {
      await handler({ key: job._id, name: job.name, data: job.data, attempt, runAt: job.runAt });
      ok = true;
    } catch (err) {
      error = err;
    } finally {
      await stopRenewal();
    }
    if (ok) {
      await this.finish(job, claimed, { status: 'done', attempts: attempt });
      log.info('job done');
      return;
    }
    const code = errorCode(error);
    const permanent = (error as { retryable?: unknown } | undefined)?.retryable === false;
    if (permanent || attempt >= this.options.maxAttempts) {
      await this.finish(job, claimed, { status: 'failed', attempts: attempt, lastError: code });
      log.error({ err: error, code }, 'job failed');
      return;
    }
    const delay = backoffMs(attempt, this.options.retryBaseMs, this.options.retryMaxMs);
    await this.finish(job, claimed, {
      status: 'scheduled',
      attempts: attempt,
      lastError: code,
      runAt: new Date(this.clock().getTime() + delay),
    });
    log.warn({ err: error, code, retryInMs: delay }, 'job failed, will retry');
  }

  /** Writes the job's state for this claim, then settles the claim. */
  private async finish(
    job: JobDocument,
    claimed: Claim,
    state: Pick<JobDocument, 'status' | 'attempts'> & Partial<Pick<JobDocument, 'lastError' | 'runAt'>>,
  ): Promise<void> {
    const now = this.clock();
    const final = state.status !== 'scheduled';
    const result = await this.jobs.updateOne(
      { _id: job._id, seq: job.seq },
      {
        $set: { ...state, seq: claimed.seq, updatedAt: now, ...(final ? { finishedAt: now } : {}) },
        $unset: { leaseUntil: '' },
      },
    );
    if (result.matchedCount === 0) {
      // This replica stalled past its lease and another took the job over: that run's state stands.
      this.logger.warn({ job: job._id }, 'job ended after another replica took it over');
    }
    await claimed.finish(state.status);
  }

  private async purgeClaims(now: Date): Promise<void> {
    if (now.getTime() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now.getTime();
    await this.claims.purge(new Date(now.getTime() - this.options.claimRetentionMs));
  }
}

function toState(job: JobDocument): JobState {
  return {
    key: job._id,
    name: job.name,
    status: job.status,
    runAt: job.runAt,
    attempts: job.attempts,
    lastError: job.lastError,
    finishedAt: job.finishedAt,
  };
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
