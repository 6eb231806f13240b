import fc from 'fast-check';
import {
  foldForNames,
  NAME_PARTICLES,
  nameMatcher,
  nameParts,
  type NamedPerson,
  WORD_LIKE_NAME_PARTS,
} from '../../bot/src/domain/person-names';

const ISSUE: NamedPerson[] = [
  { ref: 'zoe', name: 'Zoë van den Bërg-Ouwerkerk' },
  { ref: 'femke', name: 'Femke de Vries' },
  { ref: 'omer', name: 'Ömer Yılmaz' },
];
const JAN_VAN_DEN_BERG: NamedPerson[] = [{ ref: 'jan', name: 'Jan van den Berg-Ouwerkerk' }];
const DUTCH: NamedPerson[] = [
  { ref: 'hart', name: "Kees 't Hart" },
  { ref: 'hof', name: "Anna van 't Hof" },
  { ref: 'boer', name: 'Wiebe de Boer' },
  { ref: 'bakker', name: 'Piet Bakker' },
  { ref: 'roos', name: 'Roos Visser' },
  { ref: 'wil', name: 'Wil Smit' },
  { ref: 'ben', name: 'Ben de Jong' },
  { ref: 'fleur', name: 'Fleur Kok' },
  { ref: 'beek', name: 'Jan op de Beek' },
];
const TURKISH: NamedPerson[] = [
  { ref: 'ayse', name: 'Ayşe Yılmaz' },
  { ref: 'sahin', name: 'Mehmet Şahin' },
  { ref: 'celik', name: 'Zeynep Çelik' },
  { ref: 'ozturk', name: 'Ömer Öztürk' },
  { ref: 'gul', name: 'Gül Demir' },
  { ref: 'ilknur', name: 'İlknur Kaya' },
  { ref: 'kan', name: 'Emre Kan' },
];
const MOROCCAN: NamedPerson[] = [
  { ref: 'amrani', name: 'Khadija El Amrani' },
  { ref: 'benali', name: 'Youssef Ben Ali' },
  { ref: 'taleb', name: 'Mohamed Aït Taleb' },
  { ref: 'bouzid', name: 'Said Bouzid' },
];
const SURINAMESE: NamedPerson[] = [
  { ref: 'ramdin', name: 'Anil Ramdin' },
  { ref: 'soekhlal', name: 'Kavita Soekhlal' },
  { ref: 'wong', name: 'Lucien Wong A Foe' },
  { ref: 'kartosen', name: 'Sarmi Kartosen' },
  { ref: 'sewdien', name: 'Ravi Sewdien' },
  { ref: 'sital', name: 'Asha Sital' },
];
const FRISIAN: NamedPerson[] = [
  { ref: 'sjoukje', name: 'Sjoukje Hylkema' },
  { ref: 'wiebe', name: 'Wiebe de Haan' },
  { ref: 'tsjerk', name: 'Tsjerk Hiddes' },
  { ref: 'oebele', name: 'Oebele Dijkstra' },
];
const DISPLAY_NAMES: NamedPerson[] = [
  { ref: 'zoe', name: 'Berg, Zoë van den' },
  { ref: 'jan', name: 'Jan de Vries (HR)' },
  { ref: 'sanne', name: 'Sanne Jansen (Extern)' },
  { ref: 'lotte', name: 'lotte.meijer@contoso.nl' },
  { ref: 'kim', name: 'Kim Verbeek | Gemeente Utrecht' },
];
const TWO_JANS: NamedPerson[] = [
  { ref: 'jan1', name: 'Jan Bakker' },
  { ref: 'jan2', name: 'Jan de Vries' },
];
const TWO_BAKKERS: NamedPerson[] = [
  { ref: 'jan', name: 'Jan Bakker' },
  { ref: 'piet', name: 'Piet Bakker' },
];
const SHORT: NamedPerson[] = [
  { ref: 'an', name: 'An Peeters' },
  { ref: 'jo', name: 'Jo Li' },
  { ref: 'thomas', name: 'Thomas Groen' },
];

/** The placeholder shows the refs; the suffix is kept, as the pseudonymiser will. */
function hide(people: readonly NamedPerson[], text: string): string {
  return nameMatcher(people).replace(text, (m) => `[${m.refs.join('|')}]${m.suffix}`);
}

const NO_NAMES = 'Geen namen hier:\n\t– om 17:20, €5 😀  één café\r\n';

describe('nameMatcher: the case table', () => {
  it.each<[string, readonly NamedPerson[], string, string]>([
    // The issue's own examples
    [
      'issue: double-barrelled and Ömer',
      ISSUE,
      'Bërg-Ouwerkerk en Ömer hebben geen lijstje',
      '[zoe] en [omer] hebben geen lijstje',
    ],
    ['issue: possessive s', ISSUE, 'Femkes idee werkt', '[femke]s idee werkt'],
    [
      'issue: lower case, no diacritics',
      ISSUE,
      'zoe en Ouwerkerk blijven vaak tot 17:20',
      '[zoe] en [zoe] blijven vaak tot 17:20',
    ],
    ['issue: particles alone', JAN_VAN_DEN_BERG, 'De kwaliteit van de zorg', 'De kwaliteit van de zorg'],
    // Dutch
    ['full name', ISSUE, 'Zoë van den Bërg-Ouwerkerk belt', '[zoe] belt'],
    ['surname with particles', ISSUE, 'Volgens van den Bërg-Ouwerkerk klopt het', 'Volgens [zoe] klopt het'],
    ['shorter sequences', ISSUE, 'Van den Berg en Berg Ouwerkerk', '[zoe] en [zoe]'],
    ['skipped parts', ISSUE, 'Zoë Ouwerkerk en Zoë Berg', '[zoe] en [zoe]'],
    ['a particle run is taken whole', JAN_VAN_DEN_BERG, 'het boek van Berg', 'het boek van [jan]'],
    ['de Vries', ISSUE, 'De Vries zegt dat de Vries gelijk heeft', '[femke] zegt dat [femke] gelijk heeft'],
    ['case and diacritic variants', ISSUE, 'Zoe, ZOË, zoë en YILMAZ', '[zoe], [zoe], [zoe] en [omer]'],
    [
      'word boundaries',
      JAN_VAN_DEN_BERG,
      'In Bergen en Janssen; de berg op',
      'In Bergen en Janssen; de berg op',
    ],
    ["'t Hart", DUTCH, "Kees 't Hart en ’t Hart, met heel mijn hart", '[hart] en [hart], met heel mijn hart'],
    ["van 't Hof", DUTCH, "Anna van 't Hof en Van 't Hof aan het hof", '[hof] en [hof] aan het hof'],
    [
      'op de Beek; op de fiets',
      DUTCH,
      'Op de Beek gaat op de fiets naar de beek',
      '[beek] gaat op de fiets naar de beek',
    ],
    // Names that are words
    [
      'de Boer: name and word',
      DUTCH,
      'Wiebe de Boer en de Boer; de boer melkt',
      '[boer] en [boer]; de boer melkt',
    ],
    [
      'Bakker: name and word',
      DUTCH,
      'Bakker belt Piet bakker, niet de bakker',
      '[bakker] belt [bakker], niet de bakker',
    ],
    [
      'Roos and Visser',
      DUTCH,
      'Roos en Visser kochten een roos bij de visser',
      '[roos] en [roos] kochten een roos bij de visser',
    ],
    [
      'Wil and Ben',
      DUTCH,
      'Wil zei: ik wil niet, ik ben moe. Ben ook.',
      '[wil] zei: ik wil niet, ik ben moe. [ben] ook.',
    ],
    ['Fleur', DUTCH, 'Fleur brengt fleur in het team', '[fleur] brengt fleur in het team'],
    ['capital at the start of a sentence (privacy first)', DUTCH, 'Wil je koffie?', '[wil] je koffie?'],
    [
      'word-like inflections need 4 letters',
      TURKISH,
      'Kans is groot, Kan’s plan, de kans',
      'Kans is groot, [kan]’s plan, de kans',
    ],
    // Turkish
    ['Ayşe Yılmaz', TURKISH, 'Ayşe en Ayse, Yilmaz en YILMAZ', '[ayse] en [ayse], [ayse] en [ayse]'],
    ['Şahin and Çelik', TURKISH, 'Şahin, Sahin, Çelik en celik', '[sahin], [sahin], [celik] en [celik]'],
    ['Öztürk and Ömer', TURKISH, 'Öztürk, ozturk en Omer', '[ozturk], [ozturk] en [ozturk]'],
    ['Gül: name and word', TURKISH, 'Gül is gul met haar tijd', '[gul] is gul met haar tijd'],
    ['İlknur', TURKISH, 'İlknur, ilknur en Kaya', '[ilknur], [ilknur] en [ilknur]'],
    // Moroccan
    [
      'El Amrani',
      MOROCCAN,
      'El Amrani en Khadija; el is een lidwoord',
      '[amrani] en [amrani]; el is een lidwoord',
    ],
    [
      'Ben Ali',
      MOROCCAN,
      'Ben Ali en Ali; ik ben er. Ben je er?',
      '[benali] en [benali]; ik ben er. Ben je er?',
    ],
    ['Aït Taleb', MOROCCAN, 'Aït Taleb en Ait Taleb', '[taleb] en [taleb]'],
    [
      'Mohamed is not Mohammed',
      MOROCCAN,
      'Bouzid en Mohamed, niet Mohammed',
      '[bouzid] en [taleb], niet Mohammed',
    ],
    // Surinamese
    ['Wong A Foe', SURINAMESE, 'Wong A Foe en Wong; a is geen naam', '[wong] en [wong]; a is geen naam'],
    [
      'Hindustani and Javanese surnames',
      SURINAMESE,
      'Ramdin, Soekhlal, Kartosen, Sewdien en Sital',
      '[ramdin], [soekhlal], [kartosen], [sewdien] en [sital]',
    ],
    // Frisian
    ['Sjoukje Hylkema, Tsjerk Hiddes', FRISIAN, 'Sjoukje Hylkema en Tsjerk Hiddes', '[sjoukje] en [tsjerk]'],
    [
      'de Haan: name and word',
      FRISIAN,
      'Wiebe de Haan hoorde de haan kraaien',
      '[wiebe] hoorde de haan kraaien',
    ],
    ['Oebele', FRISIAN, 'Oebele en oebele', '[oebele] en [oebele]'],
    // Possessives and diminutives
    [
      'possessives',
      ISSUE,
      "Femke's plan, Femke’s plan en Zoës plan",
      "[femke]'s plan, [femke]’s plan en [zoe]s plan",
    ],
    [
      'bare apostrophe after s; not a closing quote',
      SHORT,
      "Thomas' idee en 'Thomas' zei",
      "[thomas]' idee en '[thomas]' zei",
    ],
    ['diminutives', TWO_BAKKERS, 'Pietje en Pietjes fiets', '[piet]je en [piet]jes fiets'],
    [
      'short names are not inflected',
      SHORT,
      "Ans en Jos; An zegt het, Jo's boek en jo",
      "Ans en Jos; [an] zegt het, [jo]'s boek en jo",
    ],
    // Display names
    ['"Last, First"', DISPLAY_NAMES, 'Zoë van den Berg en Berg, Zoë', '[zoe] en [zoe], [zoe]'],
    [
      'a tag is not a name',
      DISPLAY_NAMES,
      'Jan de Vries van HR; Sanne werkt extern',
      '[jan] van HR; [sanne] werkt extern',
    ],
    [
      'e-mail address as name',
      DISPLAY_NAMES,
      'lotte en Meijer, niet contoso',
      '[lotte] en [lotte], niet contoso',
    ],
    ['a tail after a bar is a tag', DISPLAY_NAMES, 'Kim Verbeek uit Utrecht', '[kim] uit Utrecht'],
    // Ambiguity and initials
    ['ambiguous part', TWO_JANS, 'Jan zei het', '[jan1|jan2] zei het'],
    ['unique sequences', TWO_JANS, 'Jan Bakker en Jan de Vries', '[jan1] en [jan2]'],
    ['ambiguous inflections', TWO_JANS, 'Jans idee en Jantje', '[jan1|jan2]s idee en [jan1|jan2]tje'],
    ['initials', ISSUE, 'Z. van den Berg en F. de Vries', '[zoe] en [femke]'],
    [
      'an initial narrows',
      TWO_BAKKERS,
      'J. Bakker en Bakker, K. Bakker',
      '[jan] en [jan|piet], K. [jan|piet]',
    ],
    // Nothing to find
    ['no names: byte for byte', ISSUE, NO_NAMES, NO_NAMES],
    ['no people', [], 'Zoë en Femke', 'Zoë en Femke'],
  ])('%s', (_label, people, text, expected) => {
    expect(hide(people, text)).toBe(expected);
  });
});

describe('nameMatcher.find', () => {
  it('reports where a mention is, its suffix and its people', () => {
    const text = "Gisteren zei J. Bakker dat Femke's idee werkt.";
    expect(nameMatcher([...ISSUE, ...TWO_BAKKERS]).find(text)).toEqual([
      { start: 13, end: 22, text: 'J. Bakker', suffix: '', refs: ['jan'] },
      { start: 27, end: 34, text: "Femke's", suffix: "'s", refs: ['femke'] },
    ]);
  });

  it('merges entries with one ref (a nickname as a second entry)', () => {
    const m = nameMatcher([
      { ref: 'x', name: 'Johannes de Vries' },
      { ref: 'x', name: 'Hans' },
    ]);
    expect(m.find('Hans en Johannes').map((x) => x.refs)).toEqual([['x'], ['x']]);
  });

  it('keeps a suffix as written after decomposed diacritics', () => {
    const m = nameMatcher([{ ref: 'z', name: 'Zoë' }]);
    expect(m.find('Zoe\u0308s plan')).toEqual([
      { start: 0, end: 5, text: 'Zoe\u0308s', suffix: 's', refs: ['z'] },
    ]);
  });
});

describe('foldForNames and nameParts', () => {
  it.each([
    ['Zoë', 'zoe'],
    ['Yılmaz', 'yilmaz'],
    ['Şahin', 'sahin'],
    ['Çelik', 'celik'],
    ['Øster', 'oster'],
    ['İlknur', 'ilknur'],
    ['Straße', 'strasse'],
    ['ZOË', 'zoe'],
    ['Zoe\u0308', 'zoe'],
  ])('%s → %s', (s, folded) => expect(foldForNames(s)).toBe(folded));

  it('reads display names', () => {
    expect(nameParts('Berg-Ouwerkerk, Zoë van den')).toEqual(['zoe', 'van', 'den', 'berg', 'ouwerkerk']);
    expect(nameParts('dr. Jan de Vries MSc (Extern)')).toEqual(['jan', 'de', 'vries']);
    expect(nameParts('zoe.vandenberg@contoso.nl')).toEqual(['zoe', 'vandenberg']);
  });

  it('keeps the lists folded and apart where they must be', () => {
    for (const w of [...NAME_PARTICLES, ...WORD_LIKE_NAME_PARTS]) expect(foldForNames(w)).toBe(w);
    expect(WORD_LIKE_NAME_PARTS.size).toBeGreaterThanOrEqual(100);
    expect(WORD_LIKE_NAME_PARTS.size).toBeLessThanOrEqual(250);
  });
});

// ---- Properties ---------------------------------------------------------------------------------------

const POOL: NamedPerson[] = [
  ...ISSUE,
  ...DUTCH,
  ...TURKISH,
  ...MOROCCAN,
  ...SURINAMESE,
  ...FRISIAN,
  { ref: 'janssen', name: 'Jan Janssen' },
  { ref: 'noor', name: 'Noor van der Meer' },
  { ref: 'bo', name: 'Bo Li' },
  { ref: 'thomas', name: 'Thomas Groen' },
];

const ORDINARY = [
  ...'het team plan idee werkt vandaag morgen zorg kwaliteit lijstje koffie overleg cliënt collega afspraak'.split(
    ' ',
  ),
  ...'dienst rooster ik je we zij hebben geen blijven vaak goed niet wel maar en of dat een naar huis school'.split(
    ' ',
  ),
  ...'leerling feedback één café ruïne België Utrecht Amsterdam zorgvuldig Verbetering Voorstel Idee Morgen'.split(
    ' ',
  ),
  ...'vergadering 17:20 €5 3 werkplek leren ervaring vraag antwoord casus'.split(' '),
  // Particles, and word-like name parts in lower case, are ordinary words
  ...['van', 'de', 'den', 'der', "'t", 'te', 'ten', 'op', 'in', 'De', 'Van', 'Het', 'Op', 'a', 'el'],
  ...'bakker roos visser wil ben fleur kok smit jong haan hart hof berg meer groen gul bo li noor boer kan'.split(
    ' ',
  ),
];
const SEPARATORS = [' ', ' ', ' ', ', ', '. ', '\n', ': ', ' (', ') ', '-'];

function stripDiacritics(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/ı/g, 'i');
}

/** Name parts that must never be left in a text: not particles, not word-like, three letters or more. */
const PROTECTED = new Set(
  POOL.flatMap((p) => nameParts(p.name)).filter(
    (f) => f.length >= 3 && !NAME_PARTICLES.has(f) && !WORD_LIKE_NAME_PARTS.has(f),
  ),
);

function nameForms(person: NamedPerson): string[] {
  const words = person.name.split(' ');
  const forms = [person.name, ...words.filter((w) => !NAME_PARTICLES.has(foldForNames(w.replace(/^'/, ''))))];
  for (let i = 1; i < words.length - 1; i += 1) forms.push(words.slice(i).join(' '));
  return forms;
}

const nameForm = fc
  .record({
    person: fc.constantFrom(...POOL),
    pick: fc.nat(),
    variant: fc.constantFrom('as is', 'lower', 'upper', 'plain'),
    suffix: fc.constantFrom('', '', 's', "'s", '’s', 'je'),
  })
  .map(({ person, pick, variant, suffix }) => {
    const forms = nameForms(person);
    const form = forms[pick % forms.length]!;
    const written =
      variant === 'lower'
        ? form.toLowerCase()
        : variant === 'upper'
          ? form.toUpperCase()
          : variant === 'plain'
            ? stripDiacritics(form)
            : form;
    return written + suffix;
  });

const ordinaryText = fc
  .array(fc.tuple(fc.constantFrom(...ORDINARY), fc.constantFrom(...SEPARATORS)), { maxLength: 40 })
  .map((tokens) => tokens.map(([w, s]) => w + s).join(''));

const mixedText = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...ORDINARY), nameForm), fc.constantFrom(...SEPARATORS)), {
    maxLength: 40,
  })
  .map((tokens) => tokens.map(([w, s]) => w + s).join(''));

describe('nameMatcher: properties', () => {
  const matcher = nameMatcher(POOL);

  it('ordinary words are no name part, nor an inflection of one (a precondition of the properties)', () => {
    const parts = new Set(POOL.flatMap((p) => nameParts(p.name)));
    for (const w of ORDINARY) {
      const f = foldForNames(w);
      const isNamePart =
        parts.has(f) && !NAME_PARTICLES.has(f) && !(WORD_LIKE_NAME_PARTS.has(f) || f.length <= 2);
      expect([w, isNamePart]).toEqual([w, false]);
      expect([w, [...PROTECTED].some((p) => f.startsWith(p) && f !== p)]).toEqual([w, false]);
    }
  });

  it('generates texts that do hold names (so the next property tests something)', () => {
    const holding = fc
      .sample(mixedText, { numRuns: 200, seed: 3 })
      .filter((t) => [...t.matchAll(/[\p{L}\p{M}]+/gu)].some((w) => PROTECTED.has(foldForNames(w[0]))));
    expect(holding.length).toBeGreaterThan(100);
  });

  it('leaves no name part that is not a word in a text', () => {
    fc.assert(
      fc.property(mixedText, (text) => {
        const out = matcher.replace(text, (m) => `[#${m.refs.length}]${m.suffix}`);
        const left = [...out.matchAll(/[\p{L}\p{M}]+/gu)]
          .map((w) => foldForNames(w[0]))
          .filter((w) => PROTECTED.has(w));
        expect(left).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves a text of ordinary words unchanged', () => {
    fc.assert(
      fc.property(ordinaryText, (text) => {
        expect(matcher.replace(text, () => '[#]')).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('finds non-overlapping mentions in text order, each the slice it says', () => {
    fc.assert(
      fc.property(mixedText, (text) => {
        let at = 0;
        for (const m of matcher.find(text)) {
          expect(m.start).toBeGreaterThanOrEqual(at);
          expect(m.end).toBeGreaterThan(m.start);
          expect(m.text).toBe(text.slice(m.start, m.end));
          expect(m.text.endsWith(m.suffix)).toBe(true);
          expect(m.refs.length).toBeGreaterThan(0);
          at = m.end;
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('nameMatcher: cost', () => {
  it('is fine for 300 people and texts of a few KB, and for one person over 100,000 strings', () => {
    const people = Array.from({ length: 300 }, (_, i) => POOL[i % POOL.length]!).map((p, i) => ({
      ref: `${p.ref}-${i}`,
      name: p.name,
    }));
    const text = fc.sample(mixedText, { numRuns: 60, seed: 1 }).join(' ');
    let t = performance.now();
    const many = nameMatcher(people);
    for (let i = 0; i < 20; i += 1) many.replace(text, () => '[#]');
    const manyMs = performance.now() - t;

    const strings = fc.sample(mixedText, { numRuns: 1000, seed: 2 });
    const one = nameMatcher([ISSUE[0]!]);
    t = performance.now();
    for (let i = 0; i < 100_000; i += 1) one.replace(strings[i % strings.length]!, () => '[#]');
    const oneMs = performance.now() - t;
    // Generous bounds for a busy two-core machine; a quadratic matcher misses them by far.
    expect({ textLength: text.length > 2000, manyMs: manyMs < 5000, oneMs: oneMs < 20000 }).toEqual({
      textLength: true,
      manyMs: true,
      oneMs: true,
    });
  });
});
