import type { Circle } from './circle';
import type { MeetingLinkRepository } from './meeting-link';
import type { CircleSession, CycleReader } from './cycle';
import type { EffectLedger } from './effects';
import type { LedgerEntry, LedgerRepository } from './ledger';
import type { Professional, ProfessionalRepository } from './professional';
import type { ProposalReader, ProposalSummary } from './proposal';
import type { SessionState } from './session';
import type { TalentConversation } from './talent-conversation';
import type { Traject, TrajectRepository } from './traject';
import type { Owner } from './traject.service';

/** Who is being erased, as the last pass looks for them: their ids and every name they were known by. */
export interface SweptPerson {
  tenantId: string;
  aadObjectId: string;
  /** Their Teams user ids ("29:…") and the id of their personal chat with the bot. */
  teamsIds: string[];
  names: string[];
}

/**
 * The last pass of an erasure (store/mongo-person-sweep.ts): every collection, every field, for whatever
 * still holds their ids or names, including other people's text that named them.
 */
export interface PersonSweep {
  /** Their names and Teams ids as the product's records know them; read before anything is removed. */
  known(tenantId: string, aadObjectId: string): Promise<{ names: string[]; teamsIds: string[] }>;
  erase(person: SweptPerson): Promise<{ changed: number; removed: number }>;
}

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
  /** The sessions of the cycles they are a member of, past and to come. */
  sessions: CircleSession[];
  /** The proposals they contributed to, whatever their status. */
  proposals: ProposalSummary[];
  /** The Prof-cirkels they are in (name and language; the other members' details are theirs). */
  circles: { name: string; locale: string; timeZone: string; memberCount: number; joinedVersion: number }[];
  /** What they did in their circles' sessions: their contributions, check-in and judgement. */
  /** Their talent-development conversations: dates, status, what was agreed and what they wanted to discuss. */
  talentConversations: Pick<TalentConversation, 'dueDate' | 'status' | 'heldOn' | 'agreements' | 'wishes'>[];
  sessionActivity: {
    circleName: string;
    date: string;
    contributions: { stage: string; text: string; at: string }[];
    energy: number | undefined;
    rating: { usefulness: number; feasibility: number } | undefined;
  }[];
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
      /** Absent until cycles are wired: then there are none to export or erase. */
      cycles?: Pick<CycleReader, 'sessionsFor' | 'forgetMember'>;
      /** The circles they are in: listed in the export, left on erasure. */
      circles?: {
        listForMember(tenantId: string, aadObjectId: string): Promise<Circle[]>;
        forgetMember(tenantId: string, aadObjectId: string): Promise<number>;
      };
      /** Absent until proposals are wired: then there are none to export or anonymise. */
      proposals?: Pick<ProposalReader, 'forContributor' | 'forgetContributor'>;
      /** The sessions they took part in: exported, and their name taken out on erasure. */
      sessions?: {
        listForMember(tenantId: string, aadObjectId: string): Promise<SessionState[]>;
        forgetMember(tenantId: string, aadObjectId: string): Promise<number>;
      };
      /** Their talent-development conversations (removed on erasure; as a manager, their id leaves others'). */
      talents?: {
        listForProfessional(tenantId: string, aadObjectId: string): Promise<TalentConversation[]>;
        forget(tenantId: string, aadObjectId: string): Promise<number>;
      };
      /**
       * Cancels the calendar events of these conversations once they are gone (Microsoft Graph configured):
       * asked before the conversations are removed, done a little later by a job.
       */
      talentCalendar?: { retire(conversationIds: readonly string[]): Promise<void> };
      /** Meetings linked to circles: who linked one is forgotten. */
      meetingLinks?: Pick<MeetingLinkRepository, 'forgetLinker'>;
      /** The last pass over everything (absent: only the targeted steps run). */
      sweep?: PersonSweep;
    },
  ) {}

  async export(owner: Owner): Promise<PersonalDataExport> {
    const { professionals, trajects, ledger, cycles, proposals, circles, clock } = this.parts;
    const me = owner.aadObjectId.toLowerCase();
    const talks = this.parts.talents
      ? await this.parts.talents.listForProfessional(owner.tenantId, owner.aadObjectId)
      : [];
    const ranSessions = this.parts.sessions
      ? await this.parts.sessions.listForMember(owner.tenantId, owner.aadObjectId)
      : [];
    const [professional, traject, entries, sessions, contributed, memberOf] = await Promise.all([
      professionals.findByAadObjectId(owner.tenantId, owner.aadObjectId),
      trajects.find(owner.tenantId, owner.aadObjectId),
      ledger.list(owner.tenantId, owner.aadObjectId),
      cycles ? cycles.sessionsFor(owner.tenantId, owner.aadObjectId) : [],
      proposals ? proposals.forContributor(owner.tenantId, owner.aadObjectId) : [],
      circles ? circles.listForMember(owner.tenantId, owner.aadObjectId) : [],
    ]);
    return {
      exportedAt: clock().toISOString(),
      professional: professional ?? null,
      traject: traject ?? null,
      ledger: entries,
      sessions,
      proposals: contributed,
      circles: memberOf.map((c) => ({
        name: c.name,
        locale: c.locale,
        timeZone: c.timeZone,
        memberCount: c.members.length,
        joinedVersion: c.version,
      })),
      talentConversations: talks.map((c) => ({
        dueDate: c.dueDate,
        status: c.status,
        heldOn: c.heldOn,
        agreements: c.agreements,
        wishes: c.wishes,
      })),
      sessionActivity: ranSessions.map((state) => ({
        circleName: state.header.circleName,
        date: state.header.date,
        contributions: state.contributions
          .filter((c) => c.by.toLowerCase() === me)
          .map((c) => ({ stage: c.stage, text: c.text, at: c.at })),
        energy: Object.entries(state.checkins).find(([aad]) => aad.toLowerCase() === me)?.[1],
        rating: Object.entries(state.ratings).find(([aad]) => aad.toLowerCase() === me)?.[1],
      })),
    };
  }

  /**
   * Idempotent: deleting again finds nothing and changes nothing. Proposals belong to the circle: they
   * stay, with the person taken out of their contributors (counted as anonymous); cycles lose them as a
   * member.
   */
  async erase(owner: Owner): Promise<{
    ledgerEntries: number;
    turnStates: number;
    managerLinks: number;
    cycleMemberships: number;
    proposalsAnonymised: number;
    circlesLeft: number;
    sessionsAnonymised: number;
    talentConversations: number;
    meetingLinksForgotten: number;
    documentsSwept: number;
  }> {
    const { professionals, trajects, ledger, effects, turnState, cycles, proposals, circles, sweep } =
      this.parts;
    const professional = await professionals.findByAadObjectId(owner.tenantId, owner.aadObjectId);
    // Read first: the steps below take them out of the circles and sessions that knew their other names.
    const known = sweep ? await sweep.known(owner.tenantId, owner.aadObjectId) : { names: [], teamsIds: [] };
    const teamsIds = [
      ...new Set(
        [professional?.address?.userId, professional?.address?.conversationId, ...known.teamsIds].filter(
          (id): id is string => typeof id === 'string' && id.length > 0,
        ),
      ),
    ];
    const ledgerEntries = await ledger.removeAll(owner.tenantId, owner.aadObjectId);
    await trajects.remove(owner.tenantId, owner.aadObjectId);
    const turnStates = teamsIds.length > 0 ? await turnState.purge(teamsIds) : 0;
    const managerLinks = await professionals.forgetManager(owner.tenantId, owner.aadObjectId);
    const cycleMemberships = cycles ? await cycles.forgetMember(owner.tenantId, owner.aadObjectId) : 0;
    const proposalsAnonymised = proposals
      ? await proposals.forgetContributor(owner.tenantId, owner.aadObjectId)
      : 0;
    const circlesLeft = circles ? await circles.forgetMember(owner.tenantId, owner.aadObjectId) : 0;
    const sessionsAnonymised = this.parts.sessions
      ? await this.parts.sessions.forgetMember(owner.tenantId, owner.aadObjectId)
      : 0;
    if (this.parts.talents && this.parts.talentCalendar) {
      const own = await this.parts.talents.listForProfessional(owner.tenantId, owner.aadObjectId);
      await this.parts.talentCalendar.retire(own.map((c) => c.id));
    }
    const talentConversations = this.parts.talents
      ? await this.parts.talents.forget(owner.tenantId, owner.aadObjectId)
      : 0;
    const meetingLinksForgotten = this.parts.meetingLinks
      ? await this.parts.meetingLinks.forgetLinker(owner.tenantId, owner.aadObjectId)
      : 0;
    await effects.forget(`welcome:${owner.tenantId}:${owner.aadObjectId}`);
    const swept = sweep
      ? await sweep.erase({
          tenantId: owner.tenantId,
          aadObjectId: owner.aadObjectId,
          teamsIds,
          names: [...new Set([professional?.name, ...known.names])].filter(
            (n): n is string => typeof n === 'string' && n.trim() !== '',
          ),
        })
      : { changed: 0, removed: 0 };
    // Last, so a failure above can be retried: the record is what tells us their Teams ids and names.
    await professionals.remove(owner.tenantId, owner.aadObjectId);
    return {
      ledgerEntries,
      turnStates,
      managerLinks,
      cycleMemberships,
      proposalsAnonymised,
      circlesLeft,
      sessionsAnonymised,
      talentConversations,
      meetingLinksForgotten,
      documentsSwept: swept.changed + swept.removed,
    };
  }
}
