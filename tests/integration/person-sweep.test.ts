import { ensureIndexes } from '../../bot/src/store/collections';
import { MongoPersonSweep } from '../../bot/src/store/mongo-person-sweep';
import { openTestDatabase, type TestDatabase } from '../support/mongo';

const TENANT = 'tenant-sweep';
const GONE = '6a0f3c1e-0b8d-4c2a-9f1e-2d3c4b5a6978';
const FEMKE_J = '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9';

/**
 * The last pass of an erasure on a real database: what it removes, what it rewrites and, as important, what
 * it leaves: a living colleague's name, and a mention that could be theirs.
 */
describe('the erasure sweep', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase('person-sweep');
    await ensureIndexes(t.db);
  });
  afterAll(async () => t.cleanup());

  it('takes out their ids and name everywhere, and keeps colleagues’ names and what could be theirs', async () => {
    const db = t.db;
    await db.collection('professionals').insertMany([
      {
        tenantId: TENANT,
        aadObjectId: GONE,
        name: 'Femke de Vries',
        locale: 'nl',
        address: { userId: `29:${GONE}`, conversationId: 'a:1femkeprivate' },
      },
      { tenantId: TENANT, aadObjectId: FEMKE_J, name: 'Femke Jansen', locale: 'en' },
    ]);
    await db.collection('circles').insertMany([
      {
        _id: `${TENANT}:19:one@thread.v2` as never,
        tenantId: TENANT,
        id: 'c1',
        name: 'Team Femke de Vries',
        nameKey: 'team femke de vries',
        locale: 'en',
        members: [{ aadObjectId: 'e5f6a7b8-0000-4000-8000-000000000001', name: 'Piet Vries-Bakker' }],
        memberAadObjectIds: ['e5f6a7b8-0000-4000-8000-000000000001'],
      },
      {
        _id: `${TENANT}:19:two@thread.v2` as never,
        tenantId: TENANT,
        id: 'c2',
        name: 'Team de Vries',
        nameKey: 'team de vries',
        locale: 'nl',
        members: [],
        memberAadObjectIds: [],
      },
    ]);
    await db.collection('ledgerEntries').insertOne({
      tenantId: TENANT,
      ownerAadObjectId: FEMKE_J,
      text: 'Femke de Vries hielp me. Femke zei het ook. De Vries’ aanpak werkt.',
      checkins: { [GONE]: 4, other: 2 },
      seenBy: [GONE, FEMKE_J],
    });
    await db.collection('circlePlaces').insertOne({ _id: `${TENANT}:${GONE}:0` as never, tenantId: TENANT });
    // A card still waiting for her own chat, under a key that does not name her.
    await db.collection('deliveries').insertOne({
      _id: 'talent-preparation:conv-7:2027-01-04' as never,
      key: 'talent-preparation:conv-7:2027-01-04',
      tenantId: TENANT,
      conversationId: 'a:1femkeprivate',
      status: 'pending',
    });
    await db.collection('botState').insertOne({
      _id: 'h:msteams/conversations/a:1femkeprivate' as never,
      rev: 1,
    });
    await db.collection('sessionEvents').insertOne({
      _id: 's1#4' as never,
      tenantId: TENANT,
      sessionId: 's1',
      event: { type: 'contributed', by: `29:${GONE}`, text: 'FEMKE DE VRIES weet het' },
      // Lower-casing "İ" gives two characters: an id after it is still found whole.
      note: `İlknur vroeg 29:${GONE.toUpperCase()} om hulp`,
    });

    const sweep = new MongoPersonSweep(db, { defaultLocale: 'nl' });
    const known = await sweep.known(TENANT, GONE);
    expect(known).toEqual({ names: ['Femke de Vries'], teamsIds: [`29:${GONE}`, 'a:1femkeprivate'] });
    const result = await sweep.erase({ tenantId: TENANT, aadObjectId: GONE, ...known });
    expect(result.removed).toBe(3);

    const note = await db.collection('ledgerEntries').findOne({ ownerAadObjectId: FEMKE_J });
    // "Femke" alone could be Femke Jansen: it stays. "De Vries" could be Piet Vries-Bakker: it stays too.
    expect(note).toMatchObject({
      text: 'Een oud-lid hielp me. Femke zei het ook. De Vries’ aanpak werkt.',
      checkins: { erased: 4, other: 2 },
      seenBy: [FEMKE_J],
    });
    const circles = await db.collection('circles').find({}).sort({ id: 1 }).toArray();
    expect(circles.map((c) => [c.name as string, c.nameKey as string])).toEqual([
      ['Team a former member', 'team a former member'],
      ['Team de Vries', 'team de vries'],
    ]);
    expect(circles[0]!.members).toEqual([
      { aadObjectId: 'e5f6a7b8-0000-4000-8000-000000000001', name: 'Piet Vries-Bakker' },
    ]);
    expect(await db.collection('professionals').findOne({ aadObjectId: FEMKE_J })).toMatchObject({
      name: 'Femke Jansen',
    });
    expect(await db.collection('circlePlaces').countDocuments({})).toBe(0);
    expect(await db.collection('botState').countDocuments({})).toBe(0);
    expect(await db.collection('deliveries').countDocuments({})).toBe(0);
    expect((await db.collection('sessionEvents').findOne({ _id: 's1#4' as never }))!.note).toBe(
      'İlknur vroeg erased om hulp',
    );
    expect((await db.collection('sessionEvents').findOne({ _id: 's1#4' as never }))!.event).toEqual({
      type: 'contributed',
      by: 'erased',
      text: 'Een oud-lid weet het',
    });

    // Again: nothing left to change.
    expect(await sweep.erase({ tenantId: TENANT, aadObjectId: GONE, ...known })).toEqual({
      changed: 0,
      removed: 0,
    });
  });

  it('gives a name that would collide with another circle’s a number', async () => {
    const db = t.db;
    await db.collection('circles').insertMany([
      { tenantId: 'tenant-2', id: 'x1', name: 'Kring Sjoukje Hylkema', nameKey: 'kring sjoukje hylkema' },
      { tenantId: 'tenant-2', id: 'x2', name: 'Kring een oud-lid', nameKey: 'kring een oud-lid' },
    ]);
    const sweep = new MongoPersonSweep(db, { defaultLocale: 'nl' });
    await sweep.erase({ tenantId: 'tenant-2', aadObjectId: GONE, teamsIds: [], names: ['Sjoukje Hylkema'] });
    expect((await db.collection('circles').findOne({ id: 'x1' }))!.name).toBe('Kring een oud-lid 2');
  });
});
