import { MongoClient, type Db } from 'mongodb';

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  /** True while the server answers a ping within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function connectMongo(
  uri: string,
  dbName: string,
  appName = 'werkplekleren-plus',
): Promise<MongoConnection> {
  const client = new MongoClient(uri, {
    appName,
    // Fail a turn in seconds rather than hang it for the driver's default 30 s when the database is gone.
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
  });
  await client.connect();
  const db = client.db(dbName);
  let closed = false;
  return {
    client,
    db,
    async ping(timeoutMs = 2_000) {
      if (closed) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return await Promise.race([
          db.command({ ping: 1 }).then(
            (r) => r.ok === 1,
            () => false,
          ),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
