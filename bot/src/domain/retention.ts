/**
 * Retention (storage limitation, AVG/GDPR art. 5(1)(e)): records that exist only to deliver or coordinate
 * something are removed once they have served their purpose for a while. What stays until a person is erased
 * (professionals, trajects, ledgers, circles, cycles, sessions' final state, proposals, talent conversations)
 * is not touched here.
 *
 * The port the retention job sweeps through; store/mongo-retention.ts implements it on MongoDB.
 */

export interface RetentionPolicy {
  /** Finished deliveries and jobs, settled claims and idle turn state: removed this many days after. */
  recordsDays: number;
  /** A session's event log: removed this many days after the session closed (its snapshot stays). */
  sessionEventsDays: number;
}

/** What one sweep removed, per kind of record. */
export interface RetentionCounts {
  deliveries: number;
  jobs: number;
  claims: number;
  /** Turn-state revisions that were no longer the newest. */
  botStateRevisions: number;
  /** Whole turn-state items (pointer and revisions) not written for the period. */
  botStateItems: number;
  /** Sessions whose snapshot became final (it holds every event) and whose events were removed. */
  sessionsFinalised: number;
  sessionEvents: number;
}

export interface RetentionReport {
  removed: RetentionCounts;
  /** True when a kind of record still had expired ones when the run's bound was reached. */
  more: boolean;
}

export interface RetentionSweeper {
  /** Removes what expired before `now` minus the policy's periods, in bounded batches; never a live record. */
  sweep(now: Date): Promise<RetentionReport>;
}

const DAY_MS = 86_400_000;

/**
 * The oldest `runAt` a new job may have, as milliseconds before now. Retention removes a finished job
 * `recordsDays` after it finished, and a job finishes after its runAt: a request for a key whose record is
 * gone therefore has a runAt older than the period, unless it was recomputed a little later (a time zone
 * changed). Refusing jobs that far back keeps "a key runs at most once" without keeping tombstones; the
 * two days of slack cover such shifts.
 */
export function oldestNewJobMs(policy: Pick<RetentionPolicy, 'recordsDays'>): number {
  return Math.max(1, policy.recordsDays - 2) * DAY_MS;
}
