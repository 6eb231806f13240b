import { ALL_COMMANDS, COMMANDS, commandPattern } from '../../bot/src/cards/commands';
import { translator } from '../../bot/src/cards/i18n';
import { en } from '../../bot/src/cards/i18n/en';
import { nl } from '../../bot/src/cards/i18n/nl';

describe('commandPattern', () => {
  const help = commandPattern(COMMANDS.help);

  it.each(['help', 'hulp', 'HULP', '  Help ', 'hulp?', '/help', 'help!'])('matches %p', (text) => {
    expect(help.test(text)).toBe(true);
  });

  it.each(['helpen', 'ik wil hulp', 'help me', 'welkom', ''])('does not match %p', (text) => {
    expect(help.test(text)).toBe(false);
  });

  it('gives every command a word in both languages and no word to two commands', () => {
    const seen = new Map<string, string>();
    for (const command of ALL_COMMANDS) {
      expect(command.words.nl.length).toBeGreaterThan(0);
      expect(command.words.en.length).toBeGreaterThan(0);
      for (const word of [...command.words.nl, ...command.words.en]) {
        expect({ word, command: seen.get(word) ?? command.id }).toEqual({ word, command: command.id });
        seen.set(word, command.id);
      }
    }
  });
});

describe('the text catalogues', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('have the same keys in Dutch and English, with the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nl).sort());
    for (const key of Object.keys(nl) as (keyof typeof nl)[]) {
      expect({ key, placeholders: placeholders(en[key]) }).toEqual({
        key,
        placeholders: placeholders(nl[key]),
      });
      expect(en[key].trim()).not.toBe('');
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translator('nl')('welcome.greeting', { name: 'Fatima' })).toBe('Fijn dat je er bent, Fatima.');
    expect(translator('en')('welcome.greeting', { name: 'Fatima' })).toBe('Good to have you here, Fatima.');
    expect(translator('en')('welcome.greeting', {})).toBe('Good to have you here, {name}.');
  });
});
