import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { translator } from '../cards/i18n';
import type { CyclePlanner, PlannedCycle } from '../domain/cycle-planner.service';
import type { Locale } from '../domain/locale';
import { cycleCalendar } from '../integrations/ics-calendar';
import { checkSignedPath, signPath } from './signed-link';

/** A calendar link on a card keeps working at least this long, and until a month after the cycle's end. */
const LINK_VALIDITY_DAYS = 60;
const LINK_AFTER_CYCLE_DAYS = 30;
const DAY_MS = 86_400_000;

export const calendarPath = (cycle: Pick<PlannedCycle, 'tenantId' | 'id'>, locale: Locale) =>
  `/api/calendar/${encodeURIComponent(cycle.tenantId)}/${encodeURIComponent(cycle.id)}/${locale}.ics`;

/** The signed link to a cycle's .ics file, for the confirmation card. */
export function calendarLink(
  options: { publicUrl: string; secret: string; clock: () => Date },
  cycle: Pick<PlannedCycle, 'tenantId' | 'id' | 'sessions'>,
  locale: Locale,
): string {
  const lastEnd = Math.max(...cycle.sessions.map((s) => s.end.getTime()));
  const expires = new Date(
    Math.max(
      options.clock().getTime() + LINK_VALIDITY_DAYS * DAY_MS,
      lastEnd + LINK_AFTER_CYCLE_DAYS * DAY_MS,
    ),
  );
  return `${options.publicUrl}${signPath(options.secret, calendarPath(cycle, locale), expires)}`;
}

/**
 * `GET /api/calendar/{tenantId}/{cycleId}/{nl|en}.ics?exp=&sig=`: the cycle's four sessions as an iCalendar
 * file, for circles without Microsoft Graph. Signed links only (see signed-link.ts); 404 for anything else.
 */
export function registerCalendarRoutes(
  server: Server,
  parts: { planner: CyclePlanner; secret: string; clock: () => Date; logger: Logger },
): void {
  server.get('/api/calendar/:tenantId/:cycleId/:file', async (req: Request, res: Response) => {
    const { tenantId, cycleId, file } = req.params as Record<string, string>;

    const locale = file === 'en.ics' ? 'en' : file === 'nl.ics' ? 'nl' : undefined;
    // restify leaves the query unparsed (no queryParser plugin on this server): read it from the URL.
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const check = locale
      ? checkSignedPath(
          parts.secret,
          calendarPath({ tenantId: tenantId!, id: cycleId! }, locale),
          query.get('exp') ?? undefined,
          query.get('sig') ?? undefined,
          parts.clock(),
        )
      : 'invalid';
    if (check !== 'valid' || !locale) {
      res.send(check === 'expired' ? 410 : 404, {
        error:
          check === 'expired'
            ? {
                code: 'LINK_EXPIRED',
                message: 'This link has expired; ask the bot for the plan again (type plan)',
              }
            : { code: 'NOT_FOUND', message: 'No such calendar' },
      });
      return;
    }
    const cycle = await parts.planner.findById(tenantId!, cycleId!);
    if (!cycle) {
      res.send(404, { error: { code: 'NOT_FOUND', message: 'No such calendar' } });
      return;
    }
    const t = translator(locale);
    const body = cycleCalendar({
      cycleId: cycle.id,
      circleName: cycle.circleName,
      timeZone: cycle.timeZone,
      sessions: cycle.sessions.map((s) => ({
        dayIndex: s.dayIndex,
        start: s.start,
        end: s.end,
        status: s.status === 'cancelled' ? 'cancelled' : 'planned',
        sequence: s.sequence,
      })),
      texts: {
        summary: (dayIndex) => t('plan.ics.summary', { circle: cycle.circleName, n: dayIndex + 1 }),
        description: t('plan.ics.description'),
      },
      joinUrl: cycle.sessions.find((s) => s.joinUrl)?.joinUrl,
    });
    res.writeHead(200, {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="vitale-weekcyclus-${cycle.weekStart}.ics"`,
      'cache-control': 'private, no-store',
    });
    res.end(body);
  });
}
