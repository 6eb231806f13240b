import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import type { Service } from '../../bot/src/main';
import { person, personalInstall, TENANT_ID } from '../support/activities';
import { FakeBotConnector } from '../support/bot-connector.fake';
import { callTabApi, composeTraject } from '../support/flows';
import { postActivity, startTestService } from '../support/service';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/**
 * The administrator's erasure for someone who left (`npm run erase-person`): the same erasure as the tab's,
 * run as a command against the service's database; refused, changing nothing, without the confirmation.
 */
describe('erase-person (the administrator’s erasure)', () => {
  let connector: FakeBotConnector;
  let service: Service;
  let client: MongoClient;
  const leaver = person('Vertrokken Collega');
  const stays = person('Blijvende Collega');

  const erase = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        [
          path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
          path.join(ROOT, 'bot/src/admin/erase-person.ts'),
          ...args,
        ],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            MONGODB_URI: service.config.mongo.uri,
            MONGODB_DB: service.config.mongo.dbName,
          },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const trajects = () => client.db(service.config.mongo.dbName).collection('trajects');

  beforeAll(async () => {
    connector = await new FakeBotConnector().start();
    service = await startTestService({ TAB_DEV_MODE: 'true' });
    client = await MongoClient.connect(service.config.mongo.uri!);
    for (const who of [leaver, stays])
      await postActivity(service, personalInstall(connector.serviceUrl, who));
    // The leaver names the one who stays as manager; the one who stays names nobody.
    expect(await composeTraject(service, connector, stays)).toContain('Prof-traject');
    expect(await composeTraject(service, connector, leaver, { manager: stays.aadObjectId })).toContain(
      'Prof-traject',
    );
    expect(await trajects().countDocuments({})).toBe(2);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await connector?.stop();
  });

  it('refuses without the confirmation or with ids that are not GUIDs, and erases nothing', async () => {
    const noConfirm = await erase(TENANT_ID, leaver.aadObjectId);
    expect(noConfirm.code).toBe(2);
    expect(noConfirm.stderr).toContain('Nothing was erased');
    const wrongConfirm = await erase(
      TENANT_ID,
      leaver.aadObjectId,
      '--confirm',
      `${TENANT_ID}:${stays.aadObjectId}`,
    );
    expect(wrongConfirm.code).toBe(2);
    const notAGuid = await erase(
      TENANT_ID,
      'vertrokken@contoso.nl',
      '--confirm',
      `${TENANT_ID}:vertrokken@contoso.nl`,
    );
    expect(notAGuid.code).toBe(2);
    expect(notAGuid.stderr).toContain('Entra object id');
    expect(await trajects().countDocuments({})).toBe(2);
  });

  it('erases the person as the tab would, leaves the others, and erases nothing more when run again', async () => {
    const done = await erase(
      TENANT_ID,
      leaver.aadObjectId,
      '--confirm',
      `${TENANT_ID}:${leaver.aadObjectId}`,
    );
    expect(done.code).toBe(0);
    const report = JSON.parse(done.stdout) as { erased: Record<string, number> };
    expect(report.erased).toMatchObject({ talentConversations: 1 });
    expect(await trajects().countDocuments({ ownerAadObjectId: leaver.aadObjectId })).toBe(0);
    expect(await trajects().countDocuments({ ownerAadObjectId: stays.aadObjectId })).toBe(1);
    const exported = await callTabApi(
      service,
      'GET',
      '/api/tab/me/export',
      `Dev ${TENANT_ID}:${leaver.aadObjectId}`,
    );
    expect(exported.body).toMatchObject({ professional: null, traject: null, ledger: [] });

    const again = await erase(
      TENANT_ID,
      leaver.aadObjectId,
      '--confirm',
      `${TENANT_ID}:${leaver.aadObjectId}`,
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ erased: { talentConversations: 0, ledgerEntries: 0 } });
  });
});
