import type { Collection, Db } from 'mongodb';
import type { Logger } from 'pino';
import type {
  CardSender,
  DeliveryAddress,
  DeliveryRequest,
  DeliveryState,
  DeliveryStatus,
  Outbox,
  OutgoingActivity,
  SendOutcome,
} from '../domain/outbox';
import { COLLECTIONS } from './collections';
import { MongoClaims, type Claim } from './mongo-claims';
import { isDuplicateKeyError } from './mongo-errors';
import { MongoRateLimiter, RATE_DEFAULTS, type RateLimits } from './mongo-rate-limiter';
import { backoffMs, definedOnly, errorCode, newOwnerId, PollingLoop, silentLogger } from './polling-loop';

/*
 * The outbox: one record per card in `deliveries`, `_id` = its key, so a key is recorded once (the effect
 * ledger's keys live in the same unique index). A replica claims a due record (mongo-claims.ts), books a
 * send slot (mongo-rate-limiter.ts), notes on its claim that it is `sending`, sends once, and records the
 * answer: sent with the activity id, a retry at Retry-After or after a backoff, unreachable, or failed.
 *
 * Never twice, and what that costs. Between the Bot Connector accepting a card and the record saying so
 * there is a moment in which a replica can die. A replica taking over a record whose dead claim got as far
 * as `sending` cannot tell whether the card arrived (the Bot Connector API has no idempotency key and no way
 * to look a post up), so it marks the record `uncertain` and does not send it: at most once, and a card is
 * lost only if its replica dies in the milliseconds of its own request (logged as an error, the record and
 * its card kept for someone to look at). A replica that dies before that point (claimed, waiting for a
 * slot) loses nothing: its record is taken over once its lease ends, and sent. A replica that stalls past
 * its lease checks, after noting `sending`, whether it was taken over (see sendOnce), so a stalled replica
 * and its taker never both send either.
 * Within one live replica, 429/412/502/503/504 and connection failures are sent again (Teams' guidance):
 * a 502/504 or a dropped connection could hide a post that did arrive; that risk is the platform's own.
 */

interface DeliveryDocument {
  _id: string;
  key: string;
  kind: string;
  status: DeliveryStatus;
  tenantId: string;
  conversationId: string;
  /** Removed once sent: the card and the address are not needed any more (data minimisation). */
  address?: DeliveryAddress;
  /**
   * The activity as JSON text: an Adaptive Card has keys MongoDB cannot store as field names (`$schema`), and
   * the outbox only ever hands it back as it was.
   */
  activity?: string;
  notBefore: Date;
  seq: number;
  attempts: number;
  activityId?: string;
  lastError?: string;
  lastStatusCode?: number;
  /** Until when a replica works on it: only a hint that spares other replicas a claim attempt. */
  leaseUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
  sentAt?: Date;
  finishedAt?: Date;
}

interface UnreachableDocument {
  _id: string;
  tenantId: string;
  conversationId: string;
  statusCode: number;
  since: Date;
}

export interface MongoOutboxOptions {
  /** How often each replica looks for due cards; 1 s unless set (an enqueue on this replica wakes it now). */
  pollIntervalMs?: number;
  /** How long a claimed card is exclusive: longer than a slot wait plus a send. 60 s unless set. */
  leaseMs?: number;
  /** Cards in flight at once on this replica. */
  concurrency?: number;
  batchSize?: number;
  /** Sends of one card before it is `failed` (429s and 5xx count). */
  maxAttempts?: number;
  /** Backoff when the service gave no Retry-After: exponential from this, with jitter, at most retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** The longest Retry-After honoured as given; longer ones are cut to this. */
  maxRetryAfterMs?: number;
  rate?: RateLimits;
  claimRetentionMs?: number;
  clock?: () => Date;
  logger?: Logger;
  owner?: string;
}

const DEFAULTS = {
  pollIntervalMs: 1_000,
  leaseMs: 60_000,
  concurrency: 16,
  batchSize: 50,
  maxAttempts: 8,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  maxRetryAfterMs: 10 * 60_000,
  claimRetentionMs: 7 * 24 * 3_600_000,
};

const PURGE_EVERY_MS = 3_600_000;
const SLOT_CLEANUP_EVERY_MS = 30_000;
/** When no slot was free within the limiter's horizon, look again this much later. */
const SATURATED_RETRY_MS = 1_000;

export class MongoOutbox implements Outbox {
  private readonly deliveries: Collection<DeliveryDocument>;
  private readonly unreachable: Collection<UnreachableDocument>;
  private readonly claims: MongoClaims;
  private readonly limiter: MongoRateLimiter;
  private readonly options: typeof DEFAULTS;
  private readonly clock: () => Date;
  private readonly logger: Logger;
  private readonly owner: string;
  private readonly loop: PollingLoop;
  private readonly inFlight = new Set<string>();
  private lastPurge = 0;
  private lastSlotCleanup = 0;
  /** How long noting `sending` and the take-over check take (a moving average): done before the slot. */
  private prepareMs = 10;

  constructor(
    db: Db,
    private readonly sender: CardSender,
    options: MongoOutboxOptions = {},
  ) {
    this.deliveries = db.collection<DeliveryDocument>(COLLECTIONS.deliveries);
    this.unreachable = db.collection<UnreachableDocument>(COLLECTIONS.unreachableConversations);
    this.claims = new MongoClaims(db, 'delivery');
    const { rate, ...rest } = options;
    this.options = { ...DEFAULTS, ...definedOnly(rest) };
    this.clock = options.clock ?? (() => new Date());
    // A card waits for its slot inside its lease, with room to spare for the send: else another replica
    // would take it over while this one still means to send it.
    const maxWaitMs = Math.min(rate?.maxWaitMs ?? RATE_DEFAULTS.maxWaitMs, this.options.leaseMs / 3);
    this.limiter = new MongoRateLimiter(db, { ...rate, maxWaitMs }, this.clock);
    this.logger = options.logger ?? silentLogger();
    this.owner = options.owner ?? newOwnerId();
    this.loop = new PollingLoop(
      {
        pollIntervalMs: this.options.pollIntervalMs,
        concurrency: this.options.concurrency,
        logger: this.logger,
        name: 'outbox',
      },
      (free, run) => this.poll(free, run),
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Stops taking cards and waits up to `timeoutMs` for those in flight; false when some still were. */
  stop(timeoutMs = 10_000): Promise<boolean> {
    return this.loop.stop(timeoutMs);
  }

  async enqueue(request: DeliveryRequest): Promise<{ created: boolean; status: DeliveryStatus }> {
    const { key, address } = request;
    if (!key) throw new Error('a delivery needs a key');
    if (!address.serviceUrl || !address.conversationId || !address.tenantId)
      throw new Error('a delivery needs a service URL, a conversation id and a tenant id');
    const now = this.clock();
    const notBefore = request.notBefore ?? now;
    try {
      await this.deliveries.insertOne({
        _id: key,
        key,
        kind: request.kind,
        status: 'pending',
        tenantId: address.tenantId,
        conversationId: address.conversationId,
        address: { ...address },
        activity: JSON.stringify(request.activity),
        notBefore,
        seq: 0,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // The key is taken: by this outbox, or by an effect claimed in a turn (mongo-effect-ledger.ts).
      const existing =
        (await this.deliveries.findOne({ _id: key })) ?? (await this.deliveries.findOne({ key }));
      return { created: false, status: existing?.status ?? 'sent' };
    }
    if (notBefore.getTime() <= now.getTime()) this.loop.wake();
    return { created: true, status: 'pending' };
  }

  async get(key: string): Promise<DeliveryState | undefined> {
    const doc = await this.deliveries.findOne({ _id: key });
    if (!doc || doc.seq === undefined) return undefined;
    return {
      key: doc.key,
      kind: doc.kind,
      status: doc.status,
      tenantId: doc.tenantId,
      conversationId: doc.conversationId,
      attempts: doc.attempts,
      activityId: doc.activityId,
      lastError: doc.lastError,
      lastStatusCode: doc.lastStatusCode,
      notBefore: doc.notBefore,
      sentAt: doc.sentAt,
    };
  }

  async isUnreachable(tenantId: string, conversationId: string): Promise<boolean> {
    return (await this.unreachable.findOne({ _id: recipientId(tenantId, conversationId) })) !== null;
  }

  async markReachable(tenantId: string, conversationId: string): Promise<void> {
    await this.unreachable.deleteOne({ _id: recipientId(tenantId, conversationId) });
  }

  private async poll(free: () => number, run: (work: () => Promise<void>) => void): Promise<boolean> {
    const now = this.clock();
    await this.housekeeping(now);
    if (free() <= 0) return true;
    const due = await this.deliveries
      .find({ status: 'pending', notBefore: { $lte: now } })
      .sort({ notBefore: 1 })
      .limit(this.options.batchSize)
      .toArray();
    const candidates = due.filter(
      (d) => !this.inFlight.has(d._id) && !(d.leaseUntil && d.leaseUntil.getTime() > now.getTime()),
    );
    let left = candidates.length;
    for (const doc of candidates) {
      if (free() <= 0) return true;
      left -= 1;
      const claimed = await this.claims.claimNext(doc._id, doc.seq, {
        owner: this.owner,
        leaseMs: this.options.leaseMs,
        now: this.clock(),
        stillAt: async (seq) => {
          const current = await this.deliveries.findOne({ _id: doc._id });
          return current !== null && current.seq === seq && current.status === 'pending';
        },
      });
      if (!claimed) continue;
      this.inFlight.add(doc._id);
      run(() => this.deliver(doc, claimed).finally(() => this.inFlight.delete(doc._id)));
    }
    return left > 0 || due.length === this.options.batchSize;
  }

  private async deliver(doc: DeliveryDocument, claimed: Claim): Promise<void> {
    const attempt = doc.attempts + claimed.abandoned.length + 1;
    const log = this.logger.child({
      delivery: doc._id,
      kind: doc.kind,
      conversationId: doc.conversationId,
      attempt,
    });
    if (claimed.abandoned.some((c) => c.phase === 'sending')) {
      // Its replica died during the send: it may have arrived. Never twice, so it is not sent again.
      await this.finish(doc, claimed, {
        status: 'uncertain',
        attempts: attempt - 1,
        lastError: 'SENDER_DIED',
      });
      log.error('delivery uncertain: its replica died while sending it; not sent again');
      return;
    }
    if (claimed.abandoned.length > 0)
      log.warn({ takenOver: claimed.abandoned.length }, 'delivery taken over');
    if (attempt > this.options.maxAttempts || !doc.activity || !doc.address) {
      await this.finish(doc, claimed, {
        status: 'failed',
        attempts: attempt - 1,
        lastError: doc.activity ? 'LEASE_EXPIRED' : 'NO_CONTENT',
      });
      log.error('delivery failed before sending');
      return;
    }
    await this.deliveries
      .updateOne(
        { _id: doc._id },
        { $set: { leaseUntil: new Date(this.clock().getTime() + this.options.leaseMs) } },
      )
      .catch((err: unknown) => log.warn({ err }, 'could not note the lease on the delivery'));
    const stopRenewal = claimed.keepAlive(this.options.leaseMs, this.clock, (err) =>
      log.warn({ err }, 'could not renew the lease of a delivery'),
    );
    let outcome: SendOutcome | 'superseded' | undefined;
    try {
      outcome = await this.sendOnce(
        doc.tenantId,
        doc.address,
        JSON.parse(doc.activity) as OutgoingActivity,
        claimed,
      );
    } finally {
      await stopRenewal();
    }
    if (outcome === 'superseded') {
      // This replica stalled past its lease and another took the card over: the card is the taker's now.
      await claimed.finish('superseded');
      log.warn('delivery taken over by another replica before it was sent here');
      return;
    }
    if (!outcome) {
      // The tenant is saturated: not an attempt; the card waits for a later poll.
      await this.finish(doc, claimed, {
        status: 'pending',
        attempts: attempt - 1,
        notBefore: new Date(this.clock().getTime() + SATURATED_RETRY_MS),
      });
      return;
    }
    await this.record(doc, claimed, attempt, outcome, log);
  }

  /**
   * Books a slot, notes `sending` on the claim, checks that no one took the card over, and sends once at
   * the slot's time. Undefined when no slot was free within the limiter's horizon.
   */
  private async sendOnce(
    tenantId: string,
    address: DeliveryAddress,
    activity: OutgoingActivity,
    claimed: Claim,
  ): Promise<SendOutcome | 'superseded' | undefined> {
    // A slot missed (the database was slow) is not used late: book the next one.
    for (let tries = 0; tries < 3; tries += 1) {
      const slot = await this.limiter.reserve(tenantId, address.conversationId, this.prepareMs);
      if (!slot) return undefined;
      await sleepUntil(slot.at - this.prepareMs, this.clock);
      const started = Date.now();
      // Noted before the check, and a taker reads it after its own claim is in (mongo-claims.ts): of this
      // replica and a taker, at least one sees the other, so they never both send.
      await claimed.setPhase('sending');
      if (await claimed.superseded()) return 'superseded';
      this.prepareMs = Math.min(1_000, 0.8 * this.prepareMs + 0.2 * 1.5 * (Date.now() - started));
      await sleepUntil(slot.at, this.clock);
      if (this.clock().getTime() >= slot.endsAt) {
        // Not sent: should this replica die while it waits for the next slot, the card is not in doubt.
        await claimed.setPhase('claimed');
        continue;
      }
      try {
        return await this.sender.send(address, activity);
      } catch (err) {
        // The sender answers every Bot Connector error itself; this is something else (a bug): retry later.
        return { kind: 'retry', code: errorCode(err), statusCode: undefined, retryAfterMs: undefined };
      }
    }
    return undefined;
  }

  private async record(
    doc: DeliveryDocument,
    claimed: Claim,
    attempt: number,
    outcome: SendOutcome,
    log: Logger,
  ): Promise<void> {
    const now = this.clock();
    switch (outcome.kind) {
      case 'sent': {
        const sent = {
          status: 'sent' as const,
          attempts: attempt,
          sentAt: now,
          ...(outcome.activityId ? { activityId: outcome.activityId } : {}),
        };
        // Reachable again (e.g. the app was installed anew); cleared before the record says sent.
        await this.unreachable.deleteOne({ _id: recipientId(doc.tenantId, doc.conversationId) });
        const written = await this.finish(doc, claimed, sent);
        if (!written) {
          // Taken over while this replica was stalled, and marked uncertain: it did arrive after all.
          await this.deliveries.updateOne(
            { _id: doc._id, status: 'uncertain' },
            { $set: { ...sent, updatedAt: now }, $unset: { address: '', activity: '' } },
          );
        }
        log.info({ activityId: outcome.activityId }, 'delivery sent');
        return;
      }
      case 'retry': {
        const failed = { attempts: attempt, lastError: outcome.code, lastStatusCode: outcome.statusCode };
        if (attempt >= this.options.maxAttempts) {
          await this.finish(doc, claimed, { status: 'failed', ...failed });
          log.error({ code: outcome.code }, 'delivery failed: no more retries');
          return;
        }
        const waitMs =
          outcome.retryAfterMs !== undefined
            ? Math.min(outcome.retryAfterMs, this.options.maxRetryAfterMs)
            : backoffMs(attempt, this.options.retryBaseMs, this.options.retryMaxMs);
        await this.finish(doc, claimed, {
          status: 'pending',
          ...failed,
          notBefore: new Date(now.getTime() + waitMs),
        });
        log.warn({ code: outcome.code, retryInMs: waitMs }, 'delivery refused for now, will retry');
        return;
      }
      case 'unreachable': {
        await this.unreachable.updateOne(
          { _id: recipientId(doc.tenantId, doc.conversationId) },
          {
            $set: {
              tenantId: doc.tenantId,
              conversationId: doc.conversationId,
              statusCode: outcome.statusCode,
              since: now,
            },
          },
          { upsert: true },
        );
        await this.finish(doc, claimed, {
          status: 'unreachable',
          attempts: attempt,
          lastError: outcome.code,
          lastStatusCode: outcome.statusCode,
        });
        log.warn({ code: outcome.code }, 'delivery unreachable: the bot cannot post to this conversation');
        return;
      }
      case 'rejected': {
        await this.finish(doc, claimed, {
          status: 'failed',
          attempts: attempt,
          lastError: outcome.code,
          lastStatusCode: outcome.statusCode,
        });
        log.error({ code: outcome.code }, 'delivery refused');
        return;
      }
    }
  }

  /** Writes the record's state for this claim, then settles the claim; false when another claim took over. */
  private async finish(
    doc: DeliveryDocument,
    claimed: Claim,
    state: Partial<DeliveryDocument> & Pick<DeliveryDocument, 'status' | 'attempts'>,
    unset: Partial<Record<keyof DeliveryDocument, ''>> = {},
  ): Promise<boolean> {
    const now = this.clock();
    const final = state.status !== 'pending';
    const result = await this.deliveries.updateOne(
      { _id: doc._id, seq: doc.seq },
      {
        $set: {
          ...definedOnly(state),
          seq: claimed.seq,
          updatedAt: now,
          ...(final ? { finishedAt: now } : {}),
        },
        // A delivery that is over keeps no content: a card may carry personal data (a nudge, a shared note),
        // and a record that will never be sent again has no use for it.
        $unset: { ...unset, ...(final ? { address: '', activity: '' } : {}), leaseUntil: '' },
      },
    );
    await claimed.finish(state.status);
    return result.matchedCount > 0;
  }

  private async housekeeping(now: Date): Promise<void> {
    if (now.getTime() - this.lastSlotCleanup >= SLOT_CLEANUP_EVERY_MS) {
      this.lastSlotCleanup = now.getTime();
      await this.limiter.cleanup();
    }
    if (now.getTime() - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now.getTime();
      await this.claims.purge(new Date(now.getTime() - this.options.claimRetentionMs));
    }
  }
}

function recipientId(tenantId: string, conversationId: string): string {
  return `${tenantId}|${conversationId}`;
}

async function sleepUntil(at: number, clock: () => Date): Promise<void> {
  const wait = at - clock().getTime();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
