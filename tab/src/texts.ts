import { en as botEn } from '../../bot/src/cards/i18n/en';
import { nl as botNl } from '../../bot/src/cards/i18n/nl';

/** The tab's own texts; the didactic questions come from the bot's catalogue, so both say the same. */
const nl = {
  title: 'Mijn Prof-traject',
  loading: 'Laden…',
  outside: 'Open deze pagina in Microsoft Teams.',
  failed: 'Het laden is mislukt. Probeer het over een moment nog eens.',
  pickIdentity: 'Ontwikkelmodus: kies als wie je de pagina bekijkt',
  pickButton: 'Bekijken',
  noTraject:
    'Je hebt nog geen Prof-traject. Typ "traject" in de chat met Werkplekleren+ om het samen te stellen.',
  period: 'Van {start} tot {end}',
  timeUsed: 'Tijd gebruikt',
  hours: '{used} van {available} uur',
  activeWeeks: 'Actieve weken',
  ofTarget: '{done} van {target}',
  proposals: 'Verbetervoorstellen',
  nextConversation: 'Volgende talentontwikkelgesprek',
  timeline: 'Je weken',
  weekPast: 'week {n}, voorbij',
  weekNow: 'week {n}, deze week',
  weekPlanned: 'week {n}, gepland',
  questions: 'Mijn vragen',
  talents: 'Mijn talenten',
  learningNeeds: 'Mijn leerbehoeften',
  ledger: 'Zelfgekozen leren',
  ledgerEmpty: 'Nog niets vastgelegd.',
  what: 'Wat heb je gedaan?',
  kind: 'Soort',
  date: 'Datum',
  minutes: 'Minuten',
  add: 'Vastleggen',
  notes: 'Mijn ontwikkelnotities',
  notesEmpty: 'Nog geen notities.',
  noteText: 'Nieuwe notitie, in je eigen woorden',
  share: 'Delen met mijn leidinggevende',
  saving: 'Bezig met opslaan…',
  saved: 'Opgeslagen.',
  ownWords: 'In je eigen woorden',
  saveOwnWords: 'Opslaan',
  removed: 'Verwijderd.',
  remove: 'Verwijderen',
  reports: 'Mijn mensen',
  reportsIntro:
    'Per persoon alleen wat die met je deelt: gebruikte tijd, actieve weken, gevalideerde voorstellen en gedeelde notities.',
  sharedNotes: 'Gedeelde notities',
  kinds: {
    elearning: 'E-learning',
    book: 'Boek',
    podcast: 'Podcast',
    video: 'Video',
    expert: 'Expert uitgenodigd',
    course: 'Cursus',
    other: 'Anders',
  },
};

const en: typeof nl = {
  title: 'My Prof-traject',
  loading: 'Loading…',
  outside: 'Open this page in Microsoft Teams.',
  failed: 'Loading failed. Please try again in a moment.',
  pickIdentity: 'Development mode: choose who to view the page as',
  pickButton: 'View',
  noTraject: 'You have no Prof-traject yet. Type "traject" in the chat with Werkplekleren+ to compose it.',
  period: 'From {start} to {end}',
  timeUsed: 'Time used',
  hours: '{used} of {available} hours',
  activeWeeks: 'Active weeks',
  ofTarget: '{done} of {target}',
  proposals: 'Improvement proposals',
  nextConversation: 'Next talent-development conversation',
  timeline: 'Your weeks',
  weekPast: 'week {n}, past',
  weekNow: 'week {n}, this week',
  weekPlanned: 'week {n}, planned',
  questions: 'My questions',
  talents: 'My talents',
  learningNeeds: 'My learning needs',
  ledger: 'Self-chosen learning',
  ledgerEmpty: 'Nothing recorded yet.',
  what: 'What did you do?',
  kind: 'Kind',
  date: 'Date',
  minutes: 'Minutes',
  add: 'Record',
  notes: 'My development notes',
  notesEmpty: 'No notes yet.',
  noteText: 'New note, in your own words',
  share: 'Share with my manager',
  saving: 'Saving…',
  saved: 'Saved.',
  ownWords: 'In your own words',
  saveOwnWords: 'Save',
  removed: 'Removed.',
  remove: 'Remove',
  reports: 'My people',
  reportsIntro:
    'Per person only what they share with you: time used, active weeks, validated proposals and shared notes.',
  sharedNotes: 'Shared notes',
  kinds: {
    elearning: 'E-learning',
    book: 'Book',
    podcast: 'Podcast',
    video: 'Video',
    expert: 'Invited expert',
    course: 'Course',
    other: 'Other',
  },
};

export type Language = 'nl' | 'en';
export type Texts = typeof nl;

export function textsFor(language: Language): Texts {
  return language === 'en' ? en : nl;
}

export function question(language: Language, n: number): string {
  const catalogue: Record<string, string> = language === 'en' ? botEn : botNl;
  return catalogue[`question.${n}`] ?? String(n);
}

export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
