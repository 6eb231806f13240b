import type { SessionHeader } from '../../bot/src/domain/session';

/** A session's header for unit tests: a circle in a group chat, outside a cycle, with what is given. */
export function sessionHeader(overrides: Partial<SessionHeader> = {}): SessionHeader {
  return {
    id: 't:c:day:2027-03-01',
    tenantId: 't',
    circleId: 'c',
    circleName: 'Balie',
    cycleId: undefined,
    dayIndex: undefined,
    date: '2027-03-01',
    locale: 'nl',
    timeZone: 'Europe/Amsterdam',
    chat: {
      conversationId: '19:x',
      conversationType: 'groupChat',
      serviceUrl: 'https://s/',
      channelId: 'msteams',
      botId: '28:b',
      botName: 'W',
    },
    meetingId: undefined,
    members: [],
    plannedMinutes: 60,
    carried: { proposals: [], openQuestions: [], situations: [], question: undefined },
    defaults: { timeboxes: [10, 10, 15, 5, 15], anonymousBrainstorm: false },
    ...overrides,
  };
}
