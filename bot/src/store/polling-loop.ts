import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';

/**
 * The polling loop shared by the scheduler and the outbox: one poll at a time, at most `concurrency` pieces of
 * work running, an immediate extra poll when work ends while more was waiting, and a stop that waits for
 * what runs. The work itself (what to claim and how) is the caller's.
 */
export interface PollingLoopOptions {
  pollIntervalMs: number;
  concurrency: number;
  logger: Logger;
  name: string;
}

export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private again = false;
  /** The last poll left due work behind (no free slot, or a full batch). */
  private backlog = false;
  private started = false;
  private stopping = false;
  private lastPoll = 0;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly options: PollingLoopOptions,
    /**
     * Looks for work and calls `run` for each piece it claimed while `free()` is above zero; resolves true
     * when it left due work behind.
     */
    private readonly poll: (free: () => number, run: (work: () => Promise<void>) => void) => Promise<boolean>,
  ) {}

  get active(): number {
    return this.running.size;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.schedule(0);
  }

  /** Polls soon (e.g. when work was just added), unless stopped. */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.schedule(this.untilNextAllowed());
  }

  /** Stops polling and waits for running work; false when some was still running after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      return (await Promise.race([Promise.allSettled([...this.running]), timedOut])) !== 'timeout';
    } finally {
      clearTimeout(timeout);
    }
  }

  /** Extra polls come at most every 100 ms (or the interval, if shorter): each one queries the database. */
  private untilNextAllowed(): number {
    const gap = Math.min(100, this.options.pollIntervalMs);
    return Math.max(0, this.lastPoll + gap - Date.now());
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.stopping || this.polling) return;
    this.again = false;
    this.lastPoll = Date.now();
    const free = () => (this.stopping ? 0 : this.options.concurrency - this.running.size);
    this.polling = this.poll(free, (work) => this.track(work)).then(
      (backlog) => {
        this.backlog = backlog;
      },
      (err: unknown) => this.options.logger.error({ err, loop: this.options.name }, 'poll failed'),
    );
    await this.polling;
    this.polling = undefined;
    if (this.stopping) return;
    // Replicas polling in step would contend for the same records: spread them a little.
    const jitter = 0.9 + Math.random() * 0.2;
    this.schedule(this.again ? this.untilNextAllowed() : Math.round(this.options.pollIntervalMs * jitter));
  }

  private track(work: () => Promise<void>): void {
    const running = work()
      .catch((err: unknown) => this.options.logger.error({ err, loop: this.options.name }, 'work failed'))
      .finally(() => {
        this.running.delete(running);
        // More was due than the last poll could take: poll again once a quarter of the slots is free, so a
        // poll (a query, and on FerretDB a scan) claims several pieces at a time.
        const free = this.options.concurrency - this.running.size;
        if (this.backlog && free >= Math.max(1, Math.floor(this.options.concurrency / 4))) this.wake();
      });
    this.running.add(running);
  }
}

/** Who holds a claim, for people reading the claims: host, process and a random part. */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A stable, short code for an error, for records and logs: never its message (it may hold people's data). */
export function errorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'UNKNOWN';
  const { code, name } = err as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && code.length > 0) return code.slice(0, 100);
  const base = typeof name === 'string' && name.length > 0 ? name.slice(0, 60) : 'Error';
  return typeof code === 'number' ? `${base}:${code}` : base;
}

/** Exponential backoff with "equal jitter": between half and all of base·2^(attempt-1), at most `maxMs`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The options that are set (an explicit `undefined` does not override a default). */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
