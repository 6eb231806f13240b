import type { Collection, Db } from 'mongodb';
import type { TalentConversation, TalentConversationRepository } from '../domain/talent-conversation';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * Talent-development conversations in `talentConversations`, one document each under `_id`
 * `<tenantId>:<professional>:<seq>` (the domain's id): planning the next one is a unique insert.
 * The unique (tenant, professional, dueDate) index keeps two conversations of one person off one date.
 */
type TalentDocument = TalentConversation & { _id: string };

export class MongoTalentConversationRepository implements TalentConversationRepository {
  private readonly collection: Collection<TalentDocument>;

  constructor(db: Db) {
    this.collection = db.collection<TalentDocument>(COLLECTIONS.talentConversations);
  }

  async insert(conversation: TalentConversation): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: conversation.id, ...plain(conversation) });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<TalentConversation | undefined> {
    const doc = await this.collection.findOne({ _id: id });
    return doc ? strip(doc) : undefined;
  }

  async listForProfessional(tenantId: string, aadObjectId: string): Promise<TalentConversation[]> {
    const docs = await this.collection
      .find({ tenantId, professionalAadObjectId: aadObjectId.toLowerCase() })
      .sort({ seq: 1 })
      .toArray();
    return docs.map(strip);
  }

  async listForManager(tenantId: string, managerAadObjectId: string): Promise<TalentConversation[]> {
    const docs = await this.collection
      .find({ tenantId, managerAadObjectId: managerAadObjectId.toLowerCase() })
      .sort({ dueDate: 1 })
      .limit(2000)
      .toArray();
    return docs.map(strip);
  }

  async update(conversation: TalentConversation, expectedVersion: number): Promise<boolean> {
    // Guarded by version: atomic on MongoDB; FerretDB 1.24 runs filter and write as two steps.
    const result = await this.collection.replaceOne(
      { _id: conversation.id, version: expectedVersion },
      { ...plain(conversation) },
    );
    return result.matchedCount === 1;
  }

  async forget(tenantId: string, aadObjectId: string): Promise<number> {
    const me = aadObjectId.toLowerCase();
    const own = await this.collection.deleteMany({ tenantId, professionalAadObjectId: me });
    const managed = await this.collection.updateMany(
      { tenantId, managerAadObjectId: me },
      { $unset: { managerAadObjectId: '' } },
    );
    return own.deletedCount + managed.modifiedCount;
  }
}

/** Leaves out fields that are undefined (the driver would store them as null). */
function plain(conversation: TalentConversation): TalentConversation {
  return JSON.parse(JSON.stringify(conversation)) as TalentConversation;
}

function strip(doc: TalentDocument): TalentConversation {
  const { _id, ...conversation } = doc;
  return conversation;
}
