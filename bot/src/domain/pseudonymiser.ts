/**
 * What a model may read of people: placeholders. Before any text leaves the service for a model, every
 * mention of the people in the conversation (the circle's members and everyone in the chat) is replaced by
 * "[Persoon n]" / "[Person n]"; the model is told to keep placeholders as they are. What comes back holds
 * person tokens (person-ref.ts) in their place, never names: names are put in when the text is shown.
 * Which forms of a name count as a mention (parts, diacritics, possessives, particles, names that are also
 * words) is person-names.ts's business.
 */
import type { Locale } from './locale';
import { nameMatcher, type NamedPerson } from './person-names';
import { personToken, SOMEONE } from './person-ref';

export interface Pseudonymiser {
  /** The text with every person replaced by their placeholder; anything else unchanged. */
  hide: (text: string) => string;
  /** A model's text with each placeholder turned into that person's token ("someone" when it is unknown). */
  reveal: (text: string) => string;
}

const WORD: Record<Locale, string> = { nl: 'Persoon', en: 'Person' };

/** Any placeholder either language's prompt could have produced, however the model cased it. */
const PLACEHOLDER = /\[(?:persoon|person)(?:\s+(\d{1,4}))?\]/giu;

/**
 * `people` in the order their numbers are given: the same person (by `ref`, case-insensitively) is numbered
 * once. A mention two people could be (two colleagues named Jan) becomes a placeholder without a number, so
 * the model cannot attribute it and nobody is named wrongly when it comes back.
 */
export function pseudonymiser(people: readonly NamedPerson[], locale: Locale): Pseudonymiser {
  const refs: string[] = [];
  const unique: NamedPerson[] = [];
  for (const person of people) {
    const ref = person.ref.toLowerCase();
    if (!person.name.trim() || refs.includes(ref)) continue;
    refs.push(ref);
    unique.push({ ref, name: person.name });
  }
  const matcher = nameMatcher(unique);
  const word = WORD[locale];
  return {
    hide: (text) =>
      // A placeholder someone typed is not one of ours: it is kept from being read as one on the way back.
      matcher.replace(
        text.replace(PLACEHOLDER, (m) => `(${m.slice(1, -1)})`),
        (mention) => {
          const n = mention.refs.length === 1 ? refs.indexOf(mention.refs[0]!.toLowerCase()) : -1;
          return `${n >= 0 ? `[${word} ${n + 1}]` : `[${word}]`}${mention.suffix}`;
        },
      ),
    reveal: (text) =>
      text.replace(PLACEHOLDER, (_m, n: string | undefined) => {
        const ref = n === undefined ? undefined : refs[Number(n) - 1];
        return personToken(ref ?? SOMEONE);
      }),
  };
}

/**
 * Names of these people in a text the circle edited from a draft (shown with names) turned back into
 * tokens, so the proposal it becomes refers to people instead of naming them. A mention two people could be
 * stays as it was written.
 */
export function tokenise(people: readonly NamedPerson[], text: string): string {
  const matcher = nameMatcher(people.filter((p) => p.name.trim() !== ''));
  return matcher.replace(text, (mention) =>
    mention.refs.length === 1 ? `${personToken(mention.refs[0]!)}${mention.suffix}` : mention.text,
  );
}
