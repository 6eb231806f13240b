import type { Db, IndexDescription } from 'mongodb';

/**
 * Every collection of the product with its indexes, made at start (createIndexes is idempotent).
 * Unique indexes are where a duplicate would be a bug: they are the last line of idempotency when
 * Teams resends an invoke, someone double-clicks, or a job runs on two replicas at once.
 * FerretDB (SQLite) has no partial indexes and no nested arrays, so keys stay flat; it uses an index only
 * for a filter that is exactly `{ _id: value }`, so hot look-ups go by a natural `_id` where there is one.
 */
export const COLLECTIONS = {
  professionals: 'professionals',
  circles: 'circles',
  circlePlaces: 'circlePlaces',
  meetingLinks: 'meetingLinks',
  trajects: 'trajects',
  ledgerEntries: 'ledgerEntries',
  cycles: 'cycles',
  sessions: 'sessions',
  sessionEvents: 'sessionEvents',
  proposals: 'proposals',
  talentConversations: 'talentConversations',
  talentCalendar: 'talentCalendar',
  deliveries: 'deliveries',
  jobs: 'jobs',
  claims: 'claims',
  rateSlots: 'rateSlots',
  unreachableConversations: 'unreachableConversations',
  botState: 'botState',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

export const INDEXES: Readonly<Record<CollectionName, readonly IndexDescription[]>> = {
  professionals: [
    // One record per person per tenant, however often they are seen.
    { key: { tenantId: 1, aadObjectId: 1 }, name: 'uniq_tenant_aad', unique: true },
    { key: { tenantId: 1, managerAadObjectId: 1 }, name: 'by_manager' },
  ],
  circles: [
    // Names are unique per organisation regardless of case ("Zorgteam" and "zorgteam" are one).
    { key: { tenantId: 1, nameKey: 1 }, name: 'uniq_tenant_name_key', unique: true },
    // One circle per chat: its _id is `<tenantId>:<conversationId>`, found by _id.
    { key: { tenantId: 1, memberAadObjectIds: 1 }, name: 'by_member' },
    { key: { tenantId: 1, id: 1 }, name: 'by_id' },
  ],
  // One traject per professional: its _id is the owner's `<tenantId>:<aadObjectId>`, unique by itself.
  trajects: [{ key: { tenantId: 1, ownerAadObjectId: 1 }, name: 'by_owner' }],
  // Time used and development notes, one document each, found by owner.
  ledgerEntries: [{ key: { tenantId: 1, ownerAadObjectId: 1, createdAt: 1 }, name: 'by_owner' }],
  // A person's places in circles: `_id` is `<tenantId>:<aadObjectId>:<n>` for n below the configured
  // maximum, so taking a place is one unique insert (atomic on every MongoDB-protocol server).
  circlePlaces: [],
  // Which circle a meeting chat belongs to: `_id` is `<tenantId>:<conversationId>`.
  meetingLinks: [{ key: { tenantId: 1, circleId: 1 }, name: 'by_circle' }],
  cycles: [
    { key: { circleId: 1, weekStart: 1 }, name: 'uniq_circle_week', unique: true },
    // A cycle by its id (the calendar link).
    { key: { tenantId: 1, id: 1 }, name: 'by_id' },
    // A member's upcoming sessions (mongo-cycle.repository.ts).
    { key: { tenantId: 1, memberAadObjectIds: 1, weekStart: 1 }, name: 'by_member_week' },
  ],
  // A session's state (a snapshot of its events): `_id` is the session id, one per cycle day (or per circle
  // and date outside a cycle), so the four days of a cycle are four sessions by construction.
  sessions: [{ key: { tenantId: 1, memberAadObjectIds: 1 }, name: 'by_member' }],
  // A session's events: `_id` is `<sessionId>#<seq>`; the unique _id decides who made each step.
  sessionEvents: [{ key: { sessionId: 1, seq: 1 }, name: 'by_session' }],
  proposals: [
    { key: { idempotencyKey: 1 }, name: 'uniq_idempotency_key', unique: true },
    { key: { circleId: 1, createdAt: -1 }, name: 'by_circle' },
    // A contributor's proposals (mongo-proposal.repository.ts).
    { key: { tenantId: 1, contributorAadObjectIds: 1, createdAt: -1 }, name: 'by_contributor' },
  ],
  talentConversations: [
    {
      key: { tenantId: 1, professionalAadObjectId: 1, dueDate: 1 },
      name: 'uniq_professional_due',
      unique: true,
    },
    { key: { tenantId: 1, managerAadObjectId: 1, dueDate: 1 }, name: 'by_manager_due' },
  ],
  // The calendar event of a talent-development conversation: `_id` is the conversation's id.
  talentCalendar: [{ key: { tenantId: 1 }, name: 'by_tenant' }],
  deliveries: [
    // The outbox: one row per effect (e.g. "nudge 7 days before conversation X"); sent at most once.
    { key: { key: 1 }, name: 'uniq_key', unique: true },
    { key: { status: 1, notBefore: 1 }, name: 'by_status_due' },
  ],
  jobs: [
    { key: { key: 1 }, name: 'uniq_key', unique: true },
    { key: { status: 1, runAt: 1 }, name: 'by_status_run_at' },
  ],
  // Leases on jobs and deliveries: one document per claim, its `_id` unique (see mongo-claims.ts).
  claims: [{ key: { createdAt: 1 }, name: 'by_created' }],
  // Send slots of the Bot Connector rate limit, shared by all replicas (see mongo-rate-limiter.ts).
  rateSlots: [{ key: { at: 1 }, name: 'by_at' }],
  // Conversations the bot cannot post to (403/404), found by `<tenantId>|<conversationId>` as `_id`.
  unreachableConversations: [],
  // Turn state of teams-ai: every document is found by its _id alone (see mongo-storage.ts).
  botState: [],
};

/** Indexes of earlier versions that are in the way now (dropped at start when present). */
const OBSOLETE_INDEXES: Readonly<Partial<Record<CollectionName, readonly string[]>>> = {
  // Sessions outside a cycle have no cycleId: a unique (cycleId, dayIndex) would refuse the second one.
  sessions: ['uniq_cycle_day', 'by_meeting'],
};

export async function ensureIndexes(db: Db): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const [name, indexes] of Object.entries(INDEXES)) {
    if (!existing.has(name)) {
      await db.createCollection(name).catch((err: unknown) => {
        // Another replica starting at the same moment may have made it first.
        if (!isNamespaceExists(err)) throw err;
      });
    }
    // One index per call: FerretDB 1.24 panics on a createIndexes of several indexes that all exist already
    // (a second replica starting, or any restart), dropping the connection.
    for (const { key, ...options } of indexes) {
      await db.collection(name).createIndex(key, options);
    }
    const obsolete = OBSOLETE_INDEXES[name as CollectionName] ?? [];
    if (obsolete.length > 0) {
      const listed = await db.collection(name).listIndexes().toArray();
      const present = new Set(listed.map((i: { name?: unknown }) => String(i.name)));
      for (const index of obsolete) if (present.has(index)) await db.collection(name).dropIndex(index);
    }
  }
}

function isNamespaceExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 48;
}
