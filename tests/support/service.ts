import pino from 'pino';
import { parseConfig } from '../../bot/src/config';
import { startService, type Service } from '../../bot/src/main';
import { testMongoUri, uniqueDbName } from './mongo';

/**
 * The real service (the same wiring as `npm start`) on a free loopback port, on the run's MongoDB with a
 * database of its own unless one is given.
 */
export async function startTestService(env: Record<string, string> = {}): Promise<Service> {
  const config = parseConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    MONGODB_URI: testMongoUri(),
    MONGODB_DB: uniqueDbName('svc'),
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...env,
  });
  return startService(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
}

export async function postActivity(
  service: { url: string },
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(`${service.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}
