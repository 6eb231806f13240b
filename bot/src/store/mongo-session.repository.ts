import type { Collection, Db } from 'mongodb';
import type { SessionRepository } from '../domain/session.service';
import {
  applyEvent,
  forgetInEvent,
  forgetInState,
  type SessionEvent,
  type SessionState,
} from '../domain/session';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * A session's events in `sessionEvents`, one document each under `_id` `<sessionId>#<seq>` (the unique
 * insert is the only atomic step we rely on; see domain/session.ts), and a snapshot of its state in
 * `sessions` under `_id` `<sessionId>`:
 *
 *   sessions: { _id, tenantId, circleId, cycleId?, date, memberAadObjectIds: string[], version, state }
 *   sessionEvents: { _id, sessionId, tenantId, seq, event }
 *
 * The snapshot is a cache: reading takes it and applies any events after it (found by `_id`, which FerretDB
 * looks up by index), so a snapshot written late or by a replica that died never hides an event.
 *
 * Until retention makes it the record: some time after a session closed, `finalise` checks that the snapshot
 * holds every event, marks it `final` and removes the events up to it (store/mongo-retention.ts). Reading needs
 * nothing else (there are no events after the snapshot to apply), and nothing rebuilds a snapshot from events:
 * the right to erasure rewrites the snapshot in place (`forgetInState`).
 */
interface SnapshotDocument {
  _id: string;
  tenantId: string;
  circleId: string;
  cycleId?: string;
  date: string;
  memberAadObjectIds: string[];
  version: number;
  state: SessionState;
  /** The snapshot holds every event, and events up to its version may be gone: never rebuild it from them. */
  final?: true;
  finalAt?: Date;
  /** When the events up to `version` were removed; cleared by a newer snapshot (its events are still there). */
  eventsRemovedAt?: Date;
}

interface EventDocument {
  _id: string;
  sessionId: string;
  tenantId: string;
  seq: number;
  event: SessionEvent;
}

const eventId = (sessionId: string, seq: number) => `${sessionId}#${seq}`;

/**
 * Session events and state are plain JSON (dates as ISO strings). The driver would store an `undefined`
 * field as null, and the domain tells "not set" by `undefined`: a JSON round trip leaves such fields out.
 */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MongoSessionRepository implements SessionRepository {
  private readonly snapshots: Collection<SnapshotDocument>;
  private readonly events: Collection<EventDocument>;

  constructor(db: Db) {
    this.snapshots = db.collection<SnapshotDocument>(COLLECTIONS.sessions);
    this.events = db.collection<EventDocument>(COLLECTIONS.sessionEvents);
  }

  async append(sessionId: string, seq: number, event: SessionEvent): Promise<boolean> {
    const tenantId = event.type === 'opened' ? event.header.tenantId : sessionId.split(':')[0]!;
    try {
      await this.events.insertOne({
        _id: eventId(sessionId, seq),
        sessionId,
        tenantId,
        seq,
        event: plain(event),
      });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async load(sessionId: string): Promise<SessionState | undefined> {
    const snapshot = await this.snapshots.findOne({ _id: sessionId });
    let state = snapshot?.state;
    const start = state?.version ?? 0;
    for (let seq = start + 1; ; seq++) {
      const doc = await this.events.findOne({ _id: eventId(sessionId, seq) });
      if (!doc) break;
      state = applyEvent(state, doc.event);
    }
    if (state && state.version > start) await this.saveSnapshot(state);
    return state;
  }

  async saveSnapshot(state: SessionState): Promise<void> {
    const { header } = state;
    const doc: Omit<SnapshotDocument, '_id'> = {
      tenantId: header.tenantId,
      circleId: header.circleId,
      ...(header.cycleId ? { cycleId: header.cycleId } : {}),
      date: header.date,
      memberAadObjectIds: header.members.map((m) => m.aadObjectId.toLowerCase()),
      version: state.version,
      state: plain(state),
    };
    try {
      // Only forward: an older state arriving late is dropped (and would be caught up on the next read).
      await this.snapshots.updateOne(
        { _id: header.id, version: { $lt: state.version } },
        { $set: doc, $unset: { eventsRemovedAt: '' } },
        { upsert: true },
      );
    } catch (err) {
      // The upsert found a newer snapshot under this _id: nothing to do.
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  async listForMember(tenantId: string, aadObjectId: string): Promise<SessionState[]> {
    const docs = await this.snapshots
      .find({ tenantId, memberAadObjectIds: aadObjectId.toLowerCase() })
      .toArray();
    const states = await Promise.all(docs.map((d) => this.load(d._id)));
    return states.filter((s): s is SessionState => s !== undefined);
  }

  /**
   * The right to erasure: the person is taken out of each session's remaining events, and out of its snapshot
   * in place. Not by rebuilding the snapshot from the events: retention may have removed them.
   */
  async forgetMember(tenantId: string, aadObjectId: string): Promise<number> {
    const docs = await this.snapshots
      .find({ tenantId, memberAadObjectIds: aadObjectId.toLowerCase() })
      .toArray();
    for (const doc of docs) {
      const events = await this.events.find({ sessionId: doc._id }).sort({ seq: 1 }).toArray();
      for (const e of events) {
        await this.events.replaceOne(
          { _id: e._id },
          { ...e, event: plain(forgetInEvent(e.event, aadObjectId)) },
        );
      }
      await this.forgetInSnapshot(doc._id, aadObjectId);
    }
    return docs.length;
  }

  /**
   * Retention: when the session was over before `endedBefore` (closed then, or never closed and opened
   * then), makes its snapshot the whole record and removes its events, at most `perDelete` in one delete.
   * The snapshot is brought up to date, checked to hold the last event and marked final before any event
   * goes. Answers how many events were removed; undefined when the session is not over yet, or moved on
   * meanwhile (a later run tries again).
   */
  async finalise(
    sessionId: string,
    now: Date,
    perDelete: number,
    endedBefore: Date,
  ): Promise<number | undefined> {
    const state = await this.load(sessionId);
    if (!state) return undefined;
    if (!(Date.parse(state.closed?.at ?? state.openedAt) < endedBefore.getTime())) return undefined;
    const version = state.version;
    const doc = await this.snapshots.findOne({ _id: sessionId });
    if (doc?.version !== version || doc.state.version !== version) return undefined;
    if ((await this.events.countDocuments({ _id: eventId(sessionId, version + 1) }, { limit: 1 })) > 0)
      return undefined;
    const marked = await this.snapshots.updateOne(
      { _id: sessionId, version },
      { $set: { final: true, finalAt: now } },
    );
    if (marked.matchedCount === 0) return undefined;
    let removed = 0;
    for (let from = 1; from <= version; from += perDelete) {
      const ids: string[] = [];
      for (let seq = from; seq < from + perDelete && seq <= version; seq++) ids.push(eventId(sessionId, seq));
      removed += (await this.events.deleteMany({ _id: { $in: ids } })).deletedCount;
    }
    await this.snapshots.updateOne({ _id: sessionId, version }, { $set: { eventsRemovedAt: now } });
    return removed;
  }

  private async forgetInSnapshot(sessionId: string, aadObjectId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const doc = await this.snapshots.findOne({ _id: sessionId });
      if (!doc) return;
      const state = forgetInState(doc.state, aadObjectId);
      const set = {
        state: plain(state),
        version: state.version,
        memberAadObjectIds: state.header.members.map((m) => m.aadObjectId.toLowerCase()),
      };
      // Guarded, so a newer snapshot written meanwhile (from events read before they were rewritten) is
      // forgotten in too. A session that keeps changing gets the last state read: the snapshot may then lag,
      // which reading makes up for with the (rewritten) events after it.
      const last = attempt >= 4;
      const result = await this.snapshots.updateOne(
        last ? { _id: sessionId } : { _id: sessionId, version: doc.version },
        { $set: set },
      );
      if (last || result.matchedCount > 0) return;
    }
  }
}
