import type { Locale } from '../domain/locale';
import type { MessageKey } from './i18n';

/**
 * The words people type to the bot. Each feature adds its own entry; the help card and the message
 * routes both read this list, so what help shows is what the bot answers.
 */
export interface CommandSpec {
  id: string;
  words: Readonly<Record<Locale, readonly string[]>>;
  description: MessageKey;
}

export const COMMANDS = {
  help: { id: 'help', words: { nl: ['hulp'], en: ['help'] }, description: 'help.command.help' },
  welcome: { id: 'welcome', words: { nl: ['welkom'], en: ['welcome'] }, description: 'help.command.welcome' },
  traject: {
    id: 'traject',
    // "Prof-traject" is the product's own word, so "traject" works in English too.
    words: { nl: ['traject', 'mijn traject'], en: ['traject', 'my traject'] },
    description: 'help.command.traject',
  },
  circle: {
    id: 'circle',
    words: { nl: ['cirkel', 'mijn cirkel'], en: ['circle', 'my circle'] },
    description: 'help.command.circle',
  },
  leaveCircle: {
    id: 'leaveCircle',
    words: { nl: ['cirkel verlaten', 'verlaat cirkel'], en: ['leave circle'] },
    description: 'help.command.leaveCircle',
  },
  plan: {
    id: 'plan',
    words: { nl: ['plan', 'plan cyclus', 'planning'], en: ['plan', 'plan cycle', 'planning'] },
    description: 'help.command.plan',
  },
  link: {
    id: 'link',
    words: { nl: ['koppel', 'koppelen'], en: ['link'] },
    description: 'help.command.link',
  },
  start: {
    id: 'start',
    words: { nl: ['start', 'start sessie', 'begin', 'begin sessie'], en: ['start', 'start session'] },
    description: 'help.command.start',
  },
  stop: {
    id: 'stop',
    words: { nl: ['stop', 'stop sessie', 'sessie afsluiten'], en: ['stop', 'stop session', 'end session'] },
    description: 'help.command.stop',
  },
} as const satisfies Record<string, CommandSpec>;

export const ALL_COMMANDS: readonly CommandSpec[] = Object.values(COMMANDS);

/** Matches the whole message, case-insensitively, in either language, ignoring surrounding punctuation. */
export function commandPattern(command: CommandSpec): RegExp {
  const words = [...command.words.nl, ...command.words.en].map((w) =>
    w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  return new RegExp(`^\\s*\\/?(?:${words.join('|')})[\\s.!?]*$`, 'i');
}
