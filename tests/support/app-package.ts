import { spawn } from 'node:child_process';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';

const ROOT = path.resolve(__dirname, '../..');

/** Example values, as `.ci/run` packages with. */
export const PACKAGE_ENV = {
  TEAMS_APP_ID: '6f1c2f0e-4a4b-4c7d-9a51-0d7a1b2c3d4e',
  MicrosoftAppId: '0b9d3a5e-2c1f-4e8a-b7d6-5f4e3d2c1b0a',
  PUBLIC_URL: 'https://wpl.example.nl',
} as const;

/**
 * Optional variables set empty, so a developer's .env (which the packager reads, as the service does)
 * cannot change what a test expects: dotenv never overrides a variable that is set, even to ''.
 */
const NEUTRAL = {
  APP_VERSION: '',
  APP_DEVELOPER_NAME: '',
  APP_WEBSITE_URL: '',
  APP_PRIVACY_URL: '',
  APP_TERMS_URL: '',
};

export interface PackagerRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run package` as a process of its own (the same command line the npm script runs). */
export function runPackager(env: Record<string, string>, args: string[] = []): Promise<PackagerRun> {
  const child = spawn(
    process.execPath,
    ['--disable-warning=DEP0111', '--import', 'tsx', path.join(ROOT, 'manifest/package-app.ts'), ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...NEUTRAL, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every entry of a zip file by its name, as the zip stores it. */
export async function readZip(file: string): Promise<Map<string, Buffer>> {
  const data = await readFile(file);
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(data, { lazyEntries: true }, (err, opened) => (err ? reject(err) : resolve(opened))),
  );
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

/** A JSON entry of the package. */
export function jsonEntry<T = Record<string, unknown>>(entries: Map<string, Buffer>, name: string): T {
  const data = entries.get(name);
  if (!data) throw new Error(`${name} is not in the package (it has ${[...entries.keys()].join(', ')})`);
  return JSON.parse(data.toString('utf8')) as T;
}
