import { normaliseTimeZone, resolveLocale } from '../../bot/src/domain/locale';

describe('resolveLocale', () => {
  it.each([
    ['en-US', 'en'],
    ['EN-gb', 'en'],
    ['en', 'en'],
    ['nl-NL', 'nl'],
    ['nl-BE', 'nl'],
    ['de-DE', 'nl'],
    ['', 'nl'],
    [undefined, 'nl'],
  ])('maps %p to %p', (input, expected) => {
    expect(resolveLocale(input)).toBe(expected);
  });

  it('uses the configured fallback for languages it does not speak', () => {
    expect(resolveLocale('fr-FR', 'en')).toBe('en');
    expect(resolveLocale('nl-NL', 'en')).toBe('nl');
  });
});

describe('normaliseTimeZone', () => {
  it('keeps IANA zones and drops anything else', () => {
    expect(normaliseTimeZone('Europe/Amsterdam')).toBe('Europe/Amsterdam');
    expect(normaliseTimeZone('America/New_York')).toBe('America/New_York');
    expect(normaliseTimeZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(normaliseTimeZone('x'.repeat(100))).toBeUndefined();
    expect(normaliseTimeZone(undefined)).toBeUndefined();
  });
});
