import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface ServiceProcess {
  url: string;
  logs: string[];
  /** SIGTERM, as an orchestrator stops it; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * The real service (`bot/src/main.ts`, as `npm start` runs it) in a process of its own, for what must be set
 * when Node starts, e.g. NODE_EXTRA_CA_CERTS to trust a fake's https certificate.
 */
export async function startServiceProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ['--disable-warning=DEP0111', '--import', 'tsx', path.join(ROOT, 'bot/src/main.ts')],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no start within ${timeoutMs} ms:\n${logs.join('')}`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      logs.push(chunk.toString());
      const line = logs
        .join('')
        .split('\n')
        .find((l) => l.includes('Werkplekleren+ is listening'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${logs.join('')}`));
    });
  });
  return {
    url,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
