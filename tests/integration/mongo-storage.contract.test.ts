import { MongoClient } from 'mongodb';
import { ensureIndexes } from '../../bot/src/store/collections';
import { MongoStorage } from '../../bot/src/store/mongo-storage';
import { openTestDatabase } from '../support/mongo';
import { describeStorageContract } from '../support/storage-contract';

describeStorageContract('MongoStorage on a real MongoDB server', async () => {
  const t = await openTestDatabase('storage');
  await ensureIndexes(t.db);
  // A second client is a second replica: nothing shared in memory.
  const otherClient = await MongoClient.connect(t.uri);
  return {
    storage: new MongoStorage(t.db),
    other: new MongoStorage(otherClient.db(t.dbName)),
    async cleanup() {
      await otherClient.close();
      await t.cleanup();
    },
  };
});
