import type { Locale } from './locale';

/**
 * Where to reach a professional proactively: the parts of a Bot Framework conversation reference
 * that are needed to post into their personal chat with the bot. Plain data; no Teams types here.
 */
/**
 * The shape of an Entra object id: a GUID in Teams. The Microsoft 365 Agents Playground's built-in users have
 * a longer last group (13 hex digits), so the shape is checked, not GUID-ness: who may actually be chosen is
 * decided elsewhere (the chat's roster, the tenant).
 */
export const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,16}$/i;

export interface ProactiveAddress {
  channelId: string;
  serviceUrl: string;
  conversationId: string;
  conversationType: string | undefined;
  tenantId: string;
  botId: string;
  botName: string | undefined;
  userId: string;
}

export interface Professional {
  id: string;
  tenantId: string;
  aadObjectId: string;
  name: string;
  locale: Locale;
  timeZone: string | undefined;
  managerAadObjectId: string | undefined;
  /** Present once the person has a personal chat with the bot. */
  address: ProactiveAddress | undefined;
  welcomedAt: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** What one activity tells us about the person who sent it (identity already verified by the channel). */
export interface FirstContact {
  tenantId: string;
  aadObjectId: string;
  name: string;
  /** Undefined when the activity carried no locale (then what we knew stays, or the default for someone new). */
  locale: Locale | undefined;
  timeZone: string | undefined;
  /** Only for personal chats: a group chat is not where their private cards belong. */
  address: ProactiveAddress | undefined;
}

export interface ProfessionalRepository {
  /** Creates or refreshes the record for (tenantId, aadObjectId); never makes a second one. */
  upsertContact(contact: FirstContact, now: Date, localeIfNew: Locale): Promise<Professional>;
  /** Notes when the welcome went out (informational: the effect ledger is what makes it happen once). */
  recordWelcome(tenantId: string, aadObjectId: string, at: Date): Promise<void>;
  findByAadObjectId(tenantId: string, aadObjectId: string): Promise<Professional | undefined>;
  /** Sets (or with undefined, clears) who the professional's manager is; false when there is no such professional. */
  setManager(
    tenantId: string,
    aadObjectId: string,
    managerAadObjectId: string | undefined,
    now: Date,
  ): Promise<boolean>;
  /** Some professionals, by name (development mode's identity picker). */
  listSome(limit: number): Promise<Professional[]>;
  /** The professionals who named this manager as theirs. */
  listByManager(tenantId: string, managerAadObjectId: string): Promise<Professional[]>;
}
