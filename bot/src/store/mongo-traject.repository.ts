import type { Collection, Db } from 'mongodb';
import type { Traject, TrajectRepository } from '../domain/traject';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/** One traject per professional; `_id` is `<tenantId>:<aadObjectId>`, so every look-up is by `_id`. */
type TrajectDocument = Omit<Traject, 'lastSubmissionId'> & { _id: string; lastSubmissionId?: string };

const trajectKey = (tenantId: string, aadObjectId: string) => `${tenantId}:${aadObjectId}`;

export class MongoTrajectRepository implements TrajectRepository {
  private readonly collection: Collection<TrajectDocument>;

  constructor(db: Db) {
    this.collection = db.collection<TrajectDocument>(COLLECTIONS.trajects);
  }

  async find(tenantId: string, ownerAadObjectId: string): Promise<Traject | undefined> {
    const doc = await this.collection.findOne({ _id: trajectKey(tenantId, ownerAadObjectId) });
    return doc ? toTraject(doc) : undefined;
  }

  async remove(tenantId: string, ownerAadObjectId: string): Promise<void> {
    await this.collection.deleteOne({ _id: trajectKey(tenantId, ownerAadObjectId) });
  }

  async create(traject: Traject): Promise<boolean> {
    try {
      await this.collection.insertOne(toDocument(traject));
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async update(traject: Traject, expectedVersion: number): Promise<boolean> {
    // Guarded by version. On MongoDB the filter and the write are one atomic step; FerretDB 1.24 runs
    // them as two, so two different submissions at the very same moment could both pass there.
    const { _id, ...fields } = toDocument(traject);
    const result = await this.collection.updateOne({ _id, version: expectedVersion }, { $set: fields });
    return result.matchedCount === 1;
  }
}

function toDocument(traject: Traject): TrajectDocument {
  const { lastSubmissionId, ...rest } = traject;
  return {
    _id: trajectKey(traject.tenantId, traject.ownerAadObjectId),
    ...rest,
    ...(lastSubmissionId ? { lastSubmissionId } : {}),
  };
}

function toTraject(doc: TrajectDocument): Traject {
  const { _id, lastSubmissionId, ...traject } = doc;
  return { ...traject, lastSubmissionId };
}
