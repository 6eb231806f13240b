import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { Collection, Db, ObjectId } from 'mongodb';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * One revision of one storage key. Revisions are only ever inserted, never updated: writing revision
 * n+1 is an insert against the unique index (key, rev), so of any number of concurrent writers that
 * read revision n exactly one succeeds. A filtered update cannot give that guarantee everywhere:
 * FerretDB 1.24 runs `updateOne({_id, eTag})` as a query followed by a write by _id, so two writers
 * holding the same eTag would both "match". An insert against a unique index is atomic on every
 * MongoDB-protocol server.
 */
interface RevisionDocument {
  _id?: ObjectId;
  key: string;
  rev: number;
  eTag: string;
  /** Absent for a deletion marker (tombstone). */
  json?: string;
  deleted?: true;
  writtenAt: Date;
}

export class StaleWriteError extends Error {
  readonly code = 'STALE_WRITE';
  constructor(readonly key: string) {
    super(`Storage: the item "${key}" changed or was deleted since it was read (eTag conflict)`);
    this.name = 'StaleWriteError';
  }
}

/** Unconditional writes retry when another writer took the next revision first; this bounds the loop. */
const MAX_UNCONDITIONAL_ATTEMPTS = 20;

/**
 * botbuilder `Storage` on MongoDB with eTag semantics, for teams-ai's turn state.
 * - A write without eTag, or with `*`, is unconditional (last writer wins).
 * - A write with the eTag that was read succeeds only if nobody wrote or deleted the item since;
 *   otherwise it throws StaleWriteError and stores nothing.
 * Items are stored as JSON text: turn state holds arbitrary keys (dots, a leading `$`) and nested
 * arrays, which MongoDB field names and FerretDB documents cannot all hold.
 */
export class MongoStorage implements Storage {
  private readonly collection: Collection<RevisionDocument>;

  constructor(db: Db, collectionName: string = COLLECTIONS.botState) {
    this.collection = db.collection<RevisionDocument>(collectionName);
  }

  async read(keys: string[]): Promise<StoreItems> {
    assertKeys(keys);
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const heads = await this.heads(keys);
    for (const [key, head] of heads) {
      if (head.deleted || head.json === undefined) continue;
      items[key] = { ...(JSON.parse(head.json) as StoreItem), eTag: head.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    assertKeys(Object.keys(changes));
    await Promise.all(
      Object.entries(changes).map(([key, item]) => this.writeOne(key, (item ?? {}) as StoreItem)),
    );
  }

  async delete(keys: string[]): Promise<void> {
    assertKeys(keys);
    await Promise.all(keys.map((key) => this.appendUnconditionally(key, undefined)));
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    const { eTag: expected, ...rest } = item;
    const json = JSON.stringify(rest);
    if (expected === undefined || expected === null || expected === '' || expected === '*') {
      await this.appendUnconditionally(key, json);
      return;
    }
    if (typeof expected !== 'string') throw new TypeError(`Storage: eTag of "${key}" must be a string`);
    const head = (await this.heads([key])).get(key);
    if (!head || head.deleted || head.eTag !== expected) throw new StaleWriteError(key);
    if (!(await this.append(key, head.rev + 1, json))) throw new StaleWriteError(key);
  }

  /** Writes the next revision whatever the current one is (json undefined: a deletion marker). */
  private async appendUnconditionally(key: string, json: string | undefined): Promise<void> {
    for (let attempt = 0; attempt < MAX_UNCONDITIONAL_ATTEMPTS; attempt++) {
      const head = (await this.heads([key])).get(key);
      if (json === undefined && (!head || head.deleted)) return; // nothing to delete
      if (await this.append(key, (head?.rev ?? 0) + 1, json)) return;
    }
    throw new Error(`Storage: "${key}" is being written too often to store an unconditional write`);
  }

  /**
   * Inserts revision `rev`; false when another writer got there first. A writer that stalled while others
   * wrote and pruned could find `rev` free again, so the insert only counts if it is still the newest.
   */
  private async append(key: string, rev: number, json: string | undefined): Promise<boolean> {
    const doc: RevisionDocument =
      json === undefined
        ? { key, rev, eTag: randomUUID(), deleted: true, writtenAt: new Date() }
        : { key, rev, eTag: randomUUID(), json, writtenAt: new Date() };
    let insertedId: ObjectId;
    try {
      insertedId = (await this.collection.insertOne(doc)).insertedId;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
    const head = (await this.heads([key])).get(key);
    if (head && head.rev > rev) {
      await this.collection.deleteOne({ _id: insertedId });
      return false;
    }
    // Best effort: a crash here leaves an older revision behind, which reads ignore and the next write prunes.
    await this.collection.deleteMany({ key, rev: { $lt: rev } }).catch(() => undefined);
    return true;
  }

  /** The newest revision of each key (the revision being pruned may still be seen; the newest wins). */
  private async heads(keys: readonly string[]): Promise<Map<string, RevisionDocument>> {
    // One equality query per key rather than one `$in`: FerretDB pushes equality down to SQLite and its
    // index, but scans the whole collection for `$in` (measured with `npm run bench`).
    const perKey = await Promise.all(
      [...new Set(keys)].map((key) =>
        this.collection
          .find({ key }, { projection: { _id: 0 } })
          .sort({ rev: -1 })
          .limit(1)
          .toArray(),
      ),
    );
    const heads = new Map<string, RevisionDocument>();
    for (const [doc] of perKey) {
      if (doc) heads.set(doc.key, doc);
    }
    return heads;
  }
}

function assertKeys(keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
      throw new TypeError('Storage: keys must be non-empty strings of at most 512 characters');
    }
  }
}
