/**
 * The product's Graph clients (calendar, directory) in a process of their own, started by `startCalendarProcess` (see
 * graph.fake.ts for why: the fake's self-signed certificate is trusted here through NODE_EXTRA_CA_CERTS, which
 * Node reads only at start). Run with `node --import tsx`; takes `{ id, config, method, args }` over IPC and
 * answers `{ id, reply }`, errors as plain data (code, details) because classes do not cross processes.
 */
import { isCalendarError } from '../../bot/src/domain/calendar';
import { isDirectoryError } from '../../bot/src/domain/directory';
import { createGraphCalendar } from '../../bot/src/integrations/graph-calendar';
import type { GraphClientConfig } from '../../bot/src/integrations/graph-client';
import { createGraphDirectory } from '../../bot/src/integrations/graph-directory';

interface Request {
  id: number;
  /** Which of the product's Graph clients: the calendar (default) or the directory. */
  client?: 'calendar' | 'directory';
  config: GraphClientConfig;
  method: string;
  args: unknown[];
}

const clients = new Map<string, object>();

process.on('message', (message: Request) => {
  void (async () => {
    const kind = message.client ?? 'calendar';
    const key = `${kind}:${JSON.stringify(message.config)}`;
    let client = clients.get(key);
    if (!client) {
      client =
        kind === 'directory' ? createGraphDirectory(message.config) : createGraphCalendar(message.config);
      clients.set(key, client);
    }
    try {
      const method = (client as Record<string, (...args: unknown[]) => Promise<unknown>>)[message.method]!;
      const value = await method.apply(client, message.args);
      process.send?.({ id: message.id, reply: { ok: true, value } });
    } catch (err) {
      const e = err as Error & { code?: unknown; details?: Record<string, unknown> };
      process.send?.({
        id: message.id,
        reply: {
          ok: false,
          error: {
            isCalendarError: isCalendarError(err),
            isDirectoryError: isDirectoryError(err),
            name: e.name,
            code: typeof e.code === 'string' ? e.code : undefined,
            message: e.message,
            details: e.details,
          },
        },
      });
    }
  })();
});

process.send?.({ ready: true });
