import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parseConfig } from '../../bot/src/config';
import { startService } from '../../bot/src/main';
import { testMongoUri, uniqueDbName } from '../support/mongo';

/** At start the service reads the organisation's videoframes next to its own, and says which it refused. */
describe('videoframes at start', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'org-frames-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs the frames it uses and each refused file with its reason, and starts all the same', async () => {
    writeFileSync(path.join(dir, 'kapot.json'), '{"id": "kapot"');
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = parseConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      MONGODB_URI: testMongoUri(),
      MONGODB_DB: uniqueDbName('frames'),
      VIDEOFRAMES_DIR: dir,
    });
    const service = await startService(config, pino({ level: 'info' }, sink));
    try {
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    } finally {
      await service.stop();
    }
    expect(lines.find((l) => l.msg === 'videoframe refused')).toMatchObject({
      file: path.join(dir, 'kapot.json'),
      reason: expect.stringMatching(/^not valid JSON/),
    });
    expect(lines.find((l) => l.msg === 'videoframes loaded')).toMatchObject({ videoframes: ['standaard'] });
  });
});
