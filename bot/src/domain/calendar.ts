/**
 * The circle's calendar as the cycle planner needs it: the four sessions of a Vitale Weekcyclus as calendar
 * events with a Teams meeting, moved or cancelled with the cycle, and the members' free/busy to propose a
 * time at which nobody is busy. This file is the port and its pure rules; Microsoft Graph is one
 * implementation (integrations/graph-calendar.ts). No vendor types leak in here.
 */

import { createHash } from 'node:crypto';

/** One session of a cycle as the calendar sees it. */
export interface CalendarSession {
  /** 0..3: which session of the cycle (its identity, also after a move). */
  dayIndex: number;
  start: Date;
  end: Date;
}

/** A member to invite. Without `email` the calendar looks the person's mailbox up by their Entra id. */
export interface CalendarAttendee {
  aadObjectId: string;
  name: string;
  email?: string | undefined;
}

export interface NewCalendarEvent {
  /** The mailbox that organises the event: an Entra object id or a user principal name. */
  organizer: string;
  subject: string;
  /** HTML shown in the invitation; the Teams join link is added by the calendar service itself. */
  bodyHtml: string;
  start: Date;
  end: Date;
  /** The circle's IANA time zone: the event is written in it where the calendar supports that zone. */
  timeZone: string;
  attendees: readonly CalendarAttendee[];
  /**
   * The same GUID for every attempt to create this one event (see `calendarTransactionId`), so a create that
   * is sent again after a lost answer returns the event made the first time instead of a second one.
   */
  transactionId: string;
}

export interface CreatedCalendarEvent {
  eventId: string;
  /** The Teams meeting's join URL; undefined when the calendar made no Teams meeting (e.g. no licence). */
  joinUrl: string | undefined;
  /** Members who were not invited because no mailbox was found for them (their Entra ids). */
  notInvited: string[];
}

export interface CalendarEventChange {
  start: Date;
  end: Date;
  /** The circle's IANA time zone, as for a new event. */
  timeZone: string;
  subject?: string | undefined;
}

export interface FreeBusyRequest {
  /** The mailbox whose rights are used to read the others' free/busy (the organiser). */
  organizer: string;
  members: readonly CalendarAttendee[];
  start: Date;
  end: Date;
  /** Granularity the calendar service works in, 5–1440 minutes. */
  intervalMinutes: number;
}

/**
 * Which calendar states keep a member from a session. Decision: busy, out of office and tentative count;
 * free, working elsewhere (still working, a Teams meeting is fine) and unknown do not. Tentative counts
 * because a cycle needs everyone on all four days: proposing a time that clashes with a meeting someone
 * half-accepted makes the circle move it later.
 */
export const BUSY_STATUSES = ['busy', 'oof', 'tentative'] as const;
export type BusyStatus = (typeof BUSY_STATUSES)[number];

export interface BusyInterval {
  start: Date;
  end: Date;
  status: BusyStatus;
}

export interface MemberAvailability {
  aadObjectId: string;
  /** The address the calendar was asked about; undefined when no mailbox was found. */
  email: string | undefined;
  /** Periods the member is busy in, earliest first. */
  busy: BusyInterval[];
  /** True when the calendar could not tell (no mailbox, another organisation's): treated as free. */
  unknown: boolean;
}

export interface CalendarPort {
  createEvent(event: NewCalendarEvent): Promise<CreatedCalendarEvent>;
  updateEvent(organizer: string, eventId: string, change: CalendarEventChange): Promise<void>;
  /** 'already_gone' when the event was cancelled or deleted before: cancelling is idempotent. */
  cancelEvent(organizer: string, eventId: string, comment: string): Promise<'cancelled' | 'already_gone'>;
  freeBusy(request: FreeBusyRequest): Promise<MemberAvailability[]>;
}

export type CalendarErrorCode =
  /** Unreachable, timed out, throttled or failing (429/5xx) after the allowed retries: try again later. */
  | 'CALENDAR_UNAVAILABLE'
  /** The app's credentials were refused (wrong secret, unknown app or tenant): configuration. */
  | 'CALENDAR_AUTH_FAILED'
  /** The app may not do this (permission not granted, mailbox outside an access policy). */
  | 'CALENDAR_FORBIDDEN'
  /** The mailbox or the event does not exist. */
  | 'CALENDAR_NOT_FOUND'
  /** The calendar refused the request itself (400): a bug or an unsupported value, not worth retrying. */
  | 'CALENDAR_REJECTED';

export class CalendarError extends Error {
  constructor(
    readonly code: CalendarErrorCode,
    message: string,
    readonly details: {
      /** The HTTP status of the calendar service's answer, when there was one. */
      status?: number | undefined;
      /** The service's own error code, e.g. Graph's `ErrorAccessDenied`. */
      serviceCode?: string | undefined;
      /** How long the service asked us to wait (Retry-After), when it did. */
      retryAfterMs?: number | undefined;
    } = {},
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}

export const isCalendarError = (err: unknown): err is CalendarError => err instanceof CalendarError;

// ---------------------------------------------------------------------------------------------------------
// Idempotent creates

/** A fixed namespace for our name-based GUIDs: any constant works, it only must never change. */
const TRANSACTION_NAMESPACE = Buffer.from('5f0b8c1e9a7d4e3fb2c6d1a0e4f7b9c3', 'hex');

/**
 * A GUID derived from our own key of one calendar event (e.g. `<cycleId>:<dayIndex>`), always the same for
 * the same key: an RFC 4122 version-5 (SHA-1, name-based) UUID. Use a new key (e.g. add a revision) when an
 * event is deliberately made again after it was cancelled.
 */
export function calendarTransactionId(key: string): string {
  const hash = createHash('sha1').update(TRANSACTION_NAMESPACE).update(key, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Proposing a time

/** Local times of day from `first` to `last` inclusive, every `stepMinutes` (HH:mm), e.g. 09:00..16:00. */
export function candidateTimes(first: string, last: string, stepMinutes = 60): string[] {
  const from = minutesOf(first);
  const to = minutesOf(last);
  if (from === undefined || to === undefined || !Number.isInteger(stepMinutes) || stepMinutes < 5) {
    throw new RangeError(`invalid candidate times: ${first}..${last} every ${stepMinutes}`);
  }
  const times: string[] = [];
  for (let at = from; at <= to; at += stepMinutes) {
    times.push(`${String(Math.floor(at / 60)).padStart(2, '0')}:${String(at % 60).padStart(2, '0')}`);
  }
  return times;
}

function minutesOf(timeOfDay: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(timeOfDay);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

const overlaps = (a: { start: Date; end: Date }, b: { start: Date; end: Date }): boolean =>
  a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();

/**
 * The candidate with the earliest time of day at which every session is free for every member, or undefined
 * when none is. Candidates are cycles proposed for one week at several times (cycle-calendar's
 * `proposeCycle`, which computes each session's instants in the circle's zone, so daylight saving is already
 * right); busy periods are instants too, so nothing here depends on a time zone. A session that ends exactly
 * when a busy period starts (or the other way round) does not clash. Members whose calendar is `unknown`
 * have no busy periods and so do not block a time; the caller can say so.
 */
export function firstFreeSlot<C extends { timeOfDay: string; sessions: readonly CalendarSession[] }>(
  candidates: readonly C[],
  availability: readonly { busy: readonly { start: Date; end: Date }[] }[],
): C | undefined {
  const busy = availability.flatMap((member) => member.busy);
  const byTime = [...candidates].sort(
    (a, b) => (minutesOf(a.timeOfDay) ?? Infinity) - (minutesOf(b.timeOfDay) ?? Infinity),
  );
  return byTime.find((candidate) =>
    candidate.sessions.every((session) => !busy.some((period) => overlaps(session, period))),
  );
}

/** Text for an invitation's HTML body, with the characters HTML gives meaning to escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
