import {
  FORMER_TOKEN,
  forgetReferences,
  neutraliseTokens,
  personToken,
  referencesIn,
  renderPeople,
} from '../../bot/src/domain/person-ref';
import { pseudonymiser, tokenise } from '../../bot/src/domain/pseudonymiser';

const people = [
  { ref: 'A-1', name: 'Zoë van den Bërg-Ouwerkerk' },
  { ref: 'b-2', name: 'Femke de Vries' },
  { ref: 'c-3', name: 'Jan Bakker' },
  { ref: 'd-4', name: 'Jan Kartosen' },
];
const names = new Map(people.map((p) => [p.ref.toLowerCase(), p.name]));
const nameOf = (ref: string) => names.get(ref);

describe('the pseudonymiser: placeholders out, tokens back, names only when shown', () => {
  it('numbers people in order, keeps suffixes and everything else word for word', () => {
    const { hide } = pseudonymiser(people, 'nl');
    expect(hide('zoe en Ouwerkerk blijven vaak tot 17:20')).toBe(
      '[Persoon 1] en [Persoon 1] blijven vaak tot 17:20',
    );
    expect(hide('Femkes idee werkt, De kwaliteit van de zorg')).toBe(
      '[Persoon 2]s idee werkt, De kwaliteit van de zorg',
    );
    expect(pseudonymiser(people, 'en').hide("Femke's idea")).toBe("[Person 2]'s idea");
  });

  it('gives a name two people share a placeholder without a number, which comes back as nobody in particular', () => {
    const { hide, reveal } = pseudonymiser(people, 'nl');
    expect(hide('Jan belt Bakker')).toBe('[Persoon] belt [Persoon 3]');
    expect(renderPeople(reveal('[Persoon] belt [Persoon 3]'), nameOf, 'nl')).toBe(
      'Een collega belt Jan Bakker',
    );
  });

  it('turns placeholders into tokens, whatever case the model wrote them in, and never into names', () => {
    const { reveal } = pseudonymiser(people, 'nl');
    const back = reveal('Voorbereid door [Persoon 1] en [persoon 2]s team; [Person 9] onbekend.');
    expect(back).toBe(
      `Voorbereid door ${personToken('a-1')} en ${personToken('b-2')}s team; ${personToken('someone')} onbekend.`,
    );
    expect(back).not.toMatch(/Zoë|Femke/);
    expect(referencesIn(back)).toEqual(['a-1', 'b-2']);
    expect(renderPeople(back, nameOf, 'nl')).toBe(
      'Voorbereid door Zoë van den Bërg-Ouwerkerk en Femke de Vries’ team; een collega onbekend.',
    );
  });

  it('does not take a placeholder someone typed for one of its own', () => {
    const { hide, reveal } = pseudonymiser(people, 'nl');
    const hidden = hide('Zie [Persoon 2] in het verslag');
    expect(hidden).toBe('Zie (Persoon 2) in het verslag');
    expect(reveal(hidden)).toBe(hidden);
  });

  it('writes possessives the way each language does after the name', () => {
    const t = (ref: string) => `${personToken(ref)}s plan`;
    const shown = (name: string, locale: 'nl' | 'en') => renderPeople(t('x'), () => name, locale);
    expect(shown('Femke', 'nl')).toBe('Femkes plan');
    expect(shown('Anna', 'nl')).toBe('Anna’s plan');
    expect(shown('Jan de Vries', 'nl')).toBe('Jan de Vries’ plan');
    expect(shown('Daan', 'nl')).toBe('Daans plan');
    expect(shown('Femke', 'en')).toBe('Femke’s plan');
    expect(renderPeople(t('gone'), () => undefined, 'nl')).toBe('Een collega’s plan');
  });

  it('forgets one person: their tokens become a former member, in the reader’s language', () => {
    const text = `${personToken('A-1')} en ${personToken('b-2')}s idee`;
    const forgotten = forgetReferences(text, 'a-1');
    expect(forgotten).toBe(`${FORMER_TOKEN} en ${personToken('b-2')}s idee`);
    expect(renderPeople(forgotten, nameOf, 'nl')).toBe('Een oud-lid en Femke de Vries’ idee');
    expect(renderPeople(forgotten, nameOf, 'en')).toBe('A former member en Femke de Vries’s idee');
    expect(renderPeople(`Gemaakt met ${FORMER_TOKEN}.`, nameOf, 'en')).toBe('Gemaakt met a former member.');
  });

  it('never lets typed text pose as a token', () => {
    const forged = `Zie ${personToken('b-2')}`;
    expect(neutraliseTokens(forged)).toBe('Zie [person:b-2]');
    expect(renderPeople(neutraliseTokens(forged), nameOf, 'nl')).toBe('Zie [person:b-2]');
  });

  it('turns the names in a text the circle edited back into tokens, leaving shared names as written', () => {
    expect(tokenise(people, 'Zoë van den Bërg-Ouwerkerk plant het met Jan')).toBe(
      `${personToken('a-1')} plant het met Jan`,
    );
  });
});
