/**
 * The product's Graph calendar client in a process of its own, started by `startCalendarProcess` (see
 * graph.fake.ts for why: the fake's self-signed certificate is trusted here through NODE_EXTRA_CA_CERTS, which
 * Node reads only at start). Run with `node --import tsx`; takes `{ id, config, method, args }` over IPC and
 * answers `{ id, reply }`, errors as plain data (code, details) because classes do not cross processes.
 */
import { isCalendarError, type CalendarPort } from '../../bot/src/domain/calendar';
import { createGraphCalendar, type GraphCalendarConfig } from '../../bot/src/integrations/graph-calendar';

interface Request {
  id: number;
  config: GraphCalendarConfig;
  method: keyof CalendarPort;
  args: unknown[];
}

const calendars = new Map<string, CalendarPort>();

process.on('message', (message: Request) => {
  void (async () => {
    const key = JSON.stringify(message.config);
    let calendar = calendars.get(key);
    if (!calendar) {
      calendar = createGraphCalendar(message.config);
      calendars.set(key, calendar);
    }
    try {
      const method = calendar[message.method] as (...args: unknown[]) => Promise<unknown>;
      const value = await method.apply(calendar, message.args);
      process.send?.({ id: message.id, reply: { ok: true, value } });
    } catch (err) {
      const e = err as Error & { code?: unknown; details?: Record<string, unknown> };
      process.send?.({
        id: message.id,
        reply: {
          ok: false,
          error: {
            isCalendarError: isCalendarError(err),
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
