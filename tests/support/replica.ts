import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ReplicaConfig } from './replica.worker';

export interface Replica {
  /** Kills the process at once (SIGKILL): no shutdown, like a container that dies. */
  kill(): Promise<void>;
}

/** Starts replica.worker.ts in a process of its own and resolves once it polls. */
export async function startReplica(config: ReplicaConfig, timeoutMs = 20_000): Promise<Replica> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--disable-warning=DEP0111', '--import', 'tsx', path.join(__dirname, 'replica.worker.ts')],
    { env: { ...process.env, REPLICA: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica did not start: ${stderr}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica exited with ${code}: ${stderr}`));
    });
  });
  return {
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `check` until it returns something other than undefined/false, or fails after timeoutMs. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
