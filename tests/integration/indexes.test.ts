import { COLLECTIONS, INDEXES, ensureIndexes } from '../../bot/src/store/collections';
import { openTestDatabase, type TestDatabase } from '../support/mongo';

describe('ensureIndexes on a real MongoDB server', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase('indexes');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('creates every collection of the design with its indexes, and can run again (another replica starting)', async () => {
    await ensureIndexes(t.db);
    await Promise.all([ensureIndexes(t.db), ensureIndexes(t.db)]);

    const names = (await t.db.listCollections().toArray()).map((c) => c.name).sort();
    expect(names).toEqual(Object.values(COLLECTIONS).sort());

    for (const [collection, expected] of Object.entries(INDEXES)) {
      const actual = await t.db.collection(collection).indexes();
      for (const index of expected) {
        const found = actual.find((a) => a.name === index.name);
        expect({ collection, name: index.name, key: found?.key, unique: found?.unique ?? false }).toEqual({
          collection,
          name: index.name,
          key: index.key,
          unique: index.unique ?? false,
        });
      }
    }
  });

  it.each([
    ['professionals', { tenantId: 't', aadObjectId: 'a' }],
    ['deliveries', { key: 'nudge:1' }],
    ['jobs', { key: 'job:1' }],
    ['proposals', { idempotencyKey: 'p1' }],
  ])('refuses a second %s document with the same unique key', async (collection, doc) => {
    await ensureIndexes(t.db);
    await t.db.collection(collection).insertOne({ ...doc });
    await expect(t.db.collection(collection).insertOne({ ...doc })).rejects.toMatchObject({ code: 11000 });
    expect(await t.db.collection(collection).countDocuments(doc)).toBe(1);
  });

  it('refuses a second session event under the same number (who made a step is decided by _id)', async () => {
    await ensureIndexes(t.db);
    const events = t.db.collection<{ _id: string; seq: number }>('sessionEvents');
    await events.insertOne({ _id: 'tenant:circle:cycle:2#3', seq: 3 });
    await expect(events.insertOne({ _id: 'tenant:circle:cycle:2#3', seq: 3 })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await events.countDocuments({ _id: 'tenant:circle:cycle:2#3' })).toBe(1);
  });
});
