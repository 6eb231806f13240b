/**
 * The circle's calendar on Microsoft Graph, with the official client (@microsoft/microsoft-graph-client) and
 * an app-only token from @azure/identity (client credentials of the app registration).
 *
 * - Events live in the organiser's mailbox (`/users/{organizer}/events`) and are Teams meetings
 *   (`isOnlineMeeting`, `teamsForBusiness`); Exchange sends the invitations, updates and cancellations to the
 *   attendees itself.
 * - A create carries Graph's `transactionId` (a GUID from our own key): sent again after a lost answer, Graph
 *   returns the event it made the first time. That is what makes the client's retries of a POST safe.
 * - Retries and deadline: see graph-client.ts (shared with the directory); a Retry-After beyond the bound
 *   fails with CALENDAR_UNAVAILABLE and the wait in `retryAfterMs`, for the job queue to retry.
 * - Time zones: Graph accepts Windows zone names and a documented list of IANA names only (not, for example,
 *   Europe/Amsterdam). An event is written in the circle's zone when Graph lists it, else in a listed zone
 *   with the same UTC offsets that year (Europe/Amsterdam → Europe/Berlin, the same Windows zone), else in
 *   UTC. The instant is exact in every case; only the zone Outlook shows the event in differs.
 * - Attendees need a mail address. Members without one are looked up (`GET /users/{id}`, needs
 *   User.Read.All); one without a mailbox is left out and reported in `notInvited`.
 */

import { DateTime, IANAZone } from 'luxon';
import {
  BUSY_STATUSES,
  CalendarError,
  type BusyInterval,
  type BusyStatus,
  type CalendarAttendee,
  type CalendarErrorCode,
  type CalendarEventChange,
  type CalendarPort,
  type CreatedCalendarEvent,
  type FreeBusyRequest,
  type MemberAvailability,
  type NewCalendarEvent,
} from '../domain/calendar';
import { safeJoinUrl } from '../domain/cycle';
import {
  classifyGraphError,
  createGraphApi,
  graphUserPath,
  type GraphClientConfig,
  type GraphFailureKind,
} from './graph-client';

export type GraphCalendarConfig = GraphClientConfig;

/** Graph's 404 codes for a user or mailbox that is not there (as opposed to an event that is gone). */
const MAILBOX_MISSING = new Set([
  'ErrorInvalidUser',
  'MailboxNotEnabledForRESTAPI',
  'Request_ResourceNotFound',
]);

export function createGraphCalendar(config: GraphCalendarConfig): CalendarPort {
  const api = createGraphApi(config);

  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (err) {
      throw toCalendarError(err);
    }
  };

  const user = graphUserPath;

  /** The attendees' addresses; looked up by Entra id for those without one. */
  async function addressesOf(
    people: readonly CalendarAttendee[],
  ): Promise<{ person: CalendarAttendee; address: string | undefined }[]> {
    return Promise.all(
      people.map(async (person) => {
        if (person.email) return { person, address: person.email };
        try {
          const found = (await api(user(person.aadObjectId))
            .select(['mail', 'userPrincipalName', 'displayName'])
            .get()) as { mail?: string | null; userPrincipalName?: string | null };
          // mail is the mailbox's SMTP address; a member user always has a UPN, usually routable too.
          return { person, address: found.mail ?? found.userPrincipalName ?? undefined };
        } catch (err) {
          const error = toCalendarError(err);
          if (error.code === 'CALENDAR_NOT_FOUND') return { person, address: undefined };
          throw error;
        }
      }),
    );
  }

  return {
    async createEvent(event: NewCalendarEvent): Promise<CreatedCalendarEvent> {
      const organizer = event.organizer.toLowerCase();
      const others = event.attendees.filter(
        (a) => a.aadObjectId.toLowerCase() !== organizer && a.email?.toLowerCase() !== organizer,
      );
      const resolved = await addressesOf(others);
      const invited = resolved.filter((r): r is { person: CalendarAttendee; address: string } =>
        Boolean(r.address),
      );
      const created = await call(
        () =>
          api(`${user(event.organizer)}/events`).post({
            subject: event.subject,
            body: { contentType: 'HTML', content: event.bodyHtml },
            start: graphDateTime(event.start, event.timeZone, [event.start, event.end]),
            end: graphDateTime(event.end, event.timeZone, [event.start, event.end]),
            attendees: invited.map(({ person, address }) => ({
              emailAddress: { address, name: person.name },
              type: 'required',
            })),
            isOnlineMeeting: true,
            onlineMeetingProvider: 'teamsForBusiness',
            // A session moves through the circle's card (the cycle keeps its week); proposals in Outlook would not.
            allowNewTimeProposals: false,
            transactionId: event.transactionId,
          }) as Promise<GraphEvent>,
      );
      if (typeof created?.id !== 'string' || created.id === '') {
        throw new CalendarError('CALENDAR_UNAVAILABLE', 'Graph answered a create without an event id');
      }
      return {
        eventId: created.id,
        joinUrl: safeJoinUrl(created.onlineMeeting?.joinUrl),
        notInvited: resolved.filter((r) => !r.address).map((r) => r.person.aadObjectId),
      };
    },

    async updateEvent(organizer: string, eventId: string, change: CalendarEventChange): Promise<void> {
      const instants = [change.start, change.end];
      await call(() =>
        api(`${user(organizer)}/events/${encodeURIComponent(eventId)}`).patch({
          start: graphDateTime(change.start, change.timeZone, instants),
          end: graphDateTime(change.end, change.timeZone, instants),
          ...(change.subject === undefined ? {} : { subject: change.subject }),
        }),
      );
    },

    async cancelEvent(organizer: string, eventId: string, comment: string) {
      try {
        await call(() =>
          api(`${user(organizer)}/events/${encodeURIComponent(eventId)}/cancel`).post({ comment }),
        );
        return 'cancelled';
      } catch (err) {
        // Cancelled or deleted before (by us on an earlier attempt, or by someone in Outlook): the goal is met.
        // Not when the organiser's mailbox itself is missing: that is configuration, and must be seen.
        if (
          err instanceof CalendarError &&
          err.code === 'CALENDAR_NOT_FOUND' &&
          !MAILBOX_MISSING.has(err.details.serviceCode ?? '')
        ) {
          return 'already_gone';
        }
        throw err;
      }
    },

    async freeBusy(request: FreeBusyRequest): Promise<MemberAvailability[]> {
      const resolved = await addressesOf(request.members);
      const addresses = [...new Set(resolved.flatMap((r) => (r.address ? [r.address] : [])))];
      const schedules =
        addresses.length === 0
          ? []
          : ((
              (await call(() =>
                api(`${user(request.organizer)}/calendar/getSchedule`)
                  // Answer in UTC (the default too, said out loud): parsing then needs no zone table.
                  .header('Prefer', 'outlook.timezone="UTC"')
                  .post({
                    schedules: addresses,
                    startTime: { dateTime: wallClock(request.start, 'UTC'), timeZone: 'UTC' },
                    endTime: { dateTime: wallClock(request.end, 'UTC'), timeZone: 'UTC' },
                    availabilityViewInterval: request.intervalMinutes,
                  }),
              )) as { value?: GraphSchedule[] }
            ).value ?? []);
      const byAddress = new Map(schedules.map((s) => [String(s.scheduleId).toLowerCase(), s]));
      return resolved.map(({ person, address }) => {
        const schedule = address ? byAddress.get(address.toLowerCase()) : undefined;
        if (!schedule || schedule.error) {
          return { aadObjectId: person.aadObjectId, email: address, busy: [], unknown: true };
        }
        return {
          aadObjectId: person.aadObjectId,
          email: address,
          busy: busyOf(schedule, request.start, request.intervalMinutes),
          unknown: false,
        };
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Graph's shapes (only what we read)

interface GraphDateTime {
  dateTime: string;
  timeZone: string;
}

interface GraphEvent {
  id?: string;
  onlineMeeting?: { joinUrl?: string | null } | null;
}

interface GraphSchedule {
  scheduleId?: string;
  availabilityView?: string;
  scheduleItems?: { status?: string; start?: GraphDateTime; end?: GraphDateTime }[];
  error?: { message?: string; responseCode?: string } | null;
}

// ---------------------------------------------------------------------------------------------------------
// Times

/**
 * The IANA names Graph's dateTimeTimeZone documents besides Windows names (learn.microsoft.com, resource
 * dateTimeTimeZone). Others may or may not work; we do not send them. Left out: the four the page gives with
 * a second name in brackets (Kyiv, Tashkent, Almaty, Yangon), as it is unclear which spelling Graph takes.
 */
// prettier-ignore
const GRAPH_IANA_ZONES: readonly string[] = [
  'Etc/GMT+12', 'Etc/GMT+11', 'Pacific/Honolulu', 'America/Anchorage', 'America/Santa_Isabel',
  'America/Los_Angeles', 'America/Phoenix', 'America/Chihuahua', 'America/Denver', 'America/Guatemala',
  'America/Chicago', 'America/Mexico_City', 'America/Regina', 'America/Bogota', 'America/New_York',
  'America/Indiana/Indianapolis', 'America/Caracas', 'America/Asuncion', 'America/Halifax', 'America/Cuiaba',
  'America/La_Paz', 'America/Santiago', 'America/St_Johns', 'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires', 'America/Cayenne', 'America/Godthab', 'America/Montevideo',
  'America/Bahia', 'Etc/GMT+2', 'Atlantic/Azores', 'Atlantic/Cape_Verde', 'Africa/Casablanca', 'Etc/GMT',
  'Europe/London', 'Atlantic/Reykjavik', 'Europe/Berlin', 'Europe/Budapest', 'Europe/Paris', 'Europe/Warsaw',
  'Africa/Lagos', 'Africa/Windhoek', 'Europe/Bucharest', 'Asia/Beirut', 'Africa/Cairo', 'Asia/Damascus',
  'Africa/Johannesburg', 'Europe/Istanbul', 'Asia/Jerusalem', 'Asia/Amman', 'Asia/Baghdad',
  'Europe/Kaliningrad', 'Asia/Riyadh', 'Africa/Nairobi', 'Asia/Tehran', 'Asia/Dubai', 'Asia/Baku',
  'Europe/Moscow', 'Indian/Mauritius', 'Asia/Tbilisi', 'Asia/Yerevan', 'Asia/Kabul', 'Asia/Karachi',
  'Asia/Kolkata', 'Asia/Colombo', 'Asia/Kathmandu', 'Asia/Dhaka',
  'Asia/Yekaterinburg', 'Asia/Bangkok', 'Asia/Novosibirsk', 'Asia/Shanghai',
  'Asia/Krasnoyarsk', 'Asia/Singapore', 'Australia/Perth', 'Asia/Taipei', 'Asia/Ulaanbaatar', 'Asia/Irkutsk',
  'Asia/Tokyo', 'Asia/Seoul', 'Australia/Adelaide', 'Australia/Darwin', 'Australia/Brisbane',
  'Australia/Sydney', 'Pacific/Port_Moresby', 'Australia/Hobart', 'Asia/Yakutsk', 'Pacific/Guadalcanal',
  'Asia/Vladivostok', 'Pacific/Auckland', 'Etc/GMT-12', 'Pacific/Fiji', 'Asia/Magadan', 'Pacific/Tongatapu',
  'Pacific/Apia', 'Pacific/Kiritimati',
];
const GRAPH_IANA_SET = new Set(GRAPH_IANA_ZONES);

/**
 * The zone to write an event in: the circle's own when Graph documents it; else the first documented zone
 * whose UTC offset equals the circle's at the event's instants and in January and July of that year (the
 * same daylight-saving regime, so Outlook shows the same local times); else UTC.
 */
export function graphTimeZoneFor(zone: string, instants: readonly Date[]): string {
  if (GRAPH_IANA_SET.has(zone)) return zone;
  if (!IANAZone.isValidZone(zone) || instants.length === 0) return 'UTC';
  const year = DateTime.fromJSDate(instants[0]!, { zone }).year;
  const probes = [...instants.map((at) => at.getTime()), Date.UTC(year, 0, 1, 12), Date.UTC(year, 6, 1, 12)];
  const own = IANAZone.create(zone);
  const same = GRAPH_IANA_ZONES.find((candidate) => {
    const other = IANAZone.create(candidate);
    return probes.every((ts) => other.offset(ts) === own.offset(ts));
  });
  return same ?? 'UTC';
}

/** Local wall-clock time in `zone`, as Graph's dateTime wants it (no offset). */
function wallClock(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

function graphDateTime(at: Date, circleZone: string, instants: readonly Date[]): GraphDateTime {
  const timeZone = graphTimeZoneFor(circleZone, instants);
  return { dateTime: wallClock(at, timeZone), timeZone };
}

/** A Graph dateTimeTimeZone as an instant; undefined when unreadable (a zone we cannot interpret). */
function instantOf(value: GraphDateTime | undefined): Date | undefined {
  if (!value?.dateTime) return undefined;
  const zone = value.timeZone === 'UTC' || !value.timeZone ? 'utc' : value.timeZone;
  if (!IANAZone.isValidZone(zone) && zone !== 'utc') return undefined;
  // Graph writes seven fractional digits ("2019-03-15T12:00:00.0000000"); luxon reads up to milliseconds.
  const trimmed = value.dateTime.replace(/(\.\d{3})\d+$/, '$1');
  const parsed = DateTime.fromISO(trimmed, { zone });
  return parsed.isValid ? parsed.toJSDate() : undefined;
}

const AVAILABILITY_DIGITS: Record<string, BusyStatus | undefined> = {
  '1': 'tentative',
  '2': 'busy',
  '3': 'oof',
};

/**
 * Busy periods from a schedule: its items (status busy, oof or tentative; see BUSY_STATUSES), or, when Graph
 * gave none, its availabilityView (one digit per interval from the requested start).
 */
function busyOf(schedule: GraphSchedule, from: Date, intervalMinutes: number): BusyInterval[] {
  const busy: BusyInterval[] = [];
  if (schedule.scheduleItems) {
    for (const item of schedule.scheduleItems) {
      const status = item.status?.toLowerCase();
      const start = instantOf(item.start);
      const end = instantOf(item.end);
      if (!start || !end || !(BUSY_STATUSES as readonly string[]).includes(status ?? '')) continue;
      busy.push({ start, end, status: status as BusyStatus });
    }
  } else if (schedule.availabilityView) {
    const step = intervalMinutes * 60_000;
    [...schedule.availabilityView].forEach((digit, i) => {
      const status = AVAILABILITY_DIGITS[digit];
      if (!status) return;
      busy.push({
        start: new Date(from.getTime() + i * step),
        end: new Date(from.getTime() + (i + 1) * step),
        status,
      });
    });
  }
  return busy.sort((a, b) => a.start.getTime() - b.start.getTime());
}

// ---------------------------------------------------------------------------------------------------------
// Errors

const CALENDAR_CODES: Record<GraphFailureKind, CalendarErrorCode> = {
  unavailable: 'CALENDAR_UNAVAILABLE',
  auth_failed: 'CALENDAR_AUTH_FAILED',
  forbidden: 'CALENDAR_FORBIDDEN',
  not_found: 'CALENDAR_NOT_FOUND',
  rejected: 'CALENDAR_REJECTED',
};

export function toCalendarError(err: unknown): CalendarError {
  if (err instanceof CalendarError) return err;
  const failure = classifyGraphError(err);
  return new CalendarError(CALENDAR_CODES[failure.kind], failure.message, failure.details);
}
