import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';
import { definedOnly } from './polling-loop';

/**
 * The Bot Connector's limits, held across all replicas: at most `perTenantPerSecond` sends per tenant and
 * `perConversationPerSecond` per conversation in any sliding second.
 *
 * Time is cut into slots per scope (a tenant, a conversation); a send needs a free slot in both scopes at
 * its send time, taken by inserting `<scope>|<slot index>` (a unique `_id`: atomic on every server, where a
 * counter with $inc is not atomic on FerretDB). A slot holds one send, which starts inside it (or at most
 * margin/2 after its end, when the database was slow). With limit L and slots at least
 * (1000 + margin) / (L − 1) ms long, L + 1 sends use L + 1 slots, so the first and the last start more than
 * (L − 1) slot lengths − margin/2 ≥ 1000 + margin/2 ms apart: never more than L in a second, with margin/2
 * to spare for the network's jitter. The price: a steady rate a bit under L − 1 a second. (Whole-second
 * windows with L sends each would let 2·L through around a second's boundary.)
 * A conversation slot is a whole number of tenant slots, so a tenant slot lies inside one conversation slot.
 *
 * Every replica must use the same limits, and replicas' clocks must agree (NTP): skew adds to bursts.
 */
export interface RateLimits {
  /** 40 unless set: under Teams' 50 a second per bot per tenant. */
  perTenantPerSecond?: number;
  /** 7 unless set: Teams' limit per bot per conversation (its 2 s, 30 s and hour limits are met with 429s). */
  perConversationPerSecond?: number;
  /** Spare milliseconds per second against jitter between the send and its arrival; 50 unless set. */
  marginMs?: number;
  /** How far ahead a send may book its slot; later than that it waits for a next poll. 10 s unless set. */
  maxWaitMs?: number;
}

export interface SendSlot {
  /** When the send may start (ms since the epoch)... */
  at: number;
  /** ...and before when it must have started; later, book another slot. */
  endsAt: number;
}

interface SlotDocument {
  _id: string;
  at: Date;
}

export const RATE_DEFAULTS = {
  perTenantPerSecond: 40,
  perConversationPerSecond: 7,
  marginMs: 50,
  maxWaitMs: 10_000,
};

/** Slots older than this are removed; nothing books a slot in the past. */
const SLOT_RETENTION_MS = 60_000;

export class MongoRateLimiter {
  private readonly slots: Collection<SlotDocument>;
  /** Length of a tenant slot (ms). */
  private readonly slotMs: number;
  /** Tenant slots per conversation slot. */
  private readonly perConversationSlot: number;
  private readonly maxWaitMs: number;
  /** How late a send may start after its slot ended: half the margin (the other half is for the network). */
  private readonly graceMs: number;
  /** Twice the recent time of one slot insert (a moving average). */
  private insertMs = 0;
  /** Per scope, slot indexes this replica knows to be taken (by it or another): not tried again. */
  private readonly taken = new Map<string, Set<number>>();

  constructor(
    db: Db,
    limits: RateLimits = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.slots = db.collection<SlotDocument>(COLLECTIONS.rateSlots);
    const l = { ...RATE_DEFAULTS, ...definedOnly(limits) };
    for (const [name, value] of [
      ['perTenantPerSecond', l.perTenantPerSecond],
      ['perConversationPerSecond', l.perConversationPerSecond],
    ] as const) {
      if (!Number.isInteger(value) || value < 2)
        throw new Error(`${name} must be a whole number of at least 2`);
    }
    this.slotMs = (1_000 + l.marginMs) / (l.perTenantPerSecond - 1);
    const conversationSlotMs = (1_000 + l.marginMs) / (l.perConversationPerSecond - 1);
    this.perConversationSlot = Math.max(1, Math.ceil(conversationSlotMs / this.slotMs - 1e-9));
    this.maxWaitMs = l.maxWaitMs;
    this.graceMs = l.marginMs / 2;
  }

  /**
   * Books the earliest moment that is free for this tenant and this conversation, at least `leadMs` from now
   * (what the caller still has to do before it sends). Undefined when none is free within `maxWaitMs` (the
   * tenant is saturated: try again later).
   */
  async reserve(tenantId: string, conversationId: string, leadMs = 0): Promise<SendSlot | undefined> {
    const tenant = `t:${tenantId}`;
    const conversation = `c:${tenantId}:${conversationId}`;
    const m = this.perConversationSlot;
    const last = Math.floor((this.clock().getTime() + this.maxWaitMs) / this.slotMs);
    // The first slot worth trying: one that will not have passed once the booking and `leadMs` are done.
    const earliest = () => Math.floor((this.clock().getTime() + this.insertMs + leadMs) / this.slotMs);
    let from = earliest();
    while (from <= last) {
      const c = Math.floor(from / m);
      if (!(await this.take(conversation, c))) {
        from = Math.max((c + 1) * m, earliest());
        continue;
      }
      for (
        let i = Math.max(from, c * m, earliest());
        i < (c + 1) * m && i <= last;
        i = Math.max(i + 1, earliest())
      ) {
        if (!(await this.take(tenant, i))) continue;
        const now = this.clock().getTime();
        const endsAt = Math.floor((i + 1) * this.slotMs + this.graceMs);
        // The database was slower than expected and the slot went by: it is lost, book another.
        if (now + leadMs >= endsAt) continue;
        return { at: Math.ceil(Math.max(now, i * this.slotMs)), endsAt };
      }
      // No tenant slot while this conversation slot lasts: give it back for another send to take.
      await this.release(conversation, c);
      from = Math.max((c + 1) * m, earliest());
    }
    return undefined;
  }

  /** Removes slots of the past; returns how many. */
  async cleanup(): Promise<number> {
    const now = this.clock().getTime();
    for (const [scope, indexes] of this.taken) {
      const slotMs = scope.startsWith('t:') ? this.slotMs : this.slotMs * this.perConversationSlot;
      for (const index of indexes) if ((index + 1) * slotMs < now) indexes.delete(index);
      if (indexes.size === 0) this.taken.delete(scope);
    }
    const result = await this.slots.deleteMany({ at: { $lt: new Date(now - SLOT_RETENTION_MS) } });
    return result.deletedCount;
  }

  /** Takes slot `index` of `scope`; false when it is taken (known here, or refused by the unique `_id`). */
  private async take(scope: string, index: number): Promise<boolean> {
    let known = this.taken.get(scope);
    if (known?.has(index)) return false;
    if (!known) this.taken.set(scope, (known = new Set()));
    // Noted before the insert, so that concurrent sends of this replica try other slots meanwhile.
    known.add(index);
    const slotMs = scope.startsWith('t:') ? this.slotMs : this.slotMs * this.perConversationSlot;
    const started = Date.now();
    try {
      await this.slots.insertOne({ _id: slotId(scope, index), at: new Date(Math.floor(index * slotMs)) });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      known.delete(index);
      throw err;
    } finally {
      // How long a booking takes now (a loaded database is slow): book that much ahead.
      this.insertMs = Math.min(1_000, 0.8 * this.insertMs + 0.2 * 2 * (Date.now() - started));
    }
  }

  private async release(scope: string, index: number): Promise<void> {
    await this.slots.deleteOne({ _id: slotId(scope, index) });
    this.taken.get(scope)?.delete(index);
  }
}

function slotId(scope: string, index: number): string {
  return `${scope}|${index}`;
}
