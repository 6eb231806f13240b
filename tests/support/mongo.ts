import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';

export interface TestDatabase {
  uri: string;
  dbName: string;
  client: MongoClient;
  db: Db;
  /** Drops the database and closes the client. */
  cleanup(): Promise<void>;
}

export function testMongoUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri)
    throw new Error(
      'TEST_MONGODB_URI is not set: run the tests with `npm test` (jest globalSetup starts MongoDB)',
    );
  return uri;
}

export function uniqueDbName(prefix: string): string {
  return `t_${prefix.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}_${randomBytes(4).toString('hex')}`;
}

/** A fresh database on the run's real MongoDB server. */
export async function openTestDatabase(prefix: string): Promise<TestDatabase> {
  const uri = testMongoUri();
  const dbName = uniqueDbName(prefix);
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
  const db = client.db(dbName);
  return {
    uri,
    dbName,
    client,
    db,
    async cleanup() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}
