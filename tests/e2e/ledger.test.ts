import { randomUUID } from 'node:crypto';
import type { Service } from '../../bot/src/main';
import { TrajectService } from '../../bot/src/domain/traject.service';
import { MongoTrajectRepository } from '../../bot/src/store/mongo-traject.repository';
import { TENANT_ID } from '../support/activities';
import { callTabApi } from '../support/flows';
import { startTestService } from '../support/service';

/** The professional's own ledger through the tab API (development-mode identities; SSO is tested apart). */
describe('the ledger: time used and development notes', () => {
  let service: Service;
  const me = `Dev ${TENANT_ID}:${randomUUID()}`;
  const someoneElse = `Dev ${TENANT_ID}:${randomUUID()}`;
  const today = new Date().toISOString().slice(0, 10);

  const ledgerOf = async (who: string) =>
    (await callTabApi(service, 'GET', '/api/tab/me', who)).body.ledger as Record<string, unknown>[];

  beforeAll(async () => {
    service = await startTestService({ TAB_DEV_MODE: 'true' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('records self-chosen learning once, however often the request is retried', async () => {
    const entry = {
      id: randomUUID(),
      learningKind: 'podcast',
      what: 'Podcast over feedback geven',
      date: today,
      minutes: 45,
    };
    const first = await callTabApi(service, 'POST', '/api/tab/me/time', me, entry);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ...entry, kind: 'time', source: 'self' });
    expect((await callTabApi(service, 'POST', '/api/tab/me/time', me, entry)).status).toBe(200);
    expect(
      (await callTabApi(service, 'POST', '/api/tab/me/time', me, { ...entry, minutes: 50 })).status,
    ).toBe(409);
    const ledger = await ledgerOf(me);
    expect(ledger.filter((e) => e.id === entry.id)).toEqual([expect.objectContaining({ minutes: 45 })]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no minutes', { minutes: 0 }],
    ['more than ten hours', { minutes: 601 }],
    ['a date in the future', { date: '2999-01-01' }],
    ['a date that does not exist', { date: '2026-02-30' }],
    ['no description', { what: '   ' }],
    ['a kind of learning we do not know', { learningKind: 'nap' }],
    ['minutes as text', { minutes: '45' }],
    ['no id', { id: undefined }],
  ])('refuses %s with 400 and records nothing', async (_name, change) => {
    const before = (await ledgerOf(me)).length;
    const entry = {
      id: randomUUID(),
      learningKind: 'book',
      what: 'Boek',
      date: today,
      minutes: 30,
      ...change,
    };
    const response = await callTabApi(service, 'POST', '/api/tab/me/time', me, entry);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'INVALID_INPUT', message: expect.any(String) } });
    expect((await ledgerOf(me)).length).toBe(before);
  });

  it('keeps notes private until the professional shares one, and only the owner can change or delete them', async () => {
    const id = randomUUID();
    const created = await callTabApi(service, 'POST', '/api/tab/me/notes', me, {
      id,
      text: 'Ik merk dat ik rustiger presenteer.',
    });
    expect(created.body).toMatchObject({ id, kind: 'note', sharedWithManager: false });

    expect(
      (
        await callTabApi(service, 'PATCH', `/api/tab/me/notes/${id}`, someoneElse, {
          sharedWithManager: true,
        })
      ).status,
    ).toBe(404);
    expect((await callTabApi(service, 'DELETE', `/api/tab/me/ledger/${id}`, someoneElse)).status).toBe(404);

    const shared = await callTabApi(service, 'PATCH', `/api/tab/me/notes/${id}`, me, {
      sharedWithManager: true,
    });
    expect(shared.body).toMatchObject({
      id,
      sharedWithManager: true,
      text: 'Ik merk dat ik rustiger presenteer.',
    });
    expect((await callTabApi(service, 'PATCH', `/api/tab/me/notes/${id}`, me, {})).status).toBe(400);
    expect(
      (await callTabApi(service, 'PATCH', `/api/tab/me/notes/${id}`, me, { text: 'x'.repeat(4001) })).status,
    ).toBe(400);

    expect((await callTabApi(service, 'DELETE', `/api/tab/me/ledger/${id}`, me)).status).toBe(204);
    expect((await ledgerOf(me)).some((e) => e.id === id)).toBe(false);
    expect((await callTabApi(service, 'DELETE', `/api/tab/me/ledger/${id}`, me)).status).toBe(404);
  });

  it('edits a note on the version it was made on, once, and refuses an edit made on an older version', async () => {
    const id = randomUUID();
    const path = `/api/tab/me/notes/${id}`;
    const created = await callTabApi(service, 'POST', '/api/tab/me/notes', me, { id, text: 'Eerste versie' });
    expect(created.body).toMatchObject({ version: 1 });

    const edit = { text: 'Tweede versie, in mijn woorden', version: 1 };
    const first = await callTabApi(service, 'PATCH', path, me, edit);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, text: 'Tweede versie, in mijn woorden', version: 2 });
    // The same edit again (a retry after a lost answer) changes nothing and is no conflict.
    const retry = await callTabApi(service, 'PATCH', path, me, edit);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ version: 2 });

    // Another window still showing version 1 tries to save something else.
    const stale = await callTabApi(service, 'PATCH', path, me, { text: 'Van een oud scherm', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({ error: { code: 'CONFLICT', message: expect.any(String) } });
    expect((await ledgerOf(me)).find((e) => e.id === id)).toMatchObject({
      text: 'Tweede versie, in mijn woorden',
      version: 2,
    });

    // Sharing needs no version and moves the version on, so an edit made before it is refused.
    expect((await callTabApi(service, 'PATCH', path, me, { sharedWithManager: true })).body).toMatchObject({
      version: 3,
    });
    expect((await callTabApi(service, 'PATCH', path, me, { text: 'Derde', version: 2 })).status).toBe(409);
    expect((await callTabApi(service, 'PATCH', path, me, { text: 'Derde', version: 3 })).body).toMatchObject({
      text: 'Derde',
      sharedWithManager: true,
      version: 4,
    });
    expect((await callTabApi(service, 'PATCH', path, me, { text: '   ', version: 4 })).status).toBe(400);
    expect((await callTabApi(service, 'PATCH', path, someoneElse, { text: 'x', version: 4 })).status).toBe(
      404,
    );
  });

  it('edits a note stored before notes had a version as version 1', async () => {
    const id = randomUUID();
    await callTabApi(service, 'POST', '/api/tab/me/notes', me, { id, text: 'Van voor de versies' });
    // As the previous release stored it: no version field.
    const unset = await service.mongo.db
      .collection('ledgerEntries')
      .updateOne({ id, kind: 'note' }, { $unset: { version: '' } });
    expect(unset.modifiedCount).toBe(1);
    expect((await ledgerOf(me)).find((e) => e.id === id)).toMatchObject({ version: 1 });
    const path = `/api/tab/me/notes/${id}`;
    expect((await callTabApi(service, 'PATCH', path, me, { text: 'Nu wel', version: 2 })).status).toBe(409);
    expect((await callTabApi(service, 'PATCH', path, me, { text: 'Nu wel', version: 1 })).body).toMatchObject(
      {
        text: 'Nu wel',
        version: 2,
      },
    );
  });

  it("counts the time used in the traject's totals", async () => {
    const who = `Dev ${TENANT_ID}:${randomUUID()}`;
    for (const minutes of [30, 60]) {
      await callTabApi(service, 'POST', '/api/tab/me/time', who, {
        id: randomUUID(),
        learningKind: 'elearning',
        what: 'Module AI',
        date: today,
        minutes,
      });
    }
    const entries = await ledgerOf(who);
    expect(entries.reduce((sum, e) => sum + (e.minutes as number), 0)).toBe(90);
  });
});

describe('changing talents and learning needs from the tab', () => {
  let service: Service;
  beforeAll(async () => {
    service = await startTestService({ TAB_DEV_MODE: 'true' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('saves own words on the current version once, and refuses an older version', async () => {
    const owner = { tenantId: TENANT_ID, aadObjectId: randomUUID() };
    const trajects = new TrajectService(new MongoTrajectRepository(service.mongo.db), {
      clock: () => new Date(),
      newId: randomUUID,
    });
    await trajects.save(
      owner,
      {
        startDate: new Date().toISOString().slice(0, 10),
        durationMonths: 6,
        activeWeeksTarget: 20,
        hoursPerWeek: 4,
        questions: [5],
        talents: 'oud',
        learningNeeds: 'oud',
      },
      { expectedVersion: 0, submissionId: randomUUID() },
    );
    const who = `Dev ${owner.tenantId}:${owner.aadObjectId}`;
    const patch = (body: unknown) =>
      fetch(`${service.url}/api/tab/me/traject`, {
        method: 'PATCH',
        headers: { authorization: who, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const change = {
      version: 1,
      submissionId: randomUUID(),
      talents: 'Nieuw talent',
      learningNeeds: 'Nieuwe behoefte',
    };
    const first = await patch(change);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ talents: 'Nieuw talent', version: 2 });
    expect((await patch(change)).status).toBe(200); // a retry changes nothing
    expect((await trajects.find(owner))?.version).toBe(2);
    expect((await patch({ ...change, submissionId: randomUUID(), talents: 'te laat' })).status).toBe(409);
    expect(
      (await patch({ ...change, version: 2, submissionId: randomUUID(), talents: 'x'.repeat(2001) })).status,
    ).toBe(400);
    expect((await trajects.find(owner))?.talents).toBe('Nieuw talent');
  });
});
