import path from 'node:path';
import { resolveMongo, type ResolvedMongo } from '../../bot/src/store/mongo-server.resolver';

declare global {
  var __TEST_MONGO__: ResolvedMongo | undefined;
}

/**
 * One real MongoDB-protocol server for the whole run, found like `npm start` finds one:
 * MONGODB_URI, else FerretDB (FERRETDB_BIN, PATH, or the project cache), else mongodb-memory-server.
 * Test files each use their own database on it.
 */
export default async function globalSetup(): Promise<void> {
  const resolved = await resolveMongo({
    uri: process.env.MONGODB_URI,
    ferretdbBin: process.env.FERRETDB_BIN,
    searchPath: process.env.PATH,
    projectRoot: path.resolve(__dirname, '..', '..'),
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`\n[tests] MongoDB for this run: ${resolved.description}\n`);
  // Workers inherit the environment of the process that ran globalSetup.
  process.env.TEST_MONGODB_URI = resolved.uri;
  process.env.TEST_MONGODB_KIND = resolved.kind;
  globalThis.__TEST_MONGO__ = resolved;
}
