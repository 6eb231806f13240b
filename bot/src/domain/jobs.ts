/**
 * Jobs that run at a time (a reminder the day before a cycle, the kick-off card before a session, nudges):
 * the port the domain schedules through. The MongoDB implementation (store/mongo-scheduler.ts) runs each
 * job once however many replicas poll, and takes over the job of a replica that died.
 *
 * Handlers must be idempotent all the same: a replica that stalls longer than its lease (or dies after the
 * handler's effect but before the job is marked done) lets another replica run the job again. A handler
 * therefore does its effects through keys of their own (an outbox key per card, a version-guarded update).
 */

export type JobData = Readonly<Record<string, unknown>>;

export interface JobRequest<D extends JobData = JobData> {
  /** Unique per effect, e.g. `session-kickoff:<sessionId>`; scheduling the same key again changes nothing. */
  key: string;
  /** Which registered handler runs it. */
  name: string;
  runAt: Date;
  data?: D;
}

/**
 * - created: a new job.
 * - unchanged: the same key is scheduled already at the same time with the same data.
 * - rescheduled: a job not yet run (or waiting for a retry) now runs at the new time with the new data.
 * - running: the job is being run right now; nothing changed (schedule again with another key if needed).
 * - finished: the job ran (done or failed) or was cancelled before; a key runs at most once, so nothing changed.
 *   Also for a new job whose runAt lies further back than the retention period: it may have run, and its
 *   record been removed since (see retention.ts).
 */
export type ScheduleResult = 'created' | 'unchanged' | 'rescheduled' | 'running' | 'finished';

export type CancelResult = 'cancelled' | 'not_found' | 'running' | 'finished';

export type JobStatus = 'scheduled' | 'done' | 'failed' | 'cancelled';

export interface JobState {
  key: string;
  name: string;
  status: JobStatus;
  runAt: Date;
  /** Runs started so far (a run whose replica died counts too). */
  attempts: number;
  /** The `code` of the last failure (an error's code, or its name): never its message. */
  lastError: string | undefined;
  finishedAt: Date | undefined;
}

export interface JobContext<D extends JobData = JobData> {
  key: string;
  name: string;
  data: D;
  /** 1 on the first run, higher on retries and take-overs. */
  attempt: number;
  runAt: Date;
}

export type JobHandler<D extends JobData = JobData> = (job: JobContext<D>) => Promise<void>;

export interface Scheduler {
  schedule<D extends JobData>(job: JobRequest<D>): Promise<ScheduleResult>;
  cancel(key: string): Promise<CancelResult>;
  get(key: string): Promise<JobState | undefined>;
}

/** Thrown (or any error with `retryable: false`) by a handler whose failure a retry cannot mend. */
export class PermanentJobError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
