/**
 * `npm run bench` (second part): what the name rules cost, against a baseline measured in the same run (a
 * case-insensitive `includes` of one name over the same texts: the least any search could do).
 *
 * - hide, a session's material: 300 people (a big meeting's roster) over 40 contributions of about 120 characters.
 * - erasure sweep text pass: one person's name over 100,000 strings, as the sweep matches it
 *   (store/mongo-person-sweep.ts; the check against colleagues runs only on a mention, so it is left out).
 */
import { nameMatcher } from '../../bot/src/domain/person-names';
import { pseudonymiser } from '../../bot/src/domain/pseudonymiser';

const FIRST = ['Jan', 'Piet', 'Femke', 'Zoë', 'Ömer', 'Ayşe', 'Mohammed', 'Fatima', 'Sanne', 'Daan', 'Lotte'];
const LAST = ['de Vries', 'van den Berg', 'Bakker', 'Yılmaz', 'El Amrani', 'Hylkema', 'Ramdin', 'Jansen'];
const people = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    ref: `p-${i}`,
    name: `${FIRST[i % FIRST.length]!} ${LAST[(i * 7) % LAST.length]!}${i % 13 === 0 ? '-Ouwerkerk' : ''}`,
  }));
const SENTENCES = [
  'De overdracht tussen dag- en avonddienst loopt vaak uit, en de kwaliteit van de zorg lijdt eronder.',
  'Zoë en Ouwerkerk blijven vaak tot 17:20; een vast moment om 15:00 met een korte checklist zou helpen.',
  'Femkes idee werkt: een lijstje op papier, en na twee weken samen evalueren met het hele team erbij.',
];

function time(run: () => unknown, rounds: number): number {
  run();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) run();
  return (performance.now() - started) / rounds;
}

const material = Array.from({ length: 40 }, (_, i) => SENTENCES[i % SENTENCES.length]!);
const strings = Array.from({ length: 100_000 }, (_, i) => SENTENCES[i % SENTENCES.length]!);

const baselineMaterial = time(() => material.map((t) => t.toLowerCase().includes('femke')), 200);
const { hide } = pseudonymiser(people(300), 'nl');
const hideMs = time(() => material.map(hide), 20);
const compileMs = time(() => pseudonymiser(people(300), 'nl'), 20);

const baselineSweep = time(() => strings.filter((t) => t.toLowerCase().includes('femke')).length, 3);
const gone = nameMatcher([{ ref: 'gone', name: 'Zoë van den Bërg-Ouwerkerk' }]);
const sweepMs = time(() => strings.reduce((n, t) => n + gone.find(t).length, 0), 3);

const row = (name: string, ms: number, base: number) =>
  `${name.padEnd(48)}${ms.toFixed(2).padStart(10)} ms${(ms / base).toFixed(1).padStart(10)}×`;
console.log('\nname rules (per run)                                    time   ÷ baseline');
console.log(row('baseline: includes() over 40 contributions', baselineMaterial, baselineMaterial));
console.log(row('pseudonymiser for 300 people (compile)', compileMs, baselineMaterial));
console.log(row('hide 40 contributions, 300 people', hideMs, baselineMaterial));
console.log(row('baseline: includes() over 100,000 strings', baselineSweep, baselineSweep));
console.log(row('erasure sweep text pass, 100,000 strings', sweepMs, baselineSweep));
