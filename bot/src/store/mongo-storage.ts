import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { Collection, Db, Filter } from 'mongodb';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * How turn state is kept, and why this way:
 *
 * Each write of a key inserts an immutable revision document with `_id` "r:<key>#<rev>". Of any number of
 * writers that read revision n, exactly one can insert revision n+1: the `_id` is unique, and an insert
 * against a unique index is atomic on every MongoDB-protocol server. A filtered update would not do:
 * FerretDB 1.24 runs `updateOne({_id, eTag})` as a query followed by a write by `_id`, so two writers
 * holding the same eTag would both "match".
 *
 * A pointer document "h:<key>" remembers the newest revision number; readers start there and step forward
 * while a next revision exists, so a writer that died between inserting and moving the pointer costs a
 * reader one extra look-up and loses nothing. Every look-up is by `_id` alone: FerretDB's SQLite backend
 * answers only that from an index and scans the collection for any other filter.
 *
 * Older revisions are pruned once the pointer has moved past them. A writer that stalled long enough for
 * its target slot to be pruned could insert into it again; it then sees that the chain has moved on (a
 * newer revision that is not its child, or a pointer at or past its slot), removes its insert and reports
 * the write as stale.
 */
interface PointerDocument {
  _id: string;
  rev: number;
  updatedAt: Date;
}

interface RevisionDocument {
  _id: string;
  key: string;
  rev: number;
  eTag: string;
  /** The eTag of the revision this one replaced (undefined for the first). */
  parent?: string;
  /** The item as JSON text: turn state holds keys with dots or a leading `$`, and nested arrays. */
  json?: string;
  /** A deletion marker: reads see no item, and old eTags stay stale. */
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
const MAX_ATTEMPTS = 20;

const pointerId = (key: string) => `h:${key}`;
const revisionId = (key: string, rev: number) => `r:${key}#${rev}`;

/**
 * botbuilder `Storage` on MongoDB with eTag semantics, for teams-ai's turn state.
 * - A write without eTag, or with `*`, is unconditional (last writer wins).
 * - A write with the eTag that was read succeeds only if nobody wrote or deleted the item since;
 *   otherwise it throws StaleWriteError and the stored item stays as the other writer left it.
 */
export class MongoStorage implements Storage {
  private readonly pointers: Collection<PointerDocument>;
  private readonly revisions: Collection<RevisionDocument>;

  constructor(db: Db, collectionName: string = COLLECTIONS.botState) {
    this.pointers = db.collection<PointerDocument>(collectionName);
    this.revisions = db.collection<RevisionDocument>(collectionName);
  }

  async read(keys: string[]): Promise<StoreItems> {
    assertKeys(keys);
    const items: StoreItems = {};
    const heads = await Promise.all(
      [...new Set(keys)].map(async (key) => [key, await this.head(key)] as const),
    );
    for (const [key, head] of heads) {
      if (!head || head.deleted || head.json === undefined) continue;
      items[key] = { ...(JSON.parse(head.json) as StoreItem), eTag: head.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    assertKeys(Object.keys(changes));
    await Promise.all(
      Object.entries(changes).map(([key, item]) => {
        const { eTag, ...rest } = (item ?? {}) as StoreItem;
        if (eTag !== undefined && eTag !== null && typeof eTag !== 'string') {
          throw new TypeError(`Storage: eTag of "${key}" must be a string`);
        }
        const expected =
          eTag === undefined || eTag === null || eTag === '' || eTag === '*' ? undefined : eTag;
        return this.writeRevision(key, JSON.stringify(rest), expected);
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    assertKeys(keys);
    await Promise.all([...new Set(keys)].map((key) => this.writeRevision(key, undefined, undefined)));
  }

  /**
   * Physically removes every pointer and revision whose key contains one of `ids` (a person's Teams user id
   * or conversation id), for the right to erasure: a deletion marker would keep the key, and so the id.
   */
  async purge(ids: readonly string[]): Promise<number> {
    const escaped = ids.filter((id) => id.length > 0).map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    if (escaped.length === 0) return 0;
    const result = await this.revisions.deleteMany({ _id: { $regex: escaped.join('|') } });
    return result.deletedCount;
  }

  /**
   * Retention: removes what of `key` was written before `before`, at most `perDelete` revisions in one
   * delete. An item whose newest revision is that old goes whole (its pointer first, then its revisions
   * from the oldest up, so a reader meanwhile finds no item rather than an old revision); of a newer item,
   * the revisions the pointer has moved past. `item` says whether the item was removed.
   */
  async expire(key: string, before: Date, perDelete: number): Promise<{ revisions: number; item: boolean }> {
    const pointer = await this.pointers.findOne({ _id: pointerId(key) });
    const head = await this.head(key);
    const old = { key, writtenAt: { $lt: before } };
    if (head && head.writtenAt.getTime() >= before.getTime()) {
      // Behind the pointer: readers and writers start at the pointer and never look there again.
      if (!pointer) return { revisions: 0, item: false };
      return {
        revisions: await this.removeOldest({ ...old, rev: { $lt: pointer.rev } }, perDelete, 1),
        item: false,
      };
    }
    if (pointer) await this.pointers.deleteOne({ _id: pointerId(key), rev: pointer.rev });
    // Without a head every revision left is unreachable: it goes too, or a later chain would step into it.
    const revisions = await this.removeOldest(head ? { ...old, rev: { $lte: head.rev } } : old, perDelete);
    if (head) {
      // A writer that appended after our read keeps its revision: give it its pointer back.
      let rev = head.rev;
      while (await this.revisions.findOne({ _id: revisionId(key, rev + 1) })) rev += 1;
      if (rev > head.rev) await this.movePointer(key, rev);
    }
    return { revisions, item: head !== undefined };
  }

  private async removeOldest(
    filter: Filter<RevisionDocument>,
    perDelete: number,
    times = Infinity,
  ): Promise<number> {
    let removed = 0;
    for (let i = 0; i < times; i++) {
      const ids = (
        await this.revisions
          .find(filter, { projection: { _id: 1 } })
          .sort({ rev: 1 })
          .limit(perDelete)
          .toArray()
      ).map((r) => r._id);
      if (ids.length === 0) break;
      removed += (await this.revisions.deleteMany({ ...filter, _id: { $in: ids } })).deletedCount;
      if (ids.length < perDelete) break;
    }
    return removed;
  }

  /** json undefined: a deletion marker. expected undefined: unconditional. */
  private async writeRevision(
    key: string,
    json: string | undefined,
    expected: string | undefined,
  ): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.head(key);
      if (expected !== undefined && (!head || head.deleted || head.eTag !== expected)) {
        throw new StaleWriteError(key);
      }
      if (json === undefined && (!head || head.deleted)) return; // nothing to delete
      if (await this.append(key, head, json)) return;
      if (expected !== undefined) throw new StaleWriteError(key);
    }
    throw new Error(`Storage: "${key}" is being written too often to store an unconditional write`);
  }

  /** Inserts the revision after `head`; false when another writer got there first. */
  private async append(
    key: string,
    head: RevisionDocument | undefined,
    json: string | undefined,
  ): Promise<boolean> {
    const rev = (head?.rev ?? 0) + 1;
    const doc: RevisionDocument = {
      _id: revisionId(key, rev),
      key,
      rev,
      eTag: randomUUID(),
      ...(head ? { parent: head.eTag } : {}),
      ...(json === undefined ? { deleted: true as const } : { json }),
      writtenAt: new Date(),
    };
    try {
      await this.revisions.insertOne(doc);
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
    if (await this.chainMovedPast(key, doc)) {
      await this.revisions.deleteOne({ _id: doc._id });
      return false;
    }
    await this.movePointer(key, rev);
    // Best effort: a revision left behind is never read (readers start at the pointer) and costs only space.
    if (rev > 1) await this.revisions.deleteOne({ _id: revisionId(key, rev - 1) }).catch(() => undefined);
    return true;
  }

  /** True when `doc` landed in a slot that was pruned after the chain had already moved past it. */
  private async chainMovedPast(key: string, doc: RevisionDocument): Promise<boolean> {
    const next = await this.revisions.findOne({ _id: revisionId(key, doc.rev + 1) });
    if (next) return next.parent !== doc.eTag; // someone built on us: fine; on another: we are a fork
    const pointer = await this.pointers.findOne({ _id: pointerId(key) });
    return pointer !== null && pointer.rev >= doc.rev;
  }

  private async movePointer(key: string, rev: number): Promise<void> {
    const update = { $max: { rev }, $set: { updatedAt: new Date() } };
    try {
      await this.pointers.updateOne({ _id: pointerId(key) }, update, { upsert: true });
    } catch (err) {
      // Two first writers raced to create the pointer; the loser's update now finds it.
      if (!isDuplicateKeyError(err)) throw err;
      await this.pointers.updateOne({ _id: pointerId(key) }, update);
    }
  }

  /** The newest revision of a key: from the pointer, forward while a next revision exists. */
  private async head(key: string): Promise<RevisionDocument | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const pointer = await this.pointers.findOne({ _id: pointerId(key) });
      let rev = pointer?.rev ?? 0;
      let head = rev > 0 ? await this.revisions.findOne({ _id: revisionId(key, rev) }) : null;
      for (;;) {
        const next = await this.revisions.findOne({ _id: revisionId(key, rev + 1) });
        if (!next) break;
        head = next;
        rev += 1;
      }
      // The pointer's revision was pruned between our two look-ups: read the pointer again.
      if (pointer && !head) continue;
      return head ?? undefined;
    }
    throw new Error(`Storage: could not read a stable revision of "${key}"`);
  }
}

function assertKeys(keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
      throw new TypeError('Storage: keys must be non-empty strings of at most 512 characters');
    }
  }
}
