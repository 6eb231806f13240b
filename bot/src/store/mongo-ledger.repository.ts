import type { Collection, Db } from 'mongodb';
import type { DevelopmentNote, LedgerEntry, LedgerRepository } from '../domain/ledger';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * One document per entry. `_id` is `<tenantId>:<aadObjectId>:<entry id>`: the entry id comes from the client
 * (so a retried request is recognised), and prefixing the owner means nobody can address another
 * person's entry, whatever id they send.
 */
type LedgerDocument = LedgerEntry & { _id: string };

/** Notes written before notes had a version are at version 1. */
const FIRST_VERSION = 1;

const entryKey = (tenantId: string, ownerAadObjectId: string, id: string) =>
  `${tenantId}:${ownerAadObjectId}:${id}`;

export class MongoLedgerRepository implements LedgerRepository {
  private readonly collection: Collection<LedgerDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LedgerDocument>(COLLECTIONS.ledgerEntries);
  }

  async list(tenantId: string, ownerAadObjectId: string): Promise<LedgerEntry[]> {
    const docs = await this.collection.find({ tenantId, ownerAadObjectId }).sort({ createdAt: 1 }).toArray();
    return docs.map(strip);
  }

  async insert(entry: LedgerEntry): Promise<boolean> {
    try {
      await this.collection.insertOne({
        ...entry,
        _id: entryKey(entry.tenantId, entry.ownerAadObjectId, entry.id),
      });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async get(tenantId: string, ownerAadObjectId: string, id: string): Promise<LedgerEntry | undefined> {
    const doc = await this.collection.findOne({ _id: entryKey(tenantId, ownerAadObjectId, id) });
    return doc ? strip(doc) : undefined;
  }

  async replaceNote(note: DevelopmentNote, expectedVersion: number): Promise<boolean> {
    const _id = entryKey(note.tenantId, note.ownerAadObjectId, note.id);
    // Guarded by version. On MongoDB the filter and the write are one atomic step; FerretDB 1.24 runs them
    // as two (see mongo-traject.repository.ts), which is acceptable for one person's own notes.
    const filter =
      expectedVersion === FIRST_VERSION
        ? { _id, $or: [{ version: FIRST_VERSION }, { version: { $exists: false } }] }
        : { _id, version: expectedVersion };
    const result = await this.collection.replaceOne(filter, note);
    return result.matchedCount === 1;
  }

  async removeAll(tenantId: string, ownerAadObjectId: string): Promise<number> {
    const result = await this.collection.deleteMany({ tenantId, ownerAadObjectId });
    return result.deletedCount;
  }

  async remove(tenantId: string, ownerAadObjectId: string, id: string): Promise<boolean> {
    const result = await this.collection.deleteOne({ _id: entryKey(tenantId, ownerAadObjectId, id) });
    return result.deletedCount === 1;
  }
}

function strip(doc: LedgerDocument): LedgerEntry {
  const { _id, ...entry } = doc;
  return entry.kind === 'note' ? { ...entry, version: entry.version ?? FIRST_VERSION } : entry;
}
