import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';

/**
 * Work that must start only after the turn's HTTP answer is written: a card answered now ("a suggestion is
 * being made") and updated later must not be updated before Teams has the answer, or the answer would
 * overwrite the update. Tasks must not hold on to the TurnContext (it is revoked when the turn ends).
 */
export type AfterTurnTask = { name: string; run: () => Promise<void> };

const AFTER_TURN = Symbol('werkplekleren.afterTurn');

export function afterTurn(context: TurnContext, task: AfterTurnTask): void {
  const tasks = context.turnState.get<AfterTurnTask[] | undefined>(AFTER_TURN) ?? [];
  tasks.push(task);
  context.turnState.set(AFTER_TURN, tasks);
}

export function takeAfterTurn(context: TurnContext): AfterTurnTask[] {
  const tasks = context.turnState.get<AfterTurnTask[] | undefined>(AFTER_TURN) ?? [];
  context.turnState.delete(AFTER_TURN);
  return tasks;
}

/** Runs tasks in the background and remembers them, so a graceful shutdown waits for them too. */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.running.size;
  }

  start(tasks: readonly AfterTurnTask[], log: Logger = this.logger): void {
    for (const task of tasks) {
      const work = task
        .run()
        .catch((err: unknown) => log.error({ err, task: task.name }, 'background task failed'));
      this.running.add(work);
      void work.finally(() => this.running.delete(work));
    }
  }

  /** Resolves when everything started so far has ended; true when it ended before the timeout. */
  async drain(timeoutMs: number): Promise<boolean> {
    const timedOut = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), timeoutMs).unref(),
    );
    return (await Promise.race([Promise.allSettled([...this.running]), timedOut])) !== 'timeout';
  }
}
