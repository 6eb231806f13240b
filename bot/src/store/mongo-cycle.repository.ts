import type { Collection, Db, Filter } from 'mongodb';
import {
  byStart,
  CYCLE_STATUSES,
  safeJoinUrl,
  SESSION_STATUSES,
  upcomingOf,
  type CircleSession,
  type CycleReader,
  type CycleStatus,
  type SessionStatus,
} from '../domain/cycle';
import { weekOf } from '../domain/ledger';
import { COLLECTIONS } from './collections';

/**
 * One document per Vitale Weekcyclus of a circle, in `cycles`. The cycles feature writes exactly this
 * shape; the professional's overview reads it here:
 *
 *   {
 *     _id,                          // the writer's choice (never leaves store/)
 *     tenantId: string,
 *     circleId: string,             // with weekStart unique (index uniq_circle_week)
 *     circleName: string,
 *     memberAadObjectIds: string[], // Entra object ids of the circle's members for this cycle
 *     weekStart: string,            // YYYY-MM-DD, the Monday of the cycle's week
 *     status: 'planned' | 'running' | 'done' | 'cancelled',
 *     sessions: [                   // four, one per day; embedded so one update changes a cycle at once
 *       { dayIndex: 0..3, start: Date, end: Date, joinUrl?: string (https), calendarEventId?: string,
 *         status: 'planned' | 'started' | 'ended' | 'cancelled' }
 *     ],
 *     createdAt: Date, updatedAt: Date
 *   }
 *
 * Flat on purpose: FerretDB 1.24 has no nested arrays (an array inside a session would be one), so a
 * session never holds an array. A cancelled cycle reads as four cancelled sessions.
 */
export interface CycleDocument {
  tenantId: string;
  circleId: string;
  circleName: string;
  memberAadObjectIds: string[];
  weekStart: string;
  status: CycleStatus;
  sessions: {
    dayIndex: number;
    start: Date;
    end: Date;
    joinUrl?: string;
    calendarEventId?: string;
    status: SessionStatus;
  }[];
  createdAt?: Date;
  updatedAt?: Date;
}

/** A cycle's sessions lie in its own week; a week more covers one that runs on past the weekend. */
const LOOK_BACK_DAYS = 7;

export class MongoCycleRepository implements CycleReader {
  private readonly collection: Collection<CycleDocument>;

  constructor(db: Db) {
    this.collection = db.collection<CycleDocument>(COLLECTIONS.cycles);
  }

  async upcomingSessionsFor(
    tenantId: string,
    aadObjectId: string,
    now: Date,
    limit: number,
  ): Promise<CircleSession[]> {
    const from = weekOf(new Date(now.getTime() - LOOK_BACK_DAYS * 86_400_000).toISOString().slice(0, 10));
    // Simple filters only (equality on an array's element, a range on a string): FerretDB answers those;
    // which sessions are still to come is decided in code.
    const docs = await this.collection
      .find({ ...memberOf(tenantId, aadObjectId), weekStart: { $gte: from } })
      .toArray();
    return upcomingOf(docs.flatMap(sessionsOf), now, limit);
  }

  async sessionsFor(tenantId: string, aadObjectId: string): Promise<CircleSession[]> {
    const docs = await this.collection.find(memberOf(tenantId, aadObjectId)).toArray();
    return docs.flatMap(sessionsOf).sort(byStart);
  }

  async forgetMember(tenantId: string, aadObjectId: string): Promise<number> {
    const result = await this.collection.updateMany(memberOf(tenantId, aadObjectId), {
      $pull: { memberAadObjectIds: aadObjectId },
    });
    return result.modifiedCount;
  }
}

function memberOf(tenantId: string, aadObjectId: string): Filter<CycleDocument> {
  return { tenantId, memberAadObjectIds: aadObjectId };
}

/** The sessions of one cycle as read models; a document that is not of the documented shape yields none. */
function sessionsOf(doc: CycleDocument): CircleSession[] {
  if (
    !Array.isArray(doc.sessions) ||
    typeof doc.circleName !== 'string' ||
    !CYCLE_STATUSES.includes(doc.status)
  ) {
    return [];
  }
  return doc.sessions.flatMap((s): CircleSession[] => {
    if (!(s.start instanceof Date) || !(s.end instanceof Date) || !SESSION_STATUSES.includes(s.status)) {
      return [];
    }
    const status = doc.status === 'cancelled' ? 'cancelled' : s.status;
    // Nothing to join once it is cancelled.
    const joinUrl = status === 'cancelled' ? undefined : safeJoinUrl(s.joinUrl);
    return [
      {
        circleName: doc.circleName,
        dayIndex: s.dayIndex,
        start: s.start.toISOString(),
        end: s.end.toISOString(),
        ...(joinUrl ? { joinUrl } : {}),
        status,
      },
    ];
  });
}
