/**
 * The .ics file of one Vitale Weekcyclus, offered on the confirmation card when there is no Microsoft Graph
 * to put the sessions in people's calendars. Made with ical-generator; the VTIMEZONE comes from
 * @touch4it/ical-timezones.
 *
 * - METHOD:PUBLISH: a file people import, not a meeting request. RFC 5546 (iTIP) does not allow ATTENDEE
 *   in a PUBLISH, and Outlook treats an event with attendees as an invitation it should answer, so the
 *   circle's members are not listed; who is in the circle belongs in the description text.
 * - Stable UIDs `<cycleId>-<dayIndex>@werkplekleren-plus` and a SEQUENCE that the cycle raises on each
 *   change, so downloading the file again after a move or a cancellation updates the events people
 *   imported instead of adding new ones. A cancelled session stays in the file with STATUS:CANCELLED.
 * - Events are written in the circle's time zone (DTSTART;TZID=...) with its VTIMEZONE, so a calendar shows
 *   09:00 as 09:00 local on both sides of a daylight-saving change. ical-generator needs both the event's
 *   time zone and a luxon DateTime: given a JS Date with a time zone it formats the server's local time.
 *   When @touch4it/ical-timezones has no VTIMEZONE for the zone (its data predates e.g. Europe/Kyiv), the
 *   events are written in UTC instead, which every calendar reads correctly.
 * - The calendar itself gets no time zone name: ical-generator would then write DTSTAMP in that zone without
 *   the "Z" that RFC 5545 requires. Only the generator is set, which adds the events' VTIMEZONEs.
 */

import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { escape, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime, IANAZone } from 'luxon';

export interface IcsSession {
  /** 0..3; part of the event's UID, so it must stay the same when the session moves. */
  dayIndex: number;
  start: Date;
  end: Date;
  status: 'planned' | 'cancelled';
  /** Raised by one on every change of this session (time, place, status). */
  sequence: number;
}

export interface CycleCalendarInput {
  cycleId: string;
  circleName: string;
  /** The circle's IANA time zone. */
  timeZone: string;
  sessions: readonly IcsSession[];
  /** Who publishes the events (the person who planned the cycle). */
  organizer?: { name: string; email: string } | undefined;
  /** Texts from the card catalogue in the reader's language. */
  texts: { summary(dayIndex: number): string; description: string };
  /** The Teams meeting's join URL; used only when it is https. */
  joinUrl?: string | undefined;
  /** DTSTAMP; default now. */
  stamp?: Date | undefined;
}

const UID_DOMAIN = 'werkplekleren-plus';

/** The UID of one session's event: the same for every download of the same cycle. */
export function sessionUid(cycleId: string, dayIndex: number): string {
  return `${cycleId}-${dayIndex}@${UID_DOMAIN}`;
}

function httpsUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value).protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The .ics text of a cycle. Throws a RangeError for input the planner never produces (an invalid time zone,
 * a cycle id that is not a plain token, a session that ends before it starts); it is a programming error.
 */
export function cycleCalendar(input: CycleCalendarInput): string {
  if (!IANAZone.isValidZone(input.timeZone)) throw new RangeError(`not an IANA time zone: ${input.timeZone}`);
  // ical-generator writes the UID as it is: keep it a token that needs no escaping.
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(input.cycleId)) {
    throw new RangeError(`cycle id is not a plain token: ${input.cycleId}`);
  }
  const zoned = getVtimezoneComponent(input.timeZone) !== null;
  const joinUrl = httpsUrl(input.joinUrl);

  const calendar = ical({
    method: ICalCalendarMethod.PUBLISH,
    prodId: { company: 'Werkplekleren+', product: 'Vitale Weekcyclus', language: 'NL' },
    // NAME / X-WR-CALNAME: what calendars that open the file as a calendar of its own call it.
    // ical-generator writes the calendar's name unescaped (unlike an event's summary), so a comma, a
    // semicolon or a line break in the circle's name would corrupt the file: escape it here.
    name: escape(input.circleName, false),
  });
  if (zoned) calendar.timezone({ name: null, generator: getVtimezoneComponent });

  const stamp = input.stamp ?? new Date();
  for (const session of [...input.sessions].sort((a, b) => a.dayIndex - b.dayIndex)) {
    if (!Number.isInteger(session.dayIndex) || session.dayIndex < 0) {
      throw new RangeError(`invalid dayIndex: ${session.dayIndex}`);
    }
    if (!(session.end > session.start))
      throw new RangeError(`session ${session.dayIndex} ends before it starts`);
    const zone = zoned ? input.timeZone : 'utc';
    calendar.createEvent({
      id: sessionUid(input.cycleId, session.dayIndex),
      sequence: Math.max(0, Math.floor(session.sequence)),
      stamp,
      start: DateTime.fromJSDate(session.start, { zone }),
      end: DateTime.fromJSDate(session.end, { zone }),
      ...(zoned ? { timezone: input.timeZone } : {}),
      summary: input.texts.summary(session.dayIndex),
      description: input.texts.description,
      ...(joinUrl ? { url: joinUrl, location: joinUrl } : {}),
      ...(input.organizer ? { organizer: input.organizer } : {}),
      status: session.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
