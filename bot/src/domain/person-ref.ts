/**
 * People by reference in text the service writes (drafts, proposals, cards waiting in the outbox): the text
 * holds a token `⟦person:<aadObjectId>⟧`, never the name, and the name is put in when the text is shown, from
 * whoever's records are current then. An erasure turns the person's tokens into `⟦person:former⟧`, which is
 * shown as "een oud-lid" / "a former member"; a token nobody can resolve (a meeting guest the bot never met)
 * is shown as "een collega" / "a colleague", never as an id.
 *
 * The brackets are U+27E6/U+27E7, which no keyboard types: text people typed is passed through
 * `neutraliseTokens` at the edge, so nobody can forge a token that would show someone else's name.
 */
import type { Locale } from './locale';

export const FORMER_PERSON = 'former';
export const SOMEONE = 'someone';

const OPEN = '\u27E6';
const CLOSE = '\u27E7';
/** A token and the possessive that may follow it ("⟦person:x⟧s idee", "⟦person:x⟧'s"). */
const TOKEN = /\u27E6person:([A-Za-z0-9-]{1,80})\u27E7(?:(['’]s|s|['’])(?![\p{L}\p{N}]))?/gu;

export const personToken = (ref: string): string => `${OPEN}person:${ref.toLowerCase()}${CLOSE}`;

export const FORMER_TOKEN = personToken(FORMER_PERSON);

/** The references in a text, lower case, each once. */
export function referencesIn(text: string): string[] {
  const refs = new Set<string>();
  for (const match of text.matchAll(TOKEN)) {
    const ref = match[1]!.toLowerCase();
    if (ref !== FORMER_PERSON && ref !== SOMEONE) refs.add(ref);
  }
  return [...refs];
}

export const hasTokens = (text: string): boolean => text.includes(`${OPEN}person:`);

const WORDS: Record<Locale, { former: string; someone: string }> = {
  nl: { former: 'een oud-lid', someone: 'een collega' },
  en: { former: 'a former member', someone: 'a colleague' },
};

/** How an erased person and an unknown one are written in running text. */
export const formerMemberWords = (locale: Locale): string => WORDS[locale].former;

/**
 * The text with every token replaced by the person's name (`nameOf` returns undefined for people it does
 * not know), "een oud-lid" for an erased person and "een collega" for anyone unknown. A possessive after the
 * token is written the way the language writes it after that name; a stand-in at the start of a sentence
 * gets a capital.
 */
export function renderPeople(
  text: string,
  nameOf: (ref: string) => string | undefined,
  locale: Locale,
): string {
  if (!hasTokens(text)) return text;
  return text.replace(TOKEN, (_match, rawRef: string, possessive: string | undefined, offset: number) => {
    const ref = rawRef.toLowerCase();
    const name = ref === FORMER_PERSON || ref === SOMEONE ? undefined : nameOf(ref)?.trim() || undefined;
    const shown =
      name ??
      capitalisedAt(text, offset, ref === FORMER_PERSON ? WORDS[locale].former : WORDS[locale].someone);
    return possessive === undefined ? shown : withPossessive(shown, locale, name === undefined);
  });
}

/** Every token of this person becomes the former-member token (the right to erasure). */
export function forgetReferences(text: string, ref: string): string {
  if (!hasTokens(text)) return text;
  const me = ref.toLowerCase();
  return text.replace(TOKEN, (match, rawRef: string, possessive: string | undefined) =>
    rawRef.toLowerCase() === me ? `${FORMER_TOKEN}${possessive ?? ''}` : match,
  );
}

/** Text people typed: the token brackets become ordinary ones, so no typed text is ever taken for a token. */
export function neutraliseTokens(text: string): string {
  return text.replaceAll(OPEN, '[').replaceAll(CLOSE, ']');
}

/** A name to put into JSON text between quotes (a quote or backslash in it must not end the string). */
export const inJsonString = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : JSON.stringify(text).slice(1, -1);

/** Stand-in words put at `offset` of `text`, with a capital when they start a sentence or a line there. */
export function capitalisedAt(text: string, offset: number, words: string): string {
  const before = text.slice(0, offset).trimEnd();
  const starts = before === '' || /[.!?:]$/.test(before) || /\n\s*$/.test(text.slice(0, offset));
  return starts ? words.charAt(0).toUpperCase() + words.slice(1) : words;
}

/**
 * Dutch spelling: "Anna’s", "Femkes", "Daans", "Jan de Vries’" (after s, x, z an apostrophe only). A
 * stand-in ("een oud-lid") gets "’s", as people write it in chat; English always "’s".
 */
function withPossessive(shown: string, locale: Locale, standIn: boolean): string {
  if (locale === 'en' || standIn) return `${shown}’s`;
  if (/[sxz]$/i.test(shown)) return `${shown}’`;
  if (/[aiouyáéíóú]$/i.test(shown)) return `${shown}’s`;
  return `${shown}s`;
}
