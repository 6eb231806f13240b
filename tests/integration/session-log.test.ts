import { randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { LedgerService } from '../../bot/src/domain/ledger.service';
import { SessionService } from '../../bot/src/domain/session.service';
import { applyEvent, type SessionEvent, type SessionHeader } from '../../bot/src/domain/session';
import type { Videoframe } from '../../bot/src/domain/videoframe';
import { loadVideoframes } from '../../bot/src/integrations/videoframe-files';
import { ensureIndexes } from '../../bot/src/store/collections';
import { MongoLedgerRepository } from '../../bot/src/store/mongo-ledger.repository';
import { MongoProposalRepository } from '../../bot/src/store/mongo-proposal.repository';
import { MongoSessionRepository } from '../../bot/src/store/mongo-session.repository';
import { openTestDatabase, type TestDatabase } from '../support/mongo';
import path from 'node:path';

const TENANT = 'tenant-1';
const people = ['Anna', 'Bram', 'Cato', 'Daan'].map((name) => ({ aadObjectId: randomUUID(), name }));

function header(id: string): SessionHeader {
  return {
    id,
    tenantId: TENANT,
    circleId: 'circle-1',
    circleName: 'Kring',
    cycleId: undefined,
    dayIndex: undefined,
    date: new Date().toISOString().slice(0, 10),
    locale: 'nl',
    timeZone: 'Europe/Amsterdam',
    chat: {
      conversationId: '19:x@thread.v2',
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

/**
 * The session's event log on a real MongoDB-protocol server, with two connections as two replicas have:
 * concurrent changes all land or lose cleanly, never undo each other (FerretDB's filtered updates would).
 */
describe('the session event log', () => {
  let t: TestDatabase;
  let otherClient: MongoClient;
  let otherDb: Db;
  let frames: Videoframe[];

  const serviceOn = (db: Db) =>
    new SessionService(new MongoSessionRepository(db), {
      clock: () => new Date(),
      newId: randomUUID,
      videoframes: () => frames,
      proposals: new MongoProposalRepository(db),
      ledger: new LedgerService(new MongoLedgerRepository(db), () => new Date()),
    });

  beforeAll(async () => {
    t = await openTestDatabase('sessionlog');
    otherClient = await MongoClient.connect(t.uri);
    otherDb = otherClient.db(t.dbName);
    await ensureIndexes(t.db);
    frames = (await loadVideoframes([path.join(__dirname, '..', '..', 'bot', 'videoframes')])).frames;
  });
  afterAll(async () => {
    await otherClient?.close();
    await t?.cleanup();
  });

  async function begun(): Promise<{ id: string; a: SessionService; b: SessionService }> {
    const id = `${TENANT}:circle-1:day:${randomUUID()}`;
    const a = serviceOn(t.db);
    const b = serviceOn(otherDb);
    // Two replicas open it at once (the meeting's start event and the kick-off job): one session.
    const [first, second] = await Promise.all([
      a.open(header(id), 'meeting_start', undefined),
      b.open(header(id), 'schedule', undefined),
    ]);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    const begin = await a.begin(id, people[0]!.aadObjectId, {
      rev: 0,
      frameId: 'standaard',
      situation: 'new',
      newSituation: 'Werkdruk op maandag',
      question: undefined,
      anonymousBrainstorm: false,
      timeboxes: undefined,
    });
    expect(begin.kind).toBe('changed');
    return { id, a, b };
  }

  it('keeps every one of many contributions made at the same moment on two replicas', async () => {
    const { id, a, b } = await begun();
    const texts = Array.from({ length: 12 }, (_, i) => `Idee nummer ${i}`);
    const outcomes = await Promise.all(
      texts.map((text, i) => (i % 2 ? a : b).contribute(id, people[i % people.length]!.aadObjectId, 0, text)),
    );
    expect(outcomes.every((o) => o.kind === 'changed')).toBe(true);
    const state = (await a.get(id))!;
    expect(state.contributions.map((c) => c.text).sort()).toEqual([...texts].sort());
    const events = await t.db.collection('sessionEvents').countDocuments({ sessionId: id });
    expect(events).toBe(2 + texts.length);
    expect(state.version).toBe(events);
  });

  it('moves once when several members press "next" at the same moment, and adds a double click once', async () => {
    const { id, a, b } = await begun();
    const moves = await Promise.all(
      people.map((p, i) =>
        (i % 2 ? a : b).move(id, p.aadObjectId, { rev: 1, from: 0, to: 1, withModel: false }),
      ),
    );
    expect(moves.filter((m) => m.kind === 'changed')).toHaveLength(1);
    expect(moves.filter((m) => m.kind === 'stale')).toHaveLength(people.length - 1);
    expect((await b.get(id))!.stageIndex).toBe(1);

    const same = await Promise.all([
      a.contribute(id, people[1]!.aadObjectId, 1, 'Hoe verdelen we het werk eerlijker?'),
      b.contribute(id, people[1]!.aadObjectId, 1, '  hoe verdelen we het werk  eerlijker?'),
    ]);
    expect(same.map((o) => o.kind).sort()).toEqual(['changed', 'unchanged']);
    expect((await a.get(id))!.contributions).toHaveLength(1);
  });

  it('reads the events a snapshot missed (a replica that died after writing its event)', async () => {
    const { id, a } = await begun();
    await a.contribute(id, people[2]!.aadObjectId, 0, 'Eerst dit');
    // The snapshot is set back to the state after event 1, as if the replicas had died between writing
    // their events and their snapshots.
    const snapshots = t.db.collection<{ _id: string; version: number; state: unknown }>('sessions');
    const stored = (await snapshots.findOne({ _id: id }))!;
    const first = await t.db
      .collection<{ _id: string; event: SessionEvent }>('sessionEvents')
      .findOne({ _id: `${id}#1` });
    await snapshots.updateOne(
      { _id: id },
      { $set: { version: 1, state: JSON.parse(JSON.stringify(applyEvent(undefined, first!.event))) } },
    );
    const state = (await serviceOn(otherDb).get(id))!;
    expect(state.phase).toBe('stages');
    expect(state.contributions.map((c) => c.text)).toEqual(['Eerst dit']);
    expect(state.version).toBe(stored.version);
  });

  it('takes an erased member out of every event, keeping what they contributed without a name', async () => {
    const { id, a } = await begun();
    const leaver = people[3]!;
    await a.contribute(id, leaver.aadObjectId, 0, 'Mijn punt');
    const repository = new MongoSessionRepository(t.db);
    expect(await repository.forgetMember(TENANT, leaver.aadObjectId)).toBeGreaterThanOrEqual(1);
    const state = (await a.get(id))!;
    expect(state.header.members.map((m) => m.aadObjectId)).not.toContain(leaver.aadObjectId);
    expect(state.contributions.find((c) => c.text === 'Mijn punt')!.by).toBe('erased');
    const raw = JSON.stringify(await t.db.collection('sessionEvents').find({ sessionId: id }).toArray());
    expect(raw).not.toContain(leaver.aadObjectId);
  });
});
