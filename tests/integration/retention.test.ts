import { randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import pino, { type Logger } from 'pino';
import { oldestNewJobMs, type RetentionPolicy } from '../../bot/src/domain/retention';
import {
  foldEvents,
  forgetInEvent,
  type SessionEvent,
  type SessionHeader,
  type SessionState,
} from '../../bot/src/domain/session';
import {
  nextRetentionRun,
  registerRetentionJobs,
  scheduleRetentionSweep,
} from '../../bot/src/features/retention/retention-jobs';
import { ensureIndexes } from '../../bot/src/store/collections';
import { MongoEffectLedger } from '../../bot/src/store/mongo-effect-ledger';
import { MongoRetention } from '../../bot/src/store/mongo-retention';
import { MongoScheduler } from '../../bot/src/store/mongo-scheduler';
import { MongoSessionRepository } from '../../bot/src/store/mongo-session.repository';
import { MongoStorage } from '../../bot/src/store/mongo-storage';
import { openTestDatabase, type TestDatabase } from '../support/mongo';
import { eventually } from '../support/replica';

const DAY = 86_400_000;
const TENANT = 'tenant-r';
const POLICY: RetentionPolicy = { recordsDays: 30, sessionEventsDays: 90 };
/** Just after the daily sweep's time, so the day's run is due. */
const NOW = new Date('2030-03-10T02:31:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
/** Over the records' period, and within it. */
const OLD = ago(31);
const RECENT = ago(5);

const people = ['Anna', 'Bram', 'Cato', 'Daan'].map((name) => ({ aadObjectId: randomUUID(), name }));
const [anna, bram, cato] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];

/** Log lines as pino writes them, to count what a replica did. */
function capturedLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

function header(id: string, date: string): SessionHeader {
  return {
    id,
    tenantId: TENANT,
    circleId: 'circle-r',
    circleName: 'Kring',
    cycleId: undefined,
    dayIndex: undefined,
    date,
    locale: 'nl',
    timeZone: 'Europe/Amsterdam',
    chat: {
      conversationId: '19:r@thread.v2',
      conversationType: 'groupChat',
      serviceUrl: 'https://smba.example/',
      channelId: 'msteams',
      botId: '28:bot',
      botName: 'Werkplekleren+',
    },
    meetingId: undefined,
    members: people,
    plannedMinutes: 60,
    carried: { proposals: [], openQuestions: [], situations: [], question: undefined },
    defaults: { timeboxes: [10, 10, 15, 5, 15], anonymousBrainstorm: false },
  };
}

/** A session as the service writes it: each event under its number, the snapshot after each. */
async function seedSession(
  repository: MongoSessionRepository,
  openedAt: Date,
  closed: boolean,
): Promise<{ id: string; events: SessionEvent[] }> {
  const date = openedAt.toISOString().slice(0, 10);
  const id = `${TENANT}:circle-r:day:${date}:${randomUUID().slice(0, 8)}`;
  const at = (minutes: number) => new Date(openedAt.getTime() + minutes * 60_000).toISOString();
  const events: SessionEvent[] = [
    { type: 'opened', at: at(0), by: anna.aadObjectId, trigger: 'command', header: header(id, date) },
    { type: 'checkedIn', at: at(1), by: anna.aadObjectId, energy: 4 },
    { type: 'checkedIn', at: at(1), by: bram.aadObjectId, energy: 2 },
    { type: 'contributed', at: at(5), by: anna.aadObjectId, key: 'k1', stage: 'analysis', text: 'Mijn punt' },
    { type: 'contributed', at: at(6), by: cato.aadObjectId, key: 'k2', stage: 'analysis', text: 'Haar punt' },
    { type: 'rated', at: at(50), by: anna.aadObjectId, usefulness: 4, feasibility: 3 },
    ...(closed ? [{ type: 'closed', at: at(60), by: bram.aadObjectId, reason: 'command' } as const] : []),
  ];
  let state: SessionState | undefined;
  for (const [i, event] of events.entries()) {
    expect(await repository.append(id, i + 1, event)).toBe(true);
    state = foldEvents([...events.slice(0, i + 1)]);
    await repository.saveSnapshot(state!);
  }
  return { id, events };
}

describe('retention: records kept only for delivery or coordination are removed after their period', () => {
  let t: TestDatabase;
  /** A second connection, as another replica of the service has. */
  let otherClient: MongoClient;
  let otherDb: Db;
  const schedulers: MongoScheduler[] = [];

  beforeEach(async () => {
    t = await openTestDatabase('retention');
    otherClient = await MongoClient.connect(t.uri);
    otherDb = otherClient.db(t.dbName);
    await ensureIndexes(t.db);
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop(2_000)));
    await otherClient.close();
    await t.cleanup();
  });

  const delivery = (key: string, status: string, times: { createdAt: Date; finishedAt?: Date }) => ({
    _id: key,
    key,
    kind: 'test',
    status,
    tenantId: TENANT,
    conversationId: 'a:conv',
    notBefore: times.createdAt,
    seq: 1,
    attempts: 1,
    createdAt: times.createdAt,
    updatedAt: times.finishedAt ?? times.createdAt,
    ...(times.finishedAt ? { finishedAt: times.finishedAt } : {}),
  });
  const job = (key: string, status: string, at: Date, extra: Record<string, unknown> = {}) => ({
    _id: key,
    key,
    name: 'test.job',
    data: {},
    runAt: at,
    status,
    seq: 1,
    attempts: 1,
    createdAt: at,
    updatedAt: at,
    ...(status === 'scheduled' ? {} : { finishedAt: at }),
    ...extra,
  });
  const ids = async (collection: string) =>
    (
      await t.db
        .collection(collection)
        .find({}, { projection: { _id: 1 } })
        .toArray()
    )
      .map((d) => String(d._id))
      .sort();

  it('removes expired deliveries, jobs, claims and bot state, and keeps every live one', async () => {
    await t.db.collection('deliveries').insertMany([
      delivery('d:sent-old', 'sent', { createdAt: OLD, finishedAt: OLD }),
      delivery('d:failed-old', 'failed', { createdAt: OLD, finishedAt: OLD }),
      delivery('d:unreachable-old', 'unreachable', { createdAt: OLD, finishedAt: OLD }),
      delivery('d:uncertain-old', 'uncertain', { createdAt: OLD, finishedAt: OLD }),
      // Live: waiting to be sent or for a retry, however old; or finished within the period.
      delivery('d:pending-old', 'pending', { createdAt: OLD }),
      delivery('d:sent-recent', 'sent', { createdAt: OLD, finishedAt: RECENT }),
    ] as never[]);
    // Effects claimed in a turn share the collection (a welcome, an introduction).
    const effects = new MongoEffectLedger(t.db);
    await effects.claim('intro:old-chat', 'group-intro', OLD);
    await effects.claim('intro:recent-chat', 'group-intro', RECENT);

    await t.db.collection('jobs').insertMany([
      job('j:done-old', 'done', OLD),
      job('j:failed-old', 'failed', OLD),
      job('j:cancelled-old', 'cancelled', OLD),
      job('j:done-recent', 'done', RECENT),
      // Live: due long ago but not run yet (or waiting for a retry), and one running now.
      job('j:scheduled-old', 'scheduled', OLD),
      job('j:running-old', 'scheduled', OLD, { leaseUntil: new Date(NOW.getTime() + 60_000) }),
    ] as never[]);

    const claim = (id: string, createdAt: Date, leaseUntil: Date, outcome?: string) => ({
      _id: id,
      record: id.split('#')[0]!.replace(/^\w+:/, ''),
      seq: 1,
      owner: 'test',
      leaseUntil,
      createdAt,
      phase: 'claimed',
      ...(outcome ? { outcome } : {}),
    });
    await t.db.collection('claims').insertMany([
      claim('job:c-settled-old#1', OLD, OLD, 'done'),
      claim('delivery:c-dead-old#1', OLD, OLD),
      // Live: a lease renewed until now (no outcome), and a claim settled within the period.
      claim('job:c-held#1', OLD, new Date(NOW.getTime() + 60_000)),
      claim('job:c-settled-recent#1', RECENT, RECENT, 'done'),
    ] as never[]);

    // Turn state: "live" written within the period (with an old revision its writer failed to prune),
    // "idle" not written for longer than the period.
    const storage = new MongoStorage(t.db);
    await storage.write({ live: { n: 1 } });
    await storage.write({ live: { n: 2 } });
    await storage.write({ idle: { n: 1 } });
    await storage.write({ idle: { n: 2 } });
    const idleETag = (await storage.read(['idle'])).idle!.eTag as string;
    const botState = t.db.collection<{ _id: string; writtenAt?: Date; rev: number }>('botState');
    await botState.insertOne({
      _id: 'r:live#1',
      key: 'live',
      rev: 1,
      eTag: 'x',
      json: '{"n":0}',
      writtenAt: OLD,
    } as never);
    await botState.updateMany({ _id: { $regex: '^r:idle#' } }, { $set: { writtenAt: OLD } });
    await botState.updateMany({ _id: 'r:live#2' }, { $set: { writtenAt: RECENT } });

    const report = await new MongoRetention(t.db, { policy: POLICY }).sweep(NOW);

    expect(report).toEqual({
      removed: {
        deliveries: 5,
        jobs: 3,
        claims: 2,
        botStateRevisions: 2,
        botStateItems: 1,
        sessionsFinalised: 0,
        sessionEvents: 0,
      },
      more: false,
    });
    const keys = await t.db.collection('deliveries').distinct('key');
    expect(keys.sort()).toEqual(['d:pending-old', 'd:sent-recent', 'intro:recent-chat']);
    expect(await ids('jobs')).toEqual(['j:done-recent', 'j:running-old', 'j:scheduled-old']);
    // The cancelled job was claimed before it was removed (a reschedule meanwhile would have waited).
    expect(await ids('claims')).toEqual(['job:c-held#1', 'job:c-settled-recent#1', 'job:j:cancelled-old#2']);
    expect(await ids('botState')).toEqual(['h:live', 'r:live#2']);
    expect(await storage.read(['live', 'idle'])).toEqual({ live: { n: 2, eTag: expect.any(String) } });
    // A second sweep finds nothing more.
    expect((await new MongoRetention(t.db, { policy: POLICY }).sweep(NOW)).removed).toEqual({
      deliveries: 0,
      jobs: 0,
      claims: 0,
      botStateRevisions: 0,
      botStateItems: 0,
      sessionsFinalised: 0,
      sessionEvents: 0,
    });
    // The idle item starts anew; a turn still holding its old eTag cannot overwrite it.
    await expect(storage.write({ idle: { n: 3, eTag: idleETag } })).rejects.toMatchObject({
      code: 'STALE_WRITE',
    });
    await storage.write({ idle: { n: 9 } });
    expect(await storage.read(['idle'])).toEqual({ idle: { n: 9, eTag: expect.any(String) } });
  });

  it('prunes the events of sessions over for longer than their period; such sessions still load, list and erase', async () => {
    const repository = new MongoSessionRepository(t.db);
    const closedLongAgo = await seedSession(repository, ago(100), true);
    const neverClosed = await seedSession(repository, ago(120), false);
    const closedRecently = await seedSession(repository, ago(10), true);
    // Its snapshot missed the later events (a replica died after writing them): the sweep catches it up first.
    const lagging = await seedSession(repository, ago(95), true);
    await t.db
      .collection('sessions')
      .updateOne(
        { _id: lagging.id as never },
        { $set: { version: 1, state: JSON.parse(JSON.stringify(foldEvents(lagging.events.slice(0, 1)))) } },
      );
    const before = new Map<string, SessionState>();
    for (const s of [closedLongAgo, neverClosed, closedRecently, lagging])
      before.set(s.id, foldEvents(s.events)!);

    const report = await new MongoRetention(t.db, { policy: POLICY }).sweep(NOW);
    expect(report.removed).toMatchObject({ sessionsFinalised: 3, sessionEvents: 7 + 6 + 7 });
    expect(report.more).toBe(false);

    const events = (id: string) => t.db.collection('sessionEvents').countDocuments({ sessionId: id });
    for (const s of [closedLongAgo, neverClosed, lagging]) {
      expect(await events(s.id)).toBe(0);
      const snapshot = await t.db.collection('sessions').findOne({ _id: s.id as never });
      expect(snapshot).toMatchObject({ final: true, version: s.events.length });
      // Loads from the final snapshot alone.
      expect(await new MongoSessionRepository(otherDb).load(s.id)).toEqual(before.get(s.id));
    }
    expect(await events(closedRecently.id)).toBe(closedRecently.events.length);
    expect(await t.db.collection('sessions').findOne({ _id: closedRecently.id as never })).not.toHaveProperty(
      'final',
    );

    // The right of access lists all four.
    const listed = await repository.listForMember(TENANT, cato.aadObjectId);
    expect(listed.map((s) => s.header.id).sort()).toEqual(
      [closedLongAgo.id, neverClosed.id, closedRecently.id, lagging.id].sort(),
    );
    expect(listed.find((s) => s.header.id === lagging.id)).toEqual(before.get(lagging.id));

    // The right to erasure: on final snapshots (no events left) and on a session with its events, the same as
    // if the events had been rewritten and folded.
    expect(await repository.forgetMember(TENANT, anna.aadObjectId.toUpperCase())).toBe(4);
    for (const s of [closedLongAgo, neverClosed, closedRecently, lagging]) {
      const forgotten = foldEvents(s.events.map((e) => forgetInEvent(e, anna.aadObjectId)));
      const state = await repository.load(s.id);
      expect(state).toEqual(forgotten);
      expect(state!.contributions.map((c) => c.by)).toEqual(['erased', cato.aadObjectId]);
    }
    const stored = JSON.stringify([
      await t.db.collection('sessions').find({}).toArray(),
      await t.db.collection('sessionEvents').find({}).toArray(),
    ]);
    expect(stored).not.toContain(anna.aadObjectId);
    expect(await repository.listForMember(TENANT, anna.aadObjectId)).toEqual([]);
    expect((await repository.listForMember(TENANT, cato.aadObjectId)).length).toBe(4);

    // A later sweep leaves the final sessions as they are.
    expect((await new MongoRetention(t.db, { policy: POLICY }).sweep(NOW)).removed.sessionsFinalised).toBe(0);
  });

  it('works in bounded batches: more than a run may remove is removed over runs, each scheduling the next', async () => {
    await t.db
      .collection('deliveries')
      .insertMany(
        Array.from({ length: 10 }, (_, i) =>
          delivery(`d:bulk-${String(i).padStart(2, '0')}`, 'sent', { createdAt: OLD, finishedAt: OLD }),
        ) as never[],
      );
    const sweeper = new MongoRetention(t.db, { policy: POLICY, batchSize: 3, maxBatches: 2 });
    const removedSoFar = async () => 10 - (await t.db.collection('deliveries').countDocuments({}));

    let now = new Date('2030-03-10T02:30:00Z');
    const clock = () => now;
    const { logger, lines } = capturedLogger();
    const scheduler = new MongoScheduler(t.db, { clock, pollIntervalMs: 50, leaseMs: 5_000 });
    schedulers.push(scheduler);
    registerRetentionJobs(scheduler, sweeper, { clock, logger });
    await scheduleRetentionSweep(scheduler, clock());
    expect(nextRetentionRun(clock()).key).toBe('retention:2030-03-10');
    now = new Date('2030-03-10T02:31:00Z');
    scheduler.start();

    const done = (key: string) =>
      eventually(async () => (await scheduler.get(key))?.status === 'done', 10_000, `${key} done`);
    await done('retention:2030-03-10');
    // At most two deletes of three: six of ten, and a follow-up a little later, and tomorrow's run.
    expect(await removedSoFar()).toBe(6);
    expect(await scheduler.get('retention:2030-03-10:2')).toMatchObject({ status: 'scheduled' });
    expect(await scheduler.get('retention:2030-03-11')).toMatchObject({
      status: 'scheduled',
      runAt: new Date('2030-03-11T02:30:00Z'),
    });

    now = new Date(now.getTime() + 5 * 60_000);
    await done('retention:2030-03-10:2');
    expect(await removedSoFar()).toBe(10);
    // Nothing was left over: no third run.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await scheduler.get('retention:2030-03-10:3')).toBeUndefined();
    const logged = lines.filter((l) => l.msg === 'retention sweep done');
    expect(logged.map((l) => [l.run, (l.removed as { deliveries: number }).deliveries, l.more])).toEqual([
      [1, 6, true],
      [2, 4, false],
    ]);
  });

  it('runs once a day with two replicas polling the same database', async () => {
    await t.db
      .collection('deliveries')
      .insertOne(delivery('d:old', 'sent', { createdAt: OLD, finishedAt: OLD }) as never);
    const clock = () => NOW;
    const replicas = [t.db, otherDb].map((db) => {
      const { logger, lines } = capturedLogger();
      const scheduler = new MongoScheduler(db, { clock, pollIntervalMs: 30, leaseMs: 5_000 });
      schedulers.push(scheduler);
      registerRetentionJobs(scheduler, new MongoRetention(db, { policy: POLICY }), { clock, logger });
      return { scheduler, lines };
    });
    // Both start at the same moment, and each schedules the day's sweep (one record, by its key).
    const yesterday = new Date(NOW.getTime() - 60_000);
    await Promise.all(replicas.map(({ scheduler }) => scheduleRetentionSweep(scheduler, yesterday)));
    expect(await t.db.collection('jobs').countDocuments({ name: 'retention.sweep' })).toBe(1);
    for (const { scheduler } of replicas) scheduler.start();

    await eventually(
      async () => (await replicas[0]!.scheduler.get('retention:2030-03-10'))?.status === 'done',
      10_000,
      'the sweep done',
    );
    // Several more polls of both replicas.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const runs = replicas.flatMap(({ lines }) => lines.filter((l) => l.msg === 'retention sweep done'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ job: 'retention:2030-03-10', removed: { deliveries: 1 }, more: false });
    expect(await t.db.collection('deliveries').countDocuments({})).toBe(0);
    expect(await replicas[1]!.scheduler.get('retention:2030-03-11')).toMatchObject({ status: 'scheduled' });
  });

  it('does not schedule again a job whose time lies before the retention period (its record may be gone)', async () => {
    const clock = () => NOW;
    const scheduler = new MongoScheduler(t.db, { clock, oldestNewJobMs: oldestNewJobMs(POLICY) });
    // A talent reminder recomputed for a conversation long overdue: it ran 31 days ago and was removed.
    expect(await scheduler.schedule({ key: 'talent-reminder:x:2030-02-01', name: 'n', runAt: OLD })).toBe(
      'finished',
    );
    expect(await scheduler.get('talent-reminder:x:2030-02-01')).toBeUndefined();
    // Recent past (due now) and future jobs are made as always.
    expect(await scheduler.schedule({ key: 'recent', name: 'n', runAt: RECENT })).toBe('created');
    expect(await scheduler.schedule({ key: 'future', name: 'n', runAt: new Date(NOW.getTime() + DAY) })).toBe(
      'created',
    );
    // A job that exists is changed as always, however far back its new time.
    expect(await scheduler.schedule({ key: 'recent', name: 'n', runAt: OLD })).toBe('rescheduled');
  });
});
