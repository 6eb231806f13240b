import type { EffectLedger } from './effects';
import type { LedgerEntry, LedgerRepository } from './ledger';
import type { Professional, ProfessionalRepository } from './professional';
import type { Traject, TrajectRepository } from './traject';
import type { Owner } from './traject.service';

/** Removing what the bot framework keeps per user and per conversation (turn state). */
export interface TurnStatePurger {
  /** Removes every stored state whose key contains one of these ids (Teams user id, conversation id). */
  purge(ids: readonly string[]): Promise<number>;
}

export interface PersonalDataExport {
  exportedAt: string;
  professional: Professional | null;
  traject: Traject | null;
  ledger: LedgerEntry[];
}

/**
 * The professional's rights under the AVG/GDPR: to get everything the product holds about them, and to have
 * it removed. Removal also takes their id out of other people's records (someone who named them as manager).
 */
export class DataRightsService {
  constructor(
    private readonly parts: {
      professionals: ProfessionalRepository & {
        remove(tenantId: string, aadObjectId: string): Promise<void>;
        forgetManager(tenantId: string, managerAadObjectId: string): Promise<number>;
      };
      trajects: TrajectRepository & { remove(tenantId: string, ownerAadObjectId: string): Promise<void> };
      ledger: LedgerRepository & { removeAll(tenantId: string, ownerAadObjectId: string): Promise<number> };
      effects: EffectLedger & { forget(key: string): Promise<void> };
      turnState: TurnStatePurger;
      clock: () => Date;
    },
  ) {}

  async export(owner: Owner): Promise<PersonalDataExport> {
    const { professionals, trajects, ledger, clock } = this.parts;
    const [professional, traject, entries] = await Promise.all([
      professionals.findByAadObjectId(owner.tenantId, owner.aadObjectId),
      trajects.find(owner.tenantId, owner.aadObjectId),
      ledger.list(owner.tenantId, owner.aadObjectId),
    ]);
    return {
      exportedAt: clock().toISOString(),
      professional: professional ?? null,
      traject: traject ?? null,
      ledger: entries,
    };
  }

  /** Idempotent: deleting again finds nothing and changes nothing. */
  async erase(owner: Owner): Promise<{ ledgerEntries: number; turnStates: number; managerLinks: number }> {
    const { professionals, trajects, ledger, effects, turnState } = this.parts;
    const professional = await professionals.findByAadObjectId(owner.tenantId, owner.aadObjectId);
    const teamsIds = [professional?.address?.userId, professional?.address?.conversationId].filter(
      (id): id is string => typeof id === 'string' && id.length > 0,
    );
    const ledgerEntries = await ledger.removeAll(owner.tenantId, owner.aadObjectId);
    await trajects.remove(owner.tenantId, owner.aadObjectId);
    const turnStates = teamsIds.length > 0 ? await turnState.purge(teamsIds) : 0;
    const managerLinks = await professionals.forgetManager(owner.tenantId, owner.aadObjectId);
    await effects.forget(`welcome:${owner.tenantId}:${owner.aadObjectId}`);
    // Last, so a failure above can be retried: the record is what tells us their Teams ids.
    await professionals.remove(owner.tenantId, owner.aadObjectId);
    return { ledgerEntries, turnStates, managerLinks };
  }
}
