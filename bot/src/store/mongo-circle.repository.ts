import type { Collection, Db } from 'mongodb';
import type { Circle, CircleRepository } from '../domain/circle';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * A circle per chat: `_id` is `<tenantId>:<conversationId>`. `nameKey` (the name in lower case) is unique per
 * tenant; `memberAadObjectIds` (lower case) is a flat array so "the circles a person is in" is one indexed query.
 */
type CircleDocument = Circle & { _id: string; nameKey: string; memberAadObjectIds: string[] };

interface PlaceDocument {
  _id: string;
  circleId: string;
  createdAt: Date;
}

const circleKey = (tenantId: string, conversationId: string) => `${tenantId}:${conversationId}`;
const placeKey = (tenantId: string, aadObjectId: string, n: number) =>
  `${tenantId}:${aadObjectId.toLowerCase()}:${n}`;

export class MongoCircleRepository implements CircleRepository {
  private readonly circles: Collection<CircleDocument>;
  private readonly places: Collection<PlaceDocument>;

  constructor(db: Db) {
    this.circles = db.collection<CircleDocument>(COLLECTIONS.circles);
    this.places = db.collection<PlaceDocument>(COLLECTIONS.circlePlaces);
  }

  async findByChat(tenantId: string, conversationId: string): Promise<Circle | undefined> {
    const doc = await this.circles.findOne({ _id: circleKey(tenantId, conversationId) });
    return doc ? toCircle(doc) : undefined;
  }

  async findById(tenantId: string, circleId: string): Promise<Circle | undefined> {
    const doc = await this.circles.findOne({ tenantId, id: circleId });
    return doc ? toCircle(doc) : undefined;
  }

  async create(circle: Circle): Promise<'created' | 'chat_taken' | 'name_taken'> {
    try {
      await this.circles.insertOne(toDocument(circle));
      return 'created';
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Which unique key refused it: the chat (_id) or the name.
      const sameChat = await this.circles.findOne({
        _id: circleKey(circle.tenantId, circle.chat.conversationId),
      });
      return sameChat ? 'chat_taken' : 'name_taken';
    }
  }

  async update(circle: Circle, expectedVersion: number): Promise<boolean> {
    // Guarded by version: atomic on MongoDB; FerretDB 1.24 runs filter and write as two steps.
    const { _id, ...fields } = toDocument(circle);
    const result = await this.circles.updateOne({ _id, version: expectedVersion }, { $set: fields });
    return result.matchedCount === 1;
  }

  async removeForming(circle: Circle): Promise<void> {
    await this.circles.deleteOne({
      _id: circleKey(circle.tenantId, circle.chat.conversationId),
      id: circle.id,
      status: 'forming',
    });
  }

  async listForMember(tenantId: string, aadObjectId: string): Promise<Circle[]> {
    const docs = await this.circles
      .find({ tenantId, memberAadObjectIds: aadObjectId.toLowerCase() })
      .sort({ createdAt: 1 })
      .limit(50)
      .toArray();
    return docs.map(toCircle);
  }

  async claimPlace(tenantId: string, aadObjectId: string, circleId: string, max: number): Promise<boolean> {
    const keys = Array.from({ length: max }, (_, n) => placeKey(tenantId, aadObjectId, n));
    // Already holding a place for this circle (a repeated attempt): that is the place.
    for (const _id of keys) {
      if ((await this.places.findOne({ _id }))?.circleId === circleId) return true;
    }
    for (const _id of keys) {
      try {
        await this.places.insertOne({ _id, circleId, createdAt: new Date() });
        return true;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    return false;
  }

  async releasePlace(tenantId: string, aadObjectId: string, circleId: string, max: number): Promise<void> {
    for (let n = 0; n < max; n++) {
      await this.places.deleteOne({ _id: placeKey(tenantId, aadObjectId, n), circleId });
    }
  }
}

function toDocument(circle: Circle): CircleDocument {
  return {
    _id: circleKey(circle.tenantId, circle.chat.conversationId),
    ...circle,
    nameKey: circle.name.toLowerCase(),
    memberAadObjectIds: circle.members.map((m) => m.aadObjectId.toLowerCase()),
  };
}

function toCircle(doc: CircleDocument): Circle {
  const { _id, nameKey: _nameKey, memberAadObjectIds: _members, ...circle } = doc;
  return circle;
}
