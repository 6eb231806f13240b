import { MongoClient, type Db } from 'mongodb';
import { PermanentJobError, type JobContext } from '../../bot/src/domain/jobs';
import { ensureIndexes } from '../../bot/src/store/collections';
import { MongoScheduler, type MongoSchedulerOptions } from '../../bot/src/store/mongo-scheduler';
import { openTestDatabase, type TestDatabase } from '../support/mongo';
import { eventually, startReplica } from '../support/replica';

const FAST: MongoSchedulerOptions = { pollIntervalMs: 100, leaseMs: 1_500, retryBaseMs: 50, retryMaxMs: 200 };

describe('the MongoDB scheduler, on a real MongoDB server', () => {
  let t: TestDatabase;
  /** A second connection, as another replica of the service has. */
  let otherClient: MongoClient;
  let otherDb: Db;
  const schedulers: MongoScheduler[] = [];

  const scheduler = (db: Db, options: MongoSchedulerOptions = {}) => {
    const s = new MongoScheduler(db, { ...FAST, ...options });
    schedulers.push(s);
    return s;
  };
  const after = (ms: number) => new Date(Date.now() + ms);
  const jobDone = (s: MongoScheduler, key: string) =>
    eventually(
      async () => {
        const job = await s.get(key);
        return job && job.status !== 'scheduled' ? job : undefined;
      },
      10_000,
      `job ${key} finished`,
    );

  beforeAll(async () => {
    t = await openTestDatabase('scheduler');
    otherClient = await MongoClient.connect(t.uri);
    otherDb = otherClient.db(t.dbName);
    await ensureIndexes(t.db);
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop(2_000)));
  });
  afterAll(async () => {
    await otherClient.close();
    await t.cleanup();
  });

  it('two replicas on one database run each of 60 jobs exactly once, and agree on scheduling them', async () => {
    const runs = new Map<string, string[]>();
    const [a, b] = [scheduler(t.db, { concurrency: 4 }), scheduler(otherDb, { concurrency: 4 })];
    for (const [name, s] of [
      ['a', a],
      ['b', b],
    ] as const) {
      s.register('count', async (job: JobContext) => {
        runs.set(job.key, [...(runs.get(job.key) ?? []), name]);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      });
    }
    const keys = Array.from({ length: 60 }, (_, i) => `count:${i}`);
    // Both replicas schedule every job (each reacting to the same event): one record per key.
    const results = await Promise.all(
      keys.flatMap((key, i) => {
        const runAt = new Date(Date.now() - 1_000 + (i % 10) * 100);
        return [a.schedule({ key, name: 'count', runAt }), b.schedule({ key, name: 'count', runAt })];
      }),
    );
    expect(results.filter((r) => r === 'created')).toHaveLength(60);
    expect(results.filter((r) => r === 'unchanged')).toHaveLength(60);

    a.start();
    b.start();
    await eventually(async () => (await t.db.collection('jobs').countDocuments({ status: 'done' })) === 60);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect([...runs.keys()].sort()).toEqual([...keys].sort());
    expect([...runs.values()].filter((by) => by.length !== 1)).toEqual([]);
    const state = await a.get('count:7');
    expect(state).toMatchObject({ status: 'done', attempts: 1, lastError: undefined });
  });

  it('takes over the job of a replica that died mid-run, once, and not while that replica lives', async () => {
    await scheduler(t.db).schedule({ key: 'hang:1', name: 'hang', runAt: after(-10) });
    const worker = await startReplica({
      mode: 'scheduler',
      uri: t.uri,
      dbName: t.dbName,
      leaseMs: 1_000,
      pollIntervalMs: 100,
    });
    const runs = t.db.collection('testRuns');
    await eventually(async () => (await runs.countDocuments({ key: 'hang:1' })) === 1, 15_000, 'worker ran');

    const taken: number[] = [];
    for (const db of [t.db, otherDb]) {
      const s = scheduler(db, { leaseMs: 1_000 });
      s.register('hang', async (job: JobContext) => {
        taken.push(job.attempt);
        await runs.insertOne({ key: job.key, attempt: job.attempt, by: 'survivor' });
      });
      s.start();
    }
    // The worker renews its lease while its handler runs: nobody takes over a live replica's job.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(taken).toEqual([]);

    await worker.kill();
    const job = await jobDone(schedulers[0]!, 'hang:1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(taken).toEqual([2]);
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    expect(await runs.countDocuments({ key: 'hang:1' })).toBe(2);
  });

  it('schedules idempotently by key, reschedules a job not yet run, and cancels', async () => {
    const s = scheduler(t.db);
    const ran: { key: string; at: number }[] = [];
    s.register('note', (job: JobContext) => {
      ran.push({ key: job.key, at: Date.now() });
      return Promise.resolve();
    });
    s.start();

    const later = after(5_000);
    expect(await s.schedule({ key: 'r:1', name: 'note', runAt: later, data: { n: 1 } })).toBe('created');
    expect(await s.schedule({ key: 'r:1', name: 'note', runAt: later, data: { n: 1 } })).toBe('unchanged');
    const sooner = Date.now() + 200;
    expect(await s.schedule({ key: 'r:1', name: 'note', runAt: new Date(sooner) })).toBe('rescheduled');

    expect(await s.schedule({ key: 'c:1', name: 'note', runAt: after(300) })).toBe('created');
    expect(await s.cancel('c:1')).toBe('cancelled');
    expect(await s.cancel('c:1')).toBe('cancelled');
    expect(await s.cancel('nothing-here')).toBe('not_found');

    expect(await jobDone(s, 'r:1')).toMatchObject({ status: 'done', attempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(ran.map((r) => r.key)).toEqual(['r:1']);
    expect(ran[0]!.at).toBeGreaterThanOrEqual(sooner - 50);
    expect(await s.get('c:1')).toMatchObject({ status: 'cancelled', attempts: 0 });

    // A key runs at most once; a cancelled job can be scheduled again.
    expect(await s.schedule({ key: 'r:1', name: 'note', runAt: after(0) })).toBe('finished');
    expect(await s.cancel('r:1')).toBe('finished');
    expect(await s.schedule({ key: 'c:1', name: 'note', runAt: after(0) })).toBe('rescheduled');
    await jobDone(s, 'c:1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ran.map((r) => r.key)).toEqual(['r:1', 'c:1']);
  });

  it('does not change a job while it runs, and stop waits for running handlers', async () => {
    const s = scheduler(t.db);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    s.register('slow', async () => {
      started = true;
      await gate;
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    await s.schedule({ key: 'slow:1', name: 'slow', runAt: after(-10) });
    s.start();
    await eventually(() => Promise.resolve(started));

    expect(await s.schedule({ key: 'slow:1', name: 'slow', runAt: after(60_000) })).toBe('running');
    expect(await s.cancel('slow:1')).toBe('running');

    release();
    const stopped = s.stop(5_000);
    expect(await stopped).toBe(true);
    expect(await s.get('slow:1')).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('retries a failing handler with backoff, up to a bound, and records the last error code', async () => {
    const s = scheduler(t.db, { maxAttempts: 3 });
    const attempts = new Map<string, number[]>();
    s.register('flaky', (job: JobContext) => {
      attempts.set(job.key, [...(attempts.get(job.key) ?? []), job.attempt]);
      if (job.key === 'flaky:permanent')
        return Promise.reject(new PermanentJobError('SESSION_GONE', 'the session is gone'));
      if (job.key === 'flaky:always' || job.attempt < 3)
        return Promise.reject(Object.assign(new Error('try again'), { code: 'FLAKY' }));
      return Promise.resolve();
    });
    for (const key of ['flaky:twice', 'flaky:always', 'flaky:permanent'])
      await s.schedule({ key, name: 'flaky', runAt: after(-10) });
    s.start();

    expect(await jobDone(s, 'flaky:twice')).toMatchObject({
      status: 'done',
      attempts: 3,
      lastError: 'FLAKY',
    });
    expect(await jobDone(s, 'flaky:always')).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'FLAKY',
    });
    expect(await jobDone(s, 'flaky:permanent')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'SESSION_GONE',
    });
    expect(attempts.get('flaky:twice')).toEqual([1, 2, 3]);
    expect(attempts.get('flaky:always')).toEqual([1, 2, 3]);
    expect(attempts.get('flaky:permanent')).toEqual([1]);
  });
});
