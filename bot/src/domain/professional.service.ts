import type { EffectLedger } from './effects';
import { DomainError } from './errors';
import type { Locale } from './locale';
import type { FirstContact, Professional, ProfessionalRepository } from './professional';

export interface FirstContactResult {
  professional: Professional;
  /** True when this call is the one that should send the welcome card. */
  shouldWelcome: boolean;
}

const MAX_NAME_LENGTH = 256;

export class ProfessionalService {
  constructor(
    private readonly professionals: ProfessionalRepository,
    private readonly effects: EffectLedger,
    private readonly options: { defaultLocale: Locale; clock: () => Date },
  ) {}

  /**
   * Records the person behind an activity (upserted, never duplicated) and decides, once, whether they
   * still need a welcome. A welcome is only due where we can talk to them privately, and only from an
   * activity the caller trusts to know their language (`mayWelcome`).
   */
  /**
   * Who the professional's manager is, as they named them. Nobody is their own manager. Whether the
   * manager exists in the tenant is checked against Microsoft Graph where it is configured (later issue).
   */
  async setManager(
    tenantId: string,
    aadObjectId: string,
    managerAadObjectId: string | undefined,
  ): Promise<void> {
    if (managerAadObjectId !== undefined && managerAadObjectId.toLowerCase() === aadObjectId.toLowerCase()) {
      throw new DomainError('INVALID_INPUT', 'A professional cannot be their own manager', {
        field: 'manager',
      });
    }
    await this.professionals.setManager(tenantId, aadObjectId, managerAadObjectId, this.options.clock());
  }

  listSome(limit: number): Promise<Professional[]> {
    return this.professionals.listSome(limit);
  }

  reportsOf(tenantId: string, managerAadObjectId: string): Promise<Professional[]> {
    return this.professionals.listByManager(tenantId, managerAadObjectId);
  }

  find(tenantId: string, aadObjectId: string): Promise<Professional | undefined> {
    return this.professionals.findByAadObjectId(tenantId, aadObjectId);
  }

  async recordContact(
    contact: FirstContact,
    { mayWelcome }: { mayWelcome: boolean },
  ): Promise<FirstContactResult> {
    if (!contact.tenantId || !contact.aadObjectId) {
      throw new DomainError(
        'IDENTITY_MISSING',
        'An activity without tenant or AAD object id cannot be attributed',
      );
    }
    const now = this.options.clock();
    const clean: FirstContact = {
      ...contact,
      name: contact.name.trim().slice(0, MAX_NAME_LENGTH),
    };
    const professional = await this.professionals.upsertContact(clean, now, this.options.defaultLocale);
    if (!mayWelcome || professional.welcomedAt !== undefined || contact.address === undefined) {
      return { professional, shouldWelcome: false };
    }
    // Teams delivers an install as conversationUpdate and installationUpdate, and may resend either:
    // the ledger's unique key lets exactly one of them welcome.
    const shouldWelcome = await this.effects.claim(
      `welcome:${contact.tenantId}:${contact.aadObjectId}`,
      'welcome',
      now,
    );
    if (shouldWelcome) {
      await this.professionals.recordWelcome(contact.tenantId, contact.aadObjectId, now);
      return { professional: { ...professional, welcomedAt: now }, shouldWelcome };
    }
    return { professional, shouldWelcome };
  }
}
