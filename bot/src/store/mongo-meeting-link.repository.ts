import type { Collection, Db } from 'mongodb';
import type { MeetingLink, MeetingLinkRepository } from '../domain/meeting-link';
import { COLLECTIONS } from './collections';

/** One document per meeting chat: `_id` is `<tenantId>:<conversationId>`. */
type MeetingLinkDocument = MeetingLink & { _id: string };

const linkKey = (tenantId: string, conversationId: string) => `${tenantId}:${conversationId}`;

export class MongoMeetingLinkRepository implements MeetingLinkRepository {
  private readonly collection: Collection<MeetingLinkDocument>;

  constructor(db: Db) {
    this.collection = db.collection<MeetingLinkDocument>(COLLECTIONS.meetingLinks);
  }

  async save(link: MeetingLink): Promise<void> {
    const _id = linkKey(link.tenantId, link.chat.conversationId);
    await this.collection.replaceOne({ _id }, link, { upsert: true });
  }

  async findByChat(tenantId: string, conversationId: string): Promise<MeetingLink | undefined> {
    const doc = await this.collection.findOne({ _id: linkKey(tenantId, conversationId) });
    if (!doc) return undefined;
    const { _id, ...link } = doc;
    return link;
  }

  async listForCircle(tenantId: string, circleId: string): Promise<MeetingLink[]> {
    const docs = await this.collection.find({ tenantId, circleId }).limit(100).toArray();
    return docs.map(({ _id, ...link }) => link);
  }

  async forgetLinker(tenantId: string, aadObjectId: string): Promise<number> {
    const result = await this.collection.updateMany(
      { tenantId, linkedBy: aadObjectId },
      { $set: { linkedBy: '' } },
    );
    return result.modifiedCount;
  }
}
