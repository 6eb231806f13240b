/**
 * The .ics export, read back by an independent iCalendar parser (ical.js, its CommonJS build): the times
 * are checked as instants after ical.js has applied the file's own VTIMEZONE, so a wrong TZID, a floating
 * time or a VTIMEZONE with wrong rules would all show.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import ICAL from 'ical.js';

import { type ProposedCycle, proposeCycle } from '../../bot/src/domain/cycle-calendar';
import {
  type CycleCalendarInput,
  type IcsSession,
  cycleCalendar,
} from '../../bot/src/integrations/ics-calendar';

const LONG_AGO = new Date('2025-01-01T00:00:00Z');
const ROOT = path.resolve(__dirname, '../..');

function cycleIn(week: string, timeZone: string, timeOfDay = '09:00'): ProposedCycle {
  const proposal = proposeCycle({ week, timeOfDay, timeZone, now: LONG_AGO });
  if (!proposal.ok) throw new Error(`no cycle: ${JSON.stringify(proposal)}`);
  return proposal;
}

function input(cycle: ProposedCycle, overrides: Partial<CycleCalendarInput> = {}): CycleCalendarInput {
  const sessions: IcsSession[] = cycle.sessions.map((s) => ({
    dayIndex: s.dayIndex,
    start: s.start,
    end: s.end,
    status: 'planned',
    sequence: 0,
  }));
  return {
    cycleId: 'cyc-123',
    circleName: 'Zorgteam Noord',
    timeZone: cycle.timeZone,
    sessions,
    texts: {
      summary: (dayIndex) => `Vitale Weekcyclus: sessie ${dayIndex + 1} van 4`,
      description: 'Een uur werkplekleren met de Prof-cirkel.',
    },
    stamp: new Date('2026-01-15T10:00:00Z'),
    ...overrides,
  };
}

interface ParsedEvent {
  uid: string;
  summary: string;
  start: Date;
  end: Date;
  startZone: string;
  localStart: string;
  sequence: number;
  status: unknown;
}

function parse(text: string): { calendar: ICAL.Component; events: ParsedEvent[] } {
  const calendar = ICAL.Component.fromString(text);
  // ical.js converts a TZID time to an instant only with that zone registered: register the file's own.
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtimezone);
  const events = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate(),
      end: event.endDate.toJSDate(),
      startZone: event.startDate.zone?.tzid ?? '',
      localStart: event.startDate.toString(),
      sequence: event.sequence,
      status: component.getFirstPropertyValue('status'),
    };
  });
  return { calendar, events };
}

afterEach(() => {
  for (const zone of ['Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata'])
    ICAL.TimezoneService.remove(zone);
});

describe('cycleCalendar (.ics)', () => {
  it('parses back to four events at the planned instants, in the circle zone, with a VTIMEZONE', () => {
    const cycle = cycleIn('2026-06-08', 'Europe/Amsterdam');
    const { calendar, events } = parse(cycleCalendar(input(cycle)));

    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const vtimezones = calendar.getAllSubcomponents('vtimezone');
    expect(vtimezones.map((tz) => tz.getFirstPropertyValue('tzid'))).toEqual(['Europe/Amsterdam']);

    expect(events).toHaveLength(4);
    events.forEach((event, i) => {
      expect(event.start.toISOString()).toBe(cycle.sessions[i]!.start.toISOString());
      expect(event.end.toISOString()).toBe(cycle.sessions[i]!.end.toISOString());
      expect(event.startZone).toBe('Europe/Amsterdam');
      expect(event.localStart).toBe(`${cycle.sessions[i]!.date}T09:00:00`);
      expect(event.summary).toBe(`Vitale Weekcyclus: sessie ${i + 1} van 4`);
      expect(event.status).toBe('CONFIRMED');
    });
    expect(events[0]!.start.toISOString()).toBe('2026-06-08T07:00:00.000Z');
  });

  it('gives stable UIDs and the sequence, so a new download updates the same events', () => {
    const cycle = cycleIn('2026-06-08', 'Europe/Amsterdam');
    const first = parse(cycleCalendar(input(cycle))).events;
    expect(first.map((e) => e.uid)).toEqual([0, 1, 2, 3].map((i) => `cyc-123-${i}@werkplekleren-plus`));

    const changed = input(cycle, { stamp: new Date('2026-02-01T09:00:00Z') });
    changed.sessions = changed.sessions.map((s) =>
      s.dayIndex === 2
        ? {
            ...s,
            start: new Date('2026-06-12T12:00:00Z'),
            end: new Date('2026-06-12T13:00:00Z'),
            sequence: 1,
          }
        : s,
    );
    const second = parse(cycleCalendar(changed)).events;
    expect(second.map((e) => e.uid)).toEqual(first.map((e) => e.uid));
    expect(second.map((e) => e.sequence)).toEqual([0, 0, 1, 0]);
    expect(second[2]!.localStart).toBe('2026-06-12T14:00:00');

    const otherCycle = parse(cycleCalendar(input(cycle, { cycleId: 'cyc-456' }))).events;
    expect(otherCycle.some((e) => first.some((f) => f.uid === e.uid))).toBe(false);
  });

  it('marks a cancelled session CANCELLED and keeps it in the file', () => {
    const cycle = cycleIn('2026-06-08', 'Europe/Amsterdam');
    const withCancel = input(cycle);
    withCancel.sessions = withCancel.sessions.map((s) =>
      s.dayIndex === 1 ? { ...s, status: 'cancelled', sequence: 2 } : s,
    );
    const { events } = parse(cycleCalendar(withCancel));
    expect(events.map((e) => e.status)).toEqual(['CONFIRMED', 'CANCELLED', 'CONFIRMED', 'CONFIRMED']);
    expect(events[1]!.sequence).toBe(2);
  });

  it('keeps 09:00 local across the March change through the file’s own VTIMEZONE rules', () => {
    const before = cycleIn('2026-03-23', 'Europe/Amsterdam');
    const after = cycleIn('2026-03-30', 'Europe/Amsterdam');
    const text = cycleCalendar(
      input(before, {
        sessions: [
          { ...before.sessions[3]!, status: 'planned', sequence: 0 },
          { ...after.sessions[0]!, dayIndex: 0, status: 'planned', sequence: 0 },
        ],
      }),
    );
    const { events } = parse(text);
    expect(events.map((e) => e.localStart)).toEqual(['2026-03-30T09:00:00', '2026-03-26T09:00:00']);
    expect(events.map((e) => e.start.toISOString())).toEqual([
      '2026-03-30T07:00:00.000Z',
      '2026-03-26T08:00:00.000Z',
    ]);
  });

  it('writes other zones with their own VTIMEZONE: New York after its March change, Kolkata', () => {
    const ny = cycleIn('2026-03-09', 'America/New_York');
    const parsedNy = parse(cycleCalendar(input(ny)));
    expect(parsedNy.calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe(
      'America/New_York',
    );
    expect(parsedNy.events.map((e) => e.start.toISOString())).toEqual(
      ny.sessions.map((s) => s.start.toISOString()),
    );
    expect(parsedNy.events[0]!.start.toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(parsedNy.events[0]!.startZone).toBe('America/New_York');

    const kolkata = cycleIn('2026-06-08', 'Asia/Kolkata', '10:30');
    const parsedKolkata = parse(cycleCalendar(input(kolkata)));
    expect(parsedKolkata.events[0]!.start.toISOString()).toBe('2026-06-08T05:00:00.000Z');
    expect(parsedKolkata.events[0]!.localStart).toBe('2026-06-08T10:30:00');
  });

  it('does not depend on the server’s own time zone', () => {
    // jest gives each test file its own copy of process.env, so the zone is changed in a child process.
    const cycle = cycleIn('2026-06-08', 'Europe/Amsterdam');
    const script = [
      "const { cycleCalendar } = require('./bot/src/integrations/ics-calendar');",
      `const input = JSON.parse(${JSON.stringify(JSON.stringify(input(cycle)))});`,
      'input.stamp = new Date(input.stamp);',
      'input.sessions = input.sessions.map((s) => ({ ...s, start: new Date(s.start), end: new Date(s.end) }));',
      'input.texts = { summary: (i) => `Vitale Weekcyclus: sessie ${i + 1} van 4`, description: input.texts.description };',
      'process.stdout.write(String(new Date("2026-06-08T07:00:00Z").getHours()) + "\\n" + cycleCalendar(input));',
    ].join('\n');
    const output = execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['-e', script], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'Pacific/Auckland' },
      encoding: 'utf8',
    });
    const [hours, ...rest] = output.split('\n');
    expect(hours).toBe('19'); // the child did run in Auckland
    expect(rest.join('\n')).toBe(cycleCalendar(input(cycle)));
  });

  it('writes DTSTAMP in UTC with a Z, as RFC 5545 requires', () => {
    const text = cycleCalendar(input(cycleIn('2026-06-08', 'Europe/Amsterdam')));
    const stamps = text.split('\r\n').filter((line) => line.startsWith('DTSTAMP'));
    expect(stamps).toHaveLength(4);
    for (const line of stamps) expect(line).toBe('DTSTAMP:20260115T100000Z');
  });

  it('falls back to UTC times when there is no VTIMEZONE for the zone, keeping the instants', () => {
    // @touch4it/ical-timezones' data predates the rename of Europe/Kiev to Europe/Kyiv.
    const kyiv = cycleIn('2026-06-08', 'Europe/Kyiv');
    const { calendar, events } = parse(cycleCalendar(input(kyiv)));
    expect(calendar.getAllSubcomponents('vtimezone')).toHaveLength(0);
    expect(events.map((e) => e.start.toISOString())).toEqual(kyiv.sessions.map((s) => s.start.toISOString()));
    expect(events[0]!.start.toISOString()).toBe('2026-06-08T06:00:00.000Z'); // 09:00 EEST
    expect(events.every((e) => e.startZone === 'UTC')).toBe(true);
  });

  it('carries the organizer and an https join link, never attendees or another link', () => {
    const cycle = cycleIn('2026-06-08', 'Europe/Amsterdam');
    const joinUrl = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0';
    const { calendar } = parse(
      cycleCalendar(
        input(cycle, { organizer: { name: 'Sanne de Vries', email: 'sanne@example.org' }, joinUrl }),
      ),
    );
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    expect(vevent.getFirstPropertyValue('organizer')).toBe('mailto:sanne@example.org');
    expect(vevent.getFirstProperty('organizer')?.getParameter('cn')).toBe('Sanne de Vries');
    expect(vevent.getFirstPropertyValue('url')).toBe(joinUrl);
    expect(vevent.getFirstPropertyValue('location')).toBe(joinUrl);
    expect(vevent.getAllProperties('attendee')).toHaveLength(0);

    const unsafe = parse(cycleCalendar(input(cycle, { joinUrl: 'javascript:alert(1)' }))).calendar;
    expect(unsafe.getFirstSubcomponent('vevent')!.getFirstProperty('url')).toBeNull();
  });

  it('keeps a circle name with commas, semicolons or line breaks from breaking the file', () => {
    const cycle = cycleIn('2026-06-08', 'Europe/Amsterdam');
    const text = cycleCalendar(
      input(cycle, {
        circleName: 'Team A, B; C\r\nBEGIN:VEVENT',
        texts: { summary: () => 'Sessie; met, tekens\nen een regel', description: 'Regel 1\nRegel 2' },
      }),
    );
    const { calendar, events } = parse(text);
    expect(events).toHaveLength(4);
    expect(text.split('\r\n').filter((line) => line.startsWith('BEGIN:VEVENT'))).toHaveLength(4);
    expect(calendar.getAllProperties('x-wr-calname')).toHaveLength(1);
    expect(events[0]!.summary).toBe('Sessie; met, tekens\nen een regel');
    expect(calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('description')).toBe(
      'Regel 1\nRegel 2',
    );
  });

  it('refuses input the planner never makes', () => {
    const cycle = cycleIn('2026-06-08', 'Europe/Amsterdam');
    expect(() => cycleCalendar(input(cycle, { timeZone: 'Mars/Olympus' }))).toThrow(RangeError);
    expect(() => cycleCalendar(input(cycle, { cycleId: 'a b\r\nX' }))).toThrow(RangeError);
    const backwards = input(cycle);
    backwards.sessions = [{ ...backwards.sessions[0]!, end: backwards.sessions[0]!.start }];
    expect(() => cycleCalendar(backwards)).toThrow(RangeError);
  });
});
