import type { Collection, Db } from 'mongodb';
import type { SessionRepository } from '../domain/session.service';
import { applyEvent, forgetInEvent, type SessionEvent, type SessionState } from '../domain/session';
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
        { $set: doc },
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

  /** The right to erasure: the person is taken out of each session's events, and the snapshot rebuilt. */
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
      await this.snapshots.deleteOne({ _id: doc._id });
      await this.load(doc._id);
    }
    return docs.length;
  }
}
