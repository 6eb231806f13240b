/**
 * Finding the names of known people in free text: text sent to the AI model must not carry names, and an
 * erasure sweep must find every form a name was written in (DESIGN.md: text refers to people by
 * placeholder). Names are Dutch, Flemish, Frisian, Turkish, Moroccan, Surinamese…, written by colleagues
 * in chat: with or without diacritics, in any case, inflected, shortened. Written here rather than taken
 * from a library: no npm package knows Dutch particles, Dutch inflection and Dutch words that are names.
 *
 * Policy (privacy first, but the material must stay readable):
 * - Parts. A name is split on everything that is not a letter or a combining mark; text is read as words
 *   (runs of letters and marks), so "Bërg-Ouwerkerk" is two words. Bracketed tags ("(Extern)", "[HR]",
 *   "<mail>") and a tail after a spaced dash or bar ("Jan de Vries | HR") are dropped: department words
 *   would otherwise garble ordinary text. "Last, First" (one comma) is read as "First Last"; an e-mail
 *   address keeps its local part; titles (dr, ir, MSc…) are dropped. Nicknames or other spellings are
 *   given as further NamedPerson entries with the same ref: entries with one ref are one person.
 * - Comparison is on folded words (lower case, diacritics removed: Zoë = ZOE, Yılmaz = yilmaz). Spelling
 *   variants are not guessed (Mohamed is not Mohammed): a guess would hide other people's words.
 * - Sequences. A mention is a run of text words that are parts of one person in the name's order, joined
 *   by spaces, a hyphen or an apostrophe ("van 't Hof", "d'Ancona"). Parts may be skipped ("Zoë Berg",
 *   "Zoë Ouwerkerk"), but a run of particles is taken whole ("van den Berg", not "van Berg"). A mention
 *   ends on a non-particle part. The longest mention wins (leftmost first); when several people give
 *   the same longest mention, it carries all their refs (two Jans: "Jan" is ambiguous, "Jan Bakker" not).
 * - Particles (NAME_PARTICLES) are never a mention on their own, in any case ("De kwaliteit van de zorg"
 *   stays), but belong to a mention they are inside of. A particle word that is the last part of a name
 *   ("Huong Le"), or "ben"/"al" as the first part ("Ben de Vries"), is a name part and counts as word-like.
 * - Word-like parts (WORD_LIKE_NAME_PARTS, and every part of one or two letters) are also ordinary words.
 *   Such a part is a mention only when written with a capital ("Roos komt", "met Bakker") or when the
 *   mention holds another part that is a mention by itself ("Piet bakker", "de Boer"); "een roos", "de
 *   bakker", "ik wil" stay. A capitalised word at the start of a sentence ("Wil je…") is taken as the
 *   name: the sentence loses a word, no name leaks. Other parts of three or more letters match in any
 *   case; a single letter is never a mention on its own.
 * - Initials. "Z." or "J.P." right before a mention that does not start with the first name is taken into
 *   it when the first initial is that of the person's first name, and narrows an ambiguous mention.
 * - Inflection. After the last word: "'s"/"’s" after any name, a bare apostrophe after a name ending in
 *   s, x or z ("Thomas'", not when it closes a quote that opened right before the mention); inside the
 *   word: s, je, tje, pje and their plurals jes, tjes, pjes ("Femkes", "Jantje", "Pietjes"). The suffix is
 *   reported so a caller can keep it. An in-word suffix needs a base of 3+ letters (4+ for a word-like
 *   part), so "Ans" is not "An"+s and "Kans" is not "Kan"+s, while "Jans" (Jan's) is Jan; a person
 *   named "Jans" or "Ans" is matched by that exact part first. Compounds are not names: "Janssen" is not
 *   Jan, "Bergen" is not Berg. Not covered: doubled-consonant diminutives ("Tommetje"), abbreviated
 *   particles ("v.d. Berg": both sides are still hidden); idioms like "Jan-en-alleman" are hidden.
 * - Cost: people are compiled once into a map from folded part to where it occurs; find() folds each
 *   text word once and looks it up, so a text costs about its length. No regex with backtracking.
 */

export interface NamedPerson {
  /** An opaque key of the person (e.g. an Entra object id). Entries with one ref are one person. */
  ref: string;
  name: string;
}

export interface NameMention {
  /** Index in the text where the mention begins. */
  start: number;
  /** Index just after it, including any suffix. */
  end: number;
  /** text.slice(start, end) */
  text: string;
  /** The inflection after the name, inside [start, end), as written: "" | "s" | "'s" | "’s" | "'" | "je" | "tje"… */
  suffix: string;
  /** The people it can be: one, or more when the mention is ambiguous. */
  refs: string[];
}

export interface NameMatcher {
  /** Non-overlapping, in text order, longest match wins. */
  find(text: string): NameMention[];
  replace(text: string, replacement: (m: NameMention) => string): string;
}

function words(...groups: string[]): ReadonlySet<string> {
  return new Set(groups.join(' ').split(' '));
}

/** Folded. Dutch and Flemish, French, Iberian and Italian, German, Arabic and Berber, Surinamese Chinese. */
export const NAME_PARTICLES: ReadonlySet<string> = words(
  // Dutch and Flemish ("'t Hart", "'s-Gravesande", "op de Beek", "in 't Veld", "uit den Bogaard")
  'van de den der het t s te ten ter op in aan bij onder over uit uijt voor tot vande vanden vander',
  // French
  'le la les du des d l',
  // Iberian, Italian
  'da das do dos di del della delle dei degli lo y e',
  // German, Scandinavian
  'von vom zu zum zur af',
  // Arabic and Berber ("El Amrani", "Ben Ali", "Aït Taleb")
  'el al ben bin bint ibn abu abou ait ou ould bou',
  // Surinamese Chinese ("Wong A Foe", "Man A Hing"); Irish ("O'Neill")
  'a o',
);

/** Particle words that are also given names when they open a name ("Ben de Vries", "Al Pacino"). */
const GIVEN_NAME_PARTICLES: ReadonlySet<string> = words('ben al');

/**
 * Folded. Name parts that are also ordinary Dutch words (and a few that are common in Dutch office text):
 * Dutch, Flemish and Frisian surnames and first names, Turkish, Moroccan, Surinamese (Hindustani,
 * Javanese, Chinese) names. Parts of one or two letters are word-like without being listed.
 */
export const WORD_LIKE_NAME_PARTS: ReadonlySet<string> = words(
  // Trades and ranks
  'baas bakker bisschop boer brouwer burger dekker graaf heer hertog huisman kapitein keizer kok koning',
  'koopman koster kramer kuiper meester molenaar pater paus prins ridder schilder schipper smit snijder',
  'stuurman timmerman veerman visser wever zeeman pelgrim',
  // Qualities
  'goede groot jong klein kort lang lange oude rijk snel vrij vroom wijs',
  // Colours, metals
  'blauw bruin goud groen koper rood staal wit zilver zwart',
  // Landscape and places
  'akker beek berg bergen bos brink brug dal dam dijk duin heide heuvel hoek hof hoeven kade kamp kerk',
  'laan leeuwen linden meer molen plas poel poort post putten slot sluis steeg steen straten toren veen',
  'veld velden ven wal water weg wiel zee',
  // Animals
  'arend baars beer bok das duif haan haas haring havik hen hert kalf kat kip kraai lam leeuw mees',
  'merel mol mus ram reiger schaap snoek specht spreeuw valk vink vogel vos wolf zwaan',
  // Plants, food
  'berk bloem boom boon brood iris jasmijn kaas knol kool lelie linde madelief peper riet roos',
  'rozemarijn spek spruit stam suiker tulp wijn',
  // Things
  'anker bal bijl hamer hart kraan mast pan spijker tang tas tuba vlot',
  // Seasons, weather, months
  'april mei storm winter zomer',
  // Virtues and feelings (Surinamese surnames among them: Vrede, Hoop, Vlijt, Rust, Welvaart, Trouw)
  'eren gun hoop kus lief lieve rust trouw vlijt vrede welvaart',
  // First names that are words
  'amber bas bob bram door dien els engel ernst fleur frank jade jet job kas kick kris lies lot mark',
  'max noor pier puck rob robijn toon ton trui violet wil',
  // Turkish names that are Dutch words or verbs (Gül, Dağ, Kuş, Can/Kan, Tuba, Emir, Sultan)
  'can dag emir gul kan sultan',
  // Surinamese Chinese and other short surnames that are words (Man A Hing, Kon A Sjong, Tam)
  'kon man tam zeeuw',
);

/** Titles and degrees that are not a person's name. */
const TITLES: ReadonlySet<string> = words('dr drs ir ing mr prof bsc msc mba phd jr sr dhr mevr');

/** Inside the last word, shortest first (so the longest base is tried first). */
const IN_WORD_SUFFIXES = ['s', 'je', 'jes', 'tje', 'pje', 'tjes', 'pjes'] as const;
const APOSTROPHES: ReadonlySet<string> = new Set(["'", '’', 'ʼ']);
const HYPHENS: ReadonlySet<string> = new Set(['-', '‐', '‑']);
const SPACES: ReadonlySet<string> = new Set([' ', '\t', '\u00a0', '\u202f']);
/** Letters NFD does not take apart. */
const SPECIAL_FOLDS: Readonly<Record<string, string>> = {
  ı: 'i',
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ħ: 'h',
  ĳ: 'ij',
  ŀ: 'l',
};
const MARKS = /\p{M}/gu;
/** Printable ASCII: folding is lower-casing. */
const ASCII = /^[ -~]*$/;
/** Runs of letters and marks; U+02BC (a letter to Unicode) is an apostrophe here. */
const WORD = /(?:(?!\u02bc)[\p{L}\p{M}])+/gu;
const WORD_CHAR = /[\p{L}\p{M}]/u;
const MAX_PARTS = 12;
const MAX_INITIALS = 4;

const codePointFolds = new Map<string, string>();

function foldCodePoint(cp: string): string {
  const cached = codePointFolds.get(cp);
  if (cached !== undefined) return cached;
  let folded = '';
  for (const c of cp.toLowerCase()) folded += SPECIAL_FOLDS[c] ?? c;
  folded = folded.normalize('NFD').replace(MARKS, '');
  // Bounded: a text in a script with thousands of letters must not grow this without end.
  if (codePointFolds.size < 4096) codePointFolds.set(cp, folded);
  return folded;
}

/** Lower case, diacritics removed: Zoë→zoe, Yılmaz→yilmaz, Øster→oster, İlknur→ilknur, ß→ss. */
export function foldForNames(s: string): string {
  if (ASCII.test(s)) return s.toLowerCase();
  let out = '';
  for (const cp of s) out += foldCodePoint(cp);
  return out;
}

/** The folded parts of a display name, in "First Last" order, without tags and titles. */
export function nameParts(name: string): string[] {
  let n = name.replace(/[([{<][^)\]}>]*[)\]}>]?/g, ' ').split(/\s[|–—-]\s/)[0]!;
  const at = n.indexOf('@');
  if (at >= 0) n = n.slice(0, at);
  const commas = n.split(',');
  if (commas.length === 2 && commas[0]!.trim() !== '' && commas[1]!.trim() !== '') {
    n = `${commas[1]} ${commas[0]}`;
  }
  const parts: string[] = [];
  for (const m of n.matchAll(WORD)) {
    const folded = foldForNames(m[0]);
    if (folded !== '' && !TITLES.has(folded)) parts.push(folded);
    if (parts.length === MAX_PARTS) break;
  }
  return parts;
}

interface Part {
  folded: string;
  particle: boolean;
  wordLike: boolean;
}

interface Person {
  /** Index into the distinct refs, in the order the people were given. */
  refIndex: number;
  parts: Part[];
  /** The first letter of the first name, for an initial before a mention; undefined when none. */
  initial: string | undefined;
}

interface Word {
  start: number;
  end: number;
  folded: string;
  capital: boolean;
}

interface Match {
  end: number;
  /** The last text word taken (the "s" of "'s" counts). */
  lastWord: number;
  suffix: string;
  firstPart: number;
}

function compilePerson(refIndex: number, name: string): Person | undefined {
  const folded = nameParts(name);
  if (folded.length === 0) return undefined;
  const parts = folded.map((f, j): Part => {
    if (NAME_PARTICLES.has(f)) {
      const isParticle = j < folded.length - 1 && !(j === 0 && GIVEN_NAME_PARTICLES.has(f));
      return { folded: f, particle: isParticle, wordLike: true };
    }
    return { folded: f, particle: false, wordLike: f.length <= 2 || WORD_LIKE_NAME_PARTS.has(f) };
  });
  const first = parts[0]!;
  return { refIndex, parts, initial: first.particle ? undefined : first.folded[0] };
}

function isCapital(text: string, index: number): boolean {
  const c = String.fromCodePoint(text.codePointAt(index)!);
  return c !== c.toLowerCase();
}

function tokenize(text: string): Word[] {
  const words: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const start = m.index;
    words.push({
      start,
      end: start + m[0].length,
      folded: foldForNames(m[0]),
      capital: isCapital(text, start),
    });
  }
  return words;
}

/** Whether two words may belong to one mention: spaces, one hyphen, or one apostrophe with spaces. */
function joinable(gap: string): boolean {
  if (gap.length === 0 || gap.length > 3) return false;
  if (gap.length === 1) return SPACES.has(gap) || HYPHENS.has(gap) || APOSTROPHES.has(gap);
  let apostrophes = 0;
  for (const c of gap) {
    if (APOSTROPHES.has(c)) apostrophes += 1;
    else if (!SPACES.has(c)) return false;
  }
  return apostrophes <= 1;
}

/** A part that makes a mention by itself, as written in this word. */
function strong(part: Part, word: Word): boolean {
  return !part.particle && part.folded.length >= 2 && (!part.wordLike || word.capital);
}

function suffixAllowed(part: Part): boolean {
  return !part.particle && part.folded.length >= (part.wordLike ? 4 : 3);
}

/** The index in the text where the folded base of a word ends, or undefined when a letter straddles it. */
function baseEnd(text: string, word: Word, baseLength: number): number | undefined {
  let folded = 0;
  let i = word.start;
  while (i < word.end && folded < baseLength) {
    const cp = String.fromCodePoint(text.codePointAt(i)!);
    folded += foldCodePoint(cp).length;
    i += cp.length;
  }
  if (folded !== baseLength) return undefined;
  // Marks after the base letter belong to it.
  while (i < word.end) {
    const cp = String.fromCodePoint(text.codePointAt(i)!);
    if (foldCodePoint(cp) !== '') break;
    i += cp.length;
  }
  return i;
}

function better(a: Match | undefined, b: Match | undefined): Match | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.end !== b.end) return a.end > b.end ? a : b;
  return b.suffix.length < a.suffix.length ? b : a;
}

export function nameMatcher(people: readonly NamedPerson[]): NameMatcher {
  const refs: string[] = [];
  const refIndexes = new Map<string, number>();
  const persons: Person[] = [];
  for (const p of people) {
    let refIndex = refIndexes.get(p.ref);
    if (refIndex === undefined) {
      refIndex = refs.length;
      refs.push(p.ref);
      refIndexes.set(p.ref, refIndex);
    }
    const person = compilePerson(refIndex, p.name);
    if (person) persons.push(person);
  }
  /** Folded part → where it occurs. */
  const index = new Map<string, { person: number; part: number }[]>();
  persons.forEach((person, pi) =>
    person.parts.forEach((part, j) => {
      const list = index.get(part.folded);
      if (list) list.push({ person: pi, part: j });
      else index.set(part.folded, [{ person: pi, part: j }]);
    }),
  );

  function find(text: string): NameMention[] {
    if (index.size === 0) return [];
    const words = tokenize(text);
    const mentions: NameMention[] = [];

    /** The in-word suffix readings of a word: its base is a known part. */
    const suffixReadings = (w: Word): { base: string; suffix: string }[] => {
      const readings: { base: string; suffix: string }[] = [];
      for (const suffix of IN_WORD_SUFFIXES) {
        if (w.folded.length > suffix.length && w.folded.endsWith(suffix)) {
          const base = w.folded.slice(0, -suffix.length);
          if (index.has(base)) readings.push({ base, suffix });
        }
      }
      return readings;
    };

    /** A mention that ends on word k: with the apostrophe inflection that follows it, if any. */
    const endAt = (k: number, firstWord: number, firstPart: number): Match => {
      const w = words[k]!;
      const c = text[w.end];
      if (c !== undefined && APOSTROPHES.has(c)) {
        const next = words[k + 1];
        if (next && next.start === w.end + 1 && next.folded === 's' && next.end === w.end + 2) {
          return { end: next.end, lastWord: k + 1, suffix: text.slice(w.end, next.end), firstPart };
        }
        const before = text[words[firstWord]!.start - 1];
        const opensQuote = before !== undefined && (APOSTROPHES.has(before) || before === '‘');
        if ((!next || next.start > w.end + 1) && /[sxz]$/.test(w.folded) && !opensQuote) {
          return { end: w.end + 1, lastWord: k, suffix: c, firstPart };
        }
      }
      return { end: w.end, lastWord: k, suffix: '', firstPart };
    };

    /**
     * The longest mention of one person from word k on, word k being its part j (and the words from
     * firstWord before it). Parts per name are capped (MAX_PARTS), which bounds this search.
     */
    const extend = (
      person: Person,
      firstWord: number,
      firstPart: number,
      k: number,
      j: number,
      strongSoFar: boolean,
    ): Match | undefined => {
      const part = person.parts[j]!;
      const isStrong = strongSoFar || strong(part, words[k]!);
      let best: Match | undefined = !part.particle && isStrong ? endAt(k, firstWord, firstPart) : undefined;
      const next = words[k + 1];
      if (!next || !joinable(text.slice(words[k]!.end, next.start))) return best;
      const readings = suffixReadings(next);
      for (let jj = j + 1; jj < person.parts.length; jj += 1) {
        const candidate = person.parts[jj]!;
        // A run of particles is taken whole; a skip may land on the start of a run, not inside it.
        if (part.particle && jj !== j + 1) break;
        if (candidate.particle && jj !== j + 1 && person.parts[jj - 1]!.particle) continue;
        if (candidate.folded === next.folded) {
          best = better(best, extend(person, firstWord, firstPart, k + 1, jj, isStrong));
        }
        if (suffixAllowed(candidate) && (isStrong || strong(candidate, next))) {
          for (const r of readings) {
            if (r.base !== candidate.folded) continue;
            const at = baseEnd(text, next, r.base.length);
            if (at !== undefined) {
              best = better(best, {
                end: next.end,
                lastWord: k + 1,
                suffix: text.slice(at, next.end),
                firstPart,
              });
            }
          }
        }
      }
      return best;
    };

    let minStart = 0;
    let i = 0;
    while (i < words.length) {
      const w = words[i]!;
      const perPerson = new Map<number, Match>();
      const offer = (pi: number, m: Match | undefined): void => {
        const b = better(perPerson.get(pi), m);
        if (b) perPerson.set(pi, b);
      };
      for (const at of index.get(w.folded) ?? []) {
        offer(at.person, extend(persons[at.person]!, i, at.part, i, at.part, false));
      }
      for (const r of suffixReadings(w)) {
        const end = baseEnd(text, w, r.base.length);
        if (end === undefined) continue;
        for (const at of index.get(r.base)!) {
          const part = persons[at.person]!.parts[at.part]!;
          if (suffixAllowed(part) && strong(part, w)) {
            offer(at.person, { end: w.end, lastWord: i, suffix: text.slice(end, w.end), firstPart: at.part });
          }
        }
      }
      let found: Match | undefined;
      for (const m of perPerson.values()) found = better(found, m);
      if (found === undefined) {
        i += 1;
        continue;
      }
      const best = found;
      let winners = [...perPerson.entries()].filter(
        ([, m]) => m.end === best.end && m.suffix.length === best.suffix.length,
      );
      let start = w.start;
      // "'t Hart", "'s-Gravesande": the apostrophe of the particle belongs to the mention.
      if (
        (w.folded === 't' || w.folded === 's') &&
        start - 1 >= minStart &&
        APOSTROPHES.has(text[start - 1]!)
      ) {
        start -= 1;
      }
      const initials = initialsBefore(text, start, minStart);
      if (initials) {
        const named = winners.filter(([pi, m]) => m.firstPart > 0 && persons[pi]!.initial === initials.first);
        if (named.length > 0) {
          winners = named;
          start = initials.start;
        }
      }
      const mentionRefs = [...new Set(winners.map(([pi]) => persons[pi]!.refIndex))]
        .sort((a, b) => a - b)
        .map((r) => refs[r]!);
      mentions.push({
        start,
        end: best.end,
        text: text.slice(start, best.end),
        suffix: best.suffix,
        refs: mentionRefs,
      });
      minStart = best.end;
      i = best.lastWord + 1;
    }
    return mentions;
  }

  return {
    find,
    replace(text, replacement) {
      const mentions = find(text);
      if (mentions.length === 0) return text;
      let out = '';
      let at = 0;
      for (const m of mentions) {
        out += text.slice(at, m.start) + replacement(m);
        at = m.end;
      }
      return out + text.slice(at);
    },
  };
}

/** "Z. " or "J.P. " or "J. P. " right before `start`: where it begins and its first letter, folded. */
function initialsBefore(
  text: string,
  start: number,
  minStart: number,
): { start: number; first: string } | undefined {
  let pos = start;
  let found: { start: number; first: string } | undefined;
  for (let n = 0; n < MAX_INITIALS; n += 1) {
    let q = pos;
    while (q > minStart && pos - q < 2 && SPACES.has(text[q - 1]!)) q -= 1;
    if (q - 2 < minStart || text[q - 1] !== '.') break;
    const letter = text[q - 2]!;
    if (!WORD_CHAR.test(letter) || letter === letter.toLowerCase()) break;
    if (q - 3 >= 0 && WORD_CHAR.test(text[q - 3]!)) break;
    pos = q - 2;
    found = { start: pos, first: foldForNames(letter) };
  }
  return found;
}
