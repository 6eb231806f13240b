import type { FirstContact } from '../../bot/src/domain/professional';
import { ProfessionalService } from '../../bot/src/domain/professional.service';
import { ensureIndexes } from '../../bot/src/store/collections';
import { MongoEffectLedger } from '../../bot/src/store/mongo-effect-ledger';
import { MongoProfessionalRepository } from '../../bot/src/store/mongo-professional.repository';
import { openTestDatabase, type TestDatabase } from '../support/mongo';

const address = {
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  conversationId: 'a:1abc',
  conversationType: 'personal',
  tenantId: 'tenant-1',
  botId: '28:bot',
  botName: 'Werkplekleren+',
  userId: '29:user',
};

function contact(overrides: Partial<FirstContact> = {}): FirstContact {
  return {
    tenantId: 'tenant-1',
    aadObjectId: 'aad-1',
    name: 'Sanne de Vries',
    locale: 'nl',
    timeZone: 'Europe/Amsterdam',
    address,
    ...overrides,
  };
}

const welcomeAllowed = { mayWelcome: true };

describe('professionals on a real MongoDB server', () => {
  let t: TestDatabase;
  let repository: MongoProfessionalRepository;
  let service: ProfessionalService;

  beforeEach(async () => {
    t = await openTestDatabase('prof');
    await ensureIndexes(t.db);
    repository = new MongoProfessionalRepository(t.db);
    service = new ProfessionalService(repository, new MongoEffectLedger(t.db), {
      defaultLocale: 'nl',
      clock: () => new Date('2026-11-26T10:00:00Z'),
    });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('records a first contact with everything needed to reach the person later', async () => {
    const { professional, shouldWelcome } = await service.recordContact(contact(), welcomeAllowed);
    expect(shouldWelcome).toBe(true);
    expect(professional).toMatchObject({
      tenantId: 'tenant-1',
      aadObjectId: 'aad-1',
      name: 'Sanne de Vries',
      locale: 'nl',
      timeZone: 'Europe/Amsterdam',
      address,
      createdAt: new Date('2026-11-26T10:00:00Z'),
    });
    expect(professional.id).toBe('tenant-1:aad-1');
    const stored = await t.db.collection('professionals').findOne({ aadObjectId: 'aad-1' });
    expect(stored?.welcomedAt).toEqual(new Date('2026-11-26T10:00:00Z'));
  });

  it('keeps one record per person and welcomes once, however many activities arrive at the same moment', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => service.recordContact(contact(), welcomeAllowed)),
    );
    expect(results.filter((r) => r.shouldWelcome)).toHaveLength(1);
    expect(new Set(results.map((r) => r.professional.id)).size).toBe(1);
    expect(await t.db.collection('professionals').countDocuments({ aadObjectId: 'aad-1' })).toBe(1);
  });

  it('refreshes name and locale but never erases the personal address or the time zone it learnt', async () => {
    await service.recordContact(contact(), welcomeAllowed);
    const later = await service.recordContact(
      contact({ name: 'Sanne de Vries-Bakker', locale: 'en', timeZone: undefined, address: undefined }),
      welcomeAllowed,
    );
    expect(later.shouldWelcome).toBe(false);
    expect(later.professional).toMatchObject({
      name: 'Sanne de Vries-Bakker',
      locale: 'en',
      timeZone: 'Europe/Amsterdam',
      address,
    });
  });

  it('does not welcome someone it only met in a group chat, and welcomes them once they open a personal chat', async () => {
    const inGroup = await service.recordContact(contact({ address: undefined }), welcomeAllowed);
    expect(inGroup.shouldWelcome).toBe(false);
    const personal = await service.recordContact(contact(), welcomeAllowed);
    expect(personal.shouldWelcome).toBe(true);
    expect((await service.recordContact(contact(), welcomeAllowed)).shouldWelcome).toBe(false);
  });

  it('keeps the language it knows when an activity states none, and uses the default for someone new', async () => {
    await service.recordContact(contact({ locale: 'en' }), welcomeAllowed);
    const silent = await service.recordContact(contact({ locale: undefined }), welcomeAllowed);
    expect(silent.professional.locale).toBe('en');
    const newcomer = await service.recordContact(
      contact({ aadObjectId: 'aad-2', locale: undefined }),
      welcomeAllowed,
    );
    expect(newcomer.professional.locale).toBe('nl');
  });

  it('records but does not welcome from an activity the caller does not trust with the language', async () => {
    const first = await service.recordContact(contact({ locale: undefined }), { mayWelcome: false });
    expect(first.shouldWelcome).toBe(false);
    const second = await service.recordContact(contact({ locale: 'en' }), welcomeAllowed);
    expect(second).toMatchObject({ shouldWelcome: true, professional: { locale: 'en' } });
  });

  it('tells people in different tenants apart', async () => {
    await service.recordContact(contact(), welcomeAllowed);
    await service.recordContact(contact({ tenantId: 'tenant-2' }), welcomeAllowed);
    expect(await t.db.collection('professionals').countDocuments({ aadObjectId: 'aad-1' })).toBe(2);
    expect(await repository.findByAadObjectId('tenant-2', 'aad-1')).toMatchObject({ tenantId: 'tenant-2' });
    expect(await repository.findByAadObjectId('tenant-3', 'aad-1')).toBeUndefined();
  });

  it('refuses a contact without identity and writes nothing', async () => {
    await expect(service.recordContact(contact({ aadObjectId: '' }), welcomeAllowed)).rejects.toMatchObject({
      code: 'IDENTITY_MISSING',
    });
    expect(await t.db.collection('professionals').countDocuments({})).toBe(0);
  });

  it('cuts an oversized display name instead of storing it whole', async () => {
    const { professional } = await service.recordContact(contact({ name: 'x'.repeat(5000) }), welcomeAllowed);
    expect(professional.name).toHaveLength(256);
  });
});
