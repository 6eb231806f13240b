import type { Collection, Db } from 'mongodb';
import type { TalentCalendarEntry, TalentCalendarRepository } from '../domain/talent-calendar';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * What the calendar shows of each talent-development conversation, in `talentCalendar` under `_id` = the
 * conversation's id. Written only by the calendar sync; a save never lowers the revision.
 */
type EntryDocument = TalentCalendarEntry & { _id: string };

export class MongoTalentCalendarRepository implements TalentCalendarRepository {
  private readonly collection: Collection<EntryDocument>;

  constructor(db: Db) {
    this.collection = db.collection<EntryDocument>(COLLECTIONS.talentCalendar);
  }

  async get(conversationId: string): Promise<TalentCalendarEntry | undefined> {
    const doc = await this.collection.findOne({ _id: conversationId });
    if (!doc) return undefined;
    const { _id, ...entry } = doc;
    return entry;
  }

  async save(entry: TalentCalendarEntry): Promise<void> {
    // Undefined fields left out (the driver would store them as null).
    const doc = JSON.parse(JSON.stringify({ _id: entry.conversationId, ...entry })) as EntryDocument;
    const replaced = await this.collection.replaceOne(
      { _id: entry.conversationId, revision: { $lte: entry.revision } },
      doc,
    );
    if (replaced.matchedCount === 1) return;
    try {
      await this.collection.insertOne(doc);
    } catch (err) {
      // There is one already, with a newer revision: it stays.
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  async remove(conversationId: string): Promise<void> {
    await this.collection.deleteOne({ _id: conversationId });
  }
}
