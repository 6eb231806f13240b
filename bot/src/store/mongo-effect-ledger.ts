import type { Collection, Db } from 'mongodb';
import type { EffectLedger } from '../domain/effects';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

interface EffectDocument {
  key: string;
  kind: string;
  status: 'sent';
  createdAt: Date;
}

/** Effects done in the reply to a turn are recorded in the outbox collection too, keyed by their unique key. */
export class MongoEffectLedger implements EffectLedger {
  private readonly collection: Collection<EffectDocument>;

  constructor(db: Db) {
    this.collection = db.collection<EffectDocument>(COLLECTIONS.deliveries);
  }

  /** Removes a claimed effect, so its key (which may hold a person's ids) is gone. */
  async forget(key: string): Promise<void> {
    await this.collection.deleteMany({ key });
  }

  async claim(key: string, kind: string, now: Date): Promise<boolean> {
    try {
      await this.collection.insertOne({ key, kind, status: 'sent', createdAt: now });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }
}
