import type { Collection, Db } from 'mongodb';
import type { Locale } from '../domain/locale';
import type {
  FirstContact,
  ProactiveAddress,
  Professional,
  ProfessionalRepository,
} from '../domain/professional';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/** `_id` is the natural key `<tenantId>:<aadObjectId>`: every look-up by person is an `_id` look-up. */
interface ProfessionalDocument {
  _id: string;
  tenantId: string;
  aadObjectId: string;
  name: string;
  locale: Locale;
  timeZone?: string;
  managerAadObjectId?: string;
  address?: ProactiveAddress;
  welcomedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export class MongoProfessionalRepository implements ProfessionalRepository {
  private readonly collection: Collection<ProfessionalDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ProfessionalDocument>(COLLECTIONS.professionals);
  }

  async upsertContact(contact: FirstContact, now: Date, localeIfNew: Locale): Promise<Professional> {
    const set: Partial<ProfessionalDocument> = { name: contact.name, updatedAt: now };
    const setOnInsert: Partial<ProfessionalDocument> = { createdAt: now };
    if (contact.locale) set.locale = contact.locale;
    else setOnInsert.locale = localeIfNew;
    // Never erase what we learnt earlier: a group-chat message carries no personal address and
    // a web client may not send a time zone.
    if (contact.timeZone) set.timeZone = contact.timeZone;
    if (contact.address) set.address = contact.address;

    const run = () =>
      this.collection.findOneAndUpdate(
        { _id: professionalId(contact.tenantId, contact.aadObjectId) },
        {
          $set: set,
          $setOnInsert: { ...setOnInsert, tenantId: contact.tenantId, aadObjectId: contact.aadObjectId },
        },
        { upsert: true, returnDocument: 'after' },
      );
    let doc: ProfessionalDocument | null;
    try {
      doc = await run();
    } catch (err) {
      // Two first messages at the same moment: both try to insert, the unique index lets one win,
      // and the loser's retry is a plain update of the winner's document.
      if (!isDuplicateKeyError(err)) throw err;
      doc = await run();
    }
    if (!doc) throw new Error('upsert returned no document');
    return toProfessional(doc);
  }

  async recordWelcome(tenantId: string, aadObjectId: string, at: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: professionalId(tenantId, aadObjectId) },
      { $set: { welcomedAt: at } },
    );
  }

  async setManager(
    tenantId: string,
    aadObjectId: string,
    managerAadObjectId: string | undefined,
    now: Date,
  ): Promise<boolean> {
    const _id = professionalId(tenantId, aadObjectId);
    const result = managerAadObjectId
      ? await this.collection.updateOne({ _id }, { $set: { managerAadObjectId, updatedAt: now } })
      : await this.collection.updateOne(
          { _id },
          { $unset: { managerAadObjectId: '' }, $set: { updatedAt: now } },
        );
    return result.matchedCount === 1;
  }

  async listSome(limit: number): Promise<Professional[]> {
    return (await this.collection.find({}).sort({ name: 1 }).limit(limit).toArray()).map(toProfessional);
  }

  async listByManager(tenantId: string, managerAadObjectId: string): Promise<Professional[]> {
    const docs = await this.collection.find({ tenantId, managerAadObjectId }).sort({ name: 1 }).toArray();
    return docs.map(toProfessional);
  }

  async remove(tenantId: string, aadObjectId: string): Promise<void> {
    await this.collection.deleteOne({ _id: professionalId(tenantId, aadObjectId) });
  }

  /** Takes a person's id out of the records of everyone who named them as manager. */
  async forgetManager(tenantId: string, managerAadObjectId: string): Promise<number> {
    const result = await this.collection.updateMany(
      { tenantId, managerAadObjectId },
      { $unset: { managerAadObjectId: '' } },
    );
    return result.modifiedCount;
  }

  async findByAadObjectId(tenantId: string, aadObjectId: string): Promise<Professional | undefined> {
    const doc = await this.collection.findOne({ _id: professionalId(tenantId, aadObjectId) });
    return doc ? toProfessional(doc) : undefined;
  }
}

function professionalId(tenantId: string, aadObjectId: string): string {
  return `${tenantId}:${aadObjectId}`;
}

function toProfessional(doc: ProfessionalDocument): Professional {
  return {
    id: doc._id,
    tenantId: doc.tenantId,
    aadObjectId: doc.aadObjectId,
    name: doc.name,
    locale: doc.locale,
    timeZone: doc.timeZone,
    managerAadObjectId: doc.managerAadObjectId,
    address: doc.address,
    welcomedAt: doc.welcomedAt,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
