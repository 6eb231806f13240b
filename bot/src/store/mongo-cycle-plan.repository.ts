import type { Collection, Db } from 'mongodb';
import type { CycleRepository, PlannedCycle } from '../domain/cycle-planner.service';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * The write side of `cycles`, in the shape documented in mongo-cycle.repository.ts (which reads it for the
 * tab) plus the planning fields. `_id` is `<tenantId>:<circleId>:<weekStart>`: one cycle per circle and
 * week, claimed by one insert, so two confirmations at once cannot both plan the same week.
 */
type CycleDocument = PlannedCycle & {
  _id: string;
  /** The sessions' join URLs as a flat array, so a meeting is found by its join URL with one simple filter. */
  joinUrls: string[];
};

const toDocument = (cycle: PlannedCycle): CycleDocument => ({
  _id: cycleKey(cycle.tenantId, cycle.circleId, cycle.weekStart),
  ...cycle,
  joinUrls: cycle.sessions.flatMap((s) => (s.joinUrl ? [s.joinUrl] : [])),
});

const cycleKey = (tenantId: string, circleId: string, weekStart: string) =>
  `${tenantId}:${circleId}:${weekStart}`;

export class MongoCyclePlanRepository implements CycleRepository {
  private readonly collection: Collection<CycleDocument>;

  constructor(db: Db) {
    this.collection = db.collection<CycleDocument>(COLLECTIONS.cycles);
  }

  async create(cycle: PlannedCycle): Promise<boolean> {
    try {
      await this.collection.insertOne(toDocument(cycle));
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async findByCircleWeek(
    tenantId: string,
    circleId: string,
    weekStart: string,
  ): Promise<PlannedCycle | undefined> {
    const doc = await this.collection.findOne({ _id: cycleKey(tenantId, circleId, weekStart) });
    return doc ? strip(doc) : undefined;
  }

  async findById(tenantId: string, id: string): Promise<PlannedCycle | undefined> {
    const doc = await this.collection.findOne({ tenantId, id });
    return doc ? strip(doc) : undefined;
  }

  async update(cycle: PlannedCycle, expectedVersion: number): Promise<boolean> {
    // Guarded by version: atomic on MongoDB; FerretDB 1.24 runs filter and write as two steps.
    const { _id, ...fields } = toDocument(cycle);
    const result = await this.collection.updateOne({ _id, version: expectedVersion }, { $set: fields });
    return result.matchedCount === 1;
  }

  async findByJoinUrl(tenantId: string, joinUrl: string): Promise<PlannedCycle | undefined> {
    const doc = await this.collection.findOne({ tenantId, joinUrls: joinUrl });
    return doc ? strip(doc) : undefined;
  }

  async listForCircle(tenantId: string, circleId: string, fromWeek: string): Promise<PlannedCycle[]> {
    const docs = await this.collection
      .find({ tenantId, circleId, weekStart: { $gte: fromWeek } })
      .sort({ weekStart: 1 })
      .limit(60)
      .toArray();
    return docs.map(strip);
  }
}

function strip(doc: CycleDocument): PlannedCycle {
  const { _id, joinUrls: _joinUrls, ...cycle } = doc;
  return cycle;
}
