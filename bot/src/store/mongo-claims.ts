import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * Leases on jobs and outbox records, taken by inserting a claim document: the one atomic step we rely on.
 *
 * A record (job or delivery) carries `seq`, the number of the last claim whose result it holds. To work on
 * it, a replica inserts claim `<scope>:<recordId>#<seq + 1>`: the unique `_id` lets exactly one replica win,
 * on MongoDB, Atlas, Cosmos DB and FerretDB alike. (FerretDB 1.24 runs a filtered update as "read the
 * document, then write it back whole by _id": a conditional update such as agenda's
 * `findOneAndUpdate({ lockedAt: null })` can let two replicas win, and two writers of one document can undo
 * each other's fields. So each record and each claim has one writer at a time: its claim's holder.) The
 * winner works, then writes the record's new state (with `seq` = its claim, guarded by the `seq` it saw) and
 * last the claim's `outcome`.
 *
 * A claim with no outcome whose lease ran out belongs to a replica that died (or stalled): the next claim
 * number may then be inserted, again by exactly one replica, so a dead replica's work is taken over once.
 * So may the next number after a settled claim whose result is not on the record (a stalled holder that
 * lost to a taker). A stalled holder can still finish late: jobs' handlers stay idempotent, and the outbox
 * checks `superseded()` after noting that it is about to send (see mongo-outbox.ts).
 */
export interface ClaimDocument {
  _id: string;
  record: string;
  seq: number;
  owner: string;
  leaseUntil: Date;
  createdAt: Date;
  /** How far the holder got, for whoever takes over (the outbox: 'claimed', then 'sending'). */
  phase: string;
  /** Written last, when the holder is done; a claim with an outcome is never taken over. */
  outcome?: string;
}

/** The longest chain of dead claims followed in one go; more means something is badly wrong. */
const MAX_TAKEOVERS = 20;

/** A claim this replica holds. Its writes go one after another (see above: one writer per document). */
export class Claim {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly claims: Collection<ClaimDocument>,
    private readonly idOf: (seq: number) => string,
    readonly seq: number,
    /** Claims before this one whose holders died or lost, as they were after this one was won. */
    readonly abandoned: readonly ClaimDocument[],
  ) {}

  setPhase(phase: string): Promise<void> {
    return this.write({ phase });
  }

  /** Records the outcome: the claim is settled and never taken over. */
  finish(outcome: string): Promise<void> {
    return this.write({ outcome });
  }

  /** Renews the lease every third of `leaseMs` until the returned stop is called (which waits for a renewal). */
  keepAlive(leaseMs: number, clock: () => Date, onError: (err: unknown) => void): () => Promise<void> {
    const timer = setInterval(() => {
      this.write({ leaseUntil: new Date(clock().getTime() + leaseMs) }).catch(onError);
    }, leaseMs / 3);
    return async () => {
      clearInterval(timer);
      await this.chain.catch(() => undefined);
    };
  }

  /** Whether another replica claimed the next number (this holder stalled past its lease). */
  async superseded(): Promise<boolean> {
    return (await this.claims.countDocuments({ _id: this.idOf(this.seq + 1) }, { limit: 1 })) > 0;
  }

  private write(fields: Partial<ClaimDocument>): Promise<void> {
    const next = this.chain
      .catch(() => undefined)
      .then(async () => {
        await this.claims.updateOne({ _id: this.idOf(this.seq) }, { $set: fields });
      });
    this.chain = next;
    return next;
  }
}

export class MongoClaims {
  private readonly claims: Collection<ClaimDocument>;

  constructor(
    db: Db,
    private readonly scope: 'job' | 'delivery',
  ) {
    this.claims = db.collection<ClaimDocument>(COLLECTIONS.claims);
  }

  /**
   * Claims the next run of `recordId`, whose record showed `seenSeq`. `stillAt(seq)` re-reads the record and
   * says whether it is still waiting at `seq` (not finished, not moved on by someone else); it is asked before
   * a dead claim is skipped and after a claim is won. Undefined: another replica holds it, or it moved on.
   */
  async claimNext(
    recordId: string,
    seenSeq: number,
    options: { owner: string; leaseMs: number; now: Date; stillAt: (seq: number) => Promise<boolean> },
  ): Promise<Claim | undefined> {
    const idOf = (seq: number) => `${this.scope}:${recordId}#${seq}`;
    const skipped: string[] = [];
    let seq = seenSeq + 1;
    for (let i = 0; i < MAX_TAKEOVERS; i += 1) {
      const document: ClaimDocument = {
        _id: idOf(seq),
        record: recordId,
        seq,
        owner: options.owner,
        leaseUntil: new Date(options.now.getTime() + options.leaseMs),
        createdAt: options.now,
        phase: 'claimed',
      };
      try {
        await this.claims.insertOne(document);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const existing = await this.claims.findOne({ _id: document._id });
        if (!existing) return undefined; // purged meanwhile; the next poll sees the record as it is now
        const live = existing.outcome === undefined && existing.leaseUntil.getTime() > options.now.getTime();
        if (live) return undefined;
        // Settled or dead, and the record still waits at `seenSeq`: its holder's write never landed (it died,
        // or it stalled past its lease and lost to a taker), so the next number is free to take. A dead holder
        // that wrote the record but not its outcome has moved the record on: then this is not taken.
        if (!(await options.stillAt(seenSeq))) return undefined;
        skipped.push(document._id);
        seq += 1;
        continue;
      }
      const claim = new Claim(this.claims, idOf, seq, await this.reread(skipped));
      // A record read long ago may have finished since (its claims purged): check before working on it.
      if (!(await options.stillAt(seenSeq))) {
        await claim.finish('stale');
        return undefined;
      }
      return claim;
    }
    return undefined;
  }

  /**
   * Removes claims older than `before`. Only claims far older than any lease: a record still waiting reads
   * its dead claims within a poll interval, and a finished record is checked again after any claim is won.
   */
  async purge(before: Date): Promise<number> {
    const result = await this.claims.deleteMany({
      _id: { $regex: `^${this.scope}:` },
      createdAt: { $lt: before },
    });
    return result.deletedCount;
  }

  /**
   * The skipped claims as they are now that ours is in: a holder that noted a phase before our insert shows
   * it here (read after our write), so the holder and the taker cannot both believe nothing was sent.
   */
  private async reread(ids: readonly string[]): Promise<ClaimDocument[]> {
    const found: ClaimDocument[] = [];
    for (const id of ids) {
      const claim = await this.claims.findOne({ _id: id });
      if (claim) found.push(claim);
    }
    return found;
  }
}
