import type { JobContext, Scheduler } from '../../domain/jobs';
import type { RetentionSweeper } from '../../domain/retention';

/**
 * The retention sweep as a daily job: `retention:<YYYY-MM-DD>` at a quiet hour (UTC). Every replica schedules
 * the next one at start, and each run schedules the next day's; scheduling is idempotent by key, so however
 * many replicas there are, one job a day exists and the scheduler runs it once. A run that leaves expired
 * records behind (its batches are bounded) schedules a follow-up a little later, a bounded number a day.
 */
export const RETENTION_JOBS = { sweep: 'retention.sweep' } as const;

/** 02:30 UTC: 03:30 or 04:30 in the Netherlands, before anyone works and after midnight jobs. */
const SWEEP_AT_UTC = { hour: 2, minute: 30 };
const FOLLOW_UP_MS = 2 * 60_000;
/** Follow-ups a day at most: a backlog this large is left for the next day rather than sweep all day. */
const MAX_RUNS_A_DAY = 24;
const DAY_MS = 86_400_000;

/** The first daily run at or after `now`. */
export function nextRetentionRun(now: Date): { key: string; runAt: Date; day: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  let at = today + (SWEEP_AT_UTC.hour * 60 + SWEEP_AT_UTC.minute) * 60_000;
  if (at < now.getTime()) at += DAY_MS;
  const day = new Date(at).toISOString().slice(0, 10);
  return { key: `retention:${day}`, runAt: new Date(at), day };
}

export async function scheduleRetentionSweep(scheduler: Scheduler, now: Date): Promise<void> {
  const next = nextRetentionRun(now);
  await scheduler.schedule({
    key: next.key,
    name: RETENTION_JOBS.sweep,
    runAt: next.runAt,
    data: { day: next.day },
  });
}

export function registerRetentionJobs(
  scheduler: Scheduler & { register(name: string, handler: (job: JobContext) => Promise<void>): void },
  sweeper: RetentionSweeper,
  deps: {
    clock: () => Date;
    logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  },
): void {
  scheduler.register(RETENTION_JOBS.sweep, async (job) => {
    const { day, run = 1 } = job.data as { day: string; run?: number };
    const { removed, more } = await sweeper.sweep(deps.clock());
    deps.logger.info({ job: job.key, run, removed, more }, 'retention sweep done');
    if (more && run < MAX_RUNS_A_DAY) {
      await scheduler.schedule({
        key: `retention:${day}:${run + 1}`,
        name: RETENTION_JOBS.sweep,
        runAt: new Date(deps.clock().getTime() + FOLLOW_UP_MS),
        data: { day, run: run + 1 },
      });
    } else if (more) {
      deps.logger.warn({ job: job.key, run }, 'retention sweep: expired records left for tomorrow');
    }
    // The next day's run, in case no replica starts before then (late, it runs as soon as it is due).
    await scheduleRetentionSweep(scheduler, new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS));
  });
}
