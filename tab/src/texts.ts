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
  nextConversation: 'Volgend talentontwikkelgesprek',
  timeline: 'Je weken',
  weekPast: 'week {n}, voorbij',
  weekNow: 'week {n}, deze week',
  weekPlanned: 'week {n}, gepland',
  weekLegend: { past: 'voorbij', now: 'deze week', planned: 'nog te gaan' },
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
  sessions: 'Komende sessies',
  sessionsEmpty:
    'Er staan nog geen sessies gepland. Plan met je Prof-cirkel een Vitale Weekcyclus via de bot Werkplekleren+; de sessies en de links om deel te nemen verschijnen dan hier.',
  sessionDay: 'sessie {n} van 4',
  join: 'Deelnemen',
  joinLabel: 'Deelnemen aan de sessie van {circle}, {when}',
  statusLabel: 'Status',
  sessionStatus: {
    planned: 'Gepland',
    started: 'Bezig',
    ended: 'Afgelopen',
    cancelled: 'Geannuleerd',
  },
  proposalList: 'Voorstellen',
  proposalsEmpty:
    'Nog geen voorstellen. Verbetervoorstellen ontstaan in de sessies van je Prof-cirkel en verschijnen hier met hun status.',
  proposalStatus: {
    draft: 'Concept',
    validated: 'Gevalideerd',
    rejected: 'Afgewezen',
  },
  questionNumber: 'Vraag {n}',
  validatedProposals: 'Gevalideerde voorstellen',
  conversationOn: 'Op {date}, met je leidinggevende.',
  conversationPast: 'Je Prof-traject is afgelopen; het afsluitende gesprek was op {date}.',
  conversationNotes: 'Notities voor dit gesprek',
  conversationHint:
    'Je leidinggevende ziet alleen de notities die je deelt. Je kiest ze per notitie met "Delen met mijn leidinggevende".',
  toNotes: 'Naar mijn ontwikkelnotities',
  conversationNoNotes: 'Je hebt nog geen notities gedeeld.',
  conversationWith: 'Op {date}, met {manager}.',
  conversationMeeting: 'Teams-vergadering van {start} tot {end}.',
  conversationJoin: 'Deelnemen',
  conversationWishesEdit:
    'Wat wil je in het gesprek bespreken? Je leidinggevende ziet het in de herinnering.',
  conversationWishesSave: 'Bewaar wat ik wil bespreken',
  conversationNotInCalendar:
    'Deze vergadering kon niet in de agenda worden gezet. Kies op de kaart in de chat een andere dag of tijd om het opnieuw te proberen.',
  conversationWishes: 'Wat je wilt bespreken',
  conversationNoWishes:
    'Nog niets opgegeven. Schrijf het hieronder, of op de kaart die je een week voor het gesprek in de chat krijgt.',
  conversationHistory: 'Gehouden gesprekken',
  conversationHeldOn: 'Gehouden op {date}',
  agreements: 'Afspraken',
  noAgreements: 'Geen afspraken vastgelegd.',
  conversationsOnTime: 'Gesprekken op tijd gehouden: {held} van {due}',
  conversationsLate: '{n} te laat',
  conversationsOpen: '{n} nog open',
  reportNextConversation: 'Volgend talentontwikkelgesprek: {date}',
  nudgeUndelivered: 'De herinnering voor dit gesprek kon niet in Teams worden bezorgd.',
  preparationUndelivered:
    'De voorbereidingskaart voor dit gesprek kon niet in Teams worden bezorgd. Open de chat met Werkplekleren+ in Teams om kaarten te ontvangen.',
  edit: 'Bewerken',
  editNote: 'Notitie bewerken',
  saveNote: 'Notitie opslaan',
  cancel: 'Annuleren',
  savedVersion: 'Opgeslagen versie:',
  noteConflict:
    'Deze notitie is intussen ergens anders gewijzigd. De opgeslagen versie staat boven het bewerkveld; je eigen tekst staat er nog in. Sla opnieuw op om die te bewaren, of annuleer.',
  noteGone: 'Deze notitie bestaat niet meer: ze is ergens anders verwijderd.',
  noteInvalid: 'Een notitie mag niet leeg zijn en hoogstens 4000 tekens hebben.',
  saveFailed: 'Opslaan is mislukt. Je tekst staat nog in het bewerkveld; probeer het zo nog eens.',
  kinds: {
    elearning: 'E-learning',
    book: 'Boek',
    podcast: 'Podcast',
    video: 'Video',
    expert: 'Expert uitgenodigd',
    course: 'Cursus',
    other: 'Anders',
  },
  /** The meeting side panel and the meeting stage (meeting.html, stage.html). */
  meeting: {
    panelTitle: 'Sessie van de Prof-cirkel',
    stageTitle: 'Op het podium',
    noChat: 'Open dit paneel in een Teams-vergadering van je Prof-cirkel.',
    noSession:
      'Er loopt vandaag nog geen sessie in deze vergadering. Typ "start" in de vergaderchat om er een te beginnen; dit paneel toont haar dan vanzelf.',
    notMember:
      'Dit paneel toont de sessie alleen aan de leden van de Prof-cirkel, en jij hoort niet bij deze cirkel.',
    signedOut: 'Aanmelden is niet gelukt. Sluit het paneel en open het opnieuw.',
    offline: 'Geen verbinding met Werkplekleren+. We proberen het over een paar seconden opnieuw.',
    actInChat:
      'Dit is de kaart uit de vergaderchat, om mee te lezen. Voeg bijdragen toe en ga verder op de kaart in de chat.',
    kickoff: 'Aftrap: kies samen het videoframe en de werksituatie op de kaart in de vergaderchat.',
    summary: 'Samenvatting van de sessie',
    closed: 'De sessie is afgesloten.',
    stageProgress: 'Stap {n} van 5 · {title}',
    timerLabel: 'Tijd over in deze stap',
    timeUp: 'Tijd is om',
    minutesLeft: 'Nog {n} minuten voor deze stap.',
    oneMinuteLeft: 'Nog 1 minuut voor deze stap.',
    timeUpSpoken: 'De tijd voor deze stap is om.',
    share: 'Deel op het podium',
    sharing: 'Bezig met delen op het podium…',
    shared: 'Gedeeld op het podium.',
    shareFailed:
      'Delen op het podium is niet gelukt. Alleen organisatoren en presentatoren van de vergadering kunnen delen.',
    cardFailed: 'Deze kaart kan hier niet getoond worden. Bekijk haar in de vergaderchat.',
  },
  /** The configuration page Teams shows when the app is added to a meeting (config.html). */
  config: {
    title: 'Werkplekleren+ in deze vergadering',
    intro:
      'Tijdens de vergadering toont Werkplekleren+ de sessie van je Prof-cirkel in het zijpaneel: de kaart uit de vergaderchat, de stap waar jullie zijn en de tijd die er nog voor is. Wie presenteert, kan de sessie op het podium delen.',
    ready: 'Kies Opslaan om Werkplekleren+ aan deze vergadering toe te voegen.',
    tabName: 'Prof-cirkel',
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
  weekLegend: { past: 'past', now: 'this week', planned: 'to come' },
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
  sessions: 'Upcoming sessions',
  sessionsEmpty:
    'No sessions are planned yet. Plan a Vital Week Cycle with your Prof-circle through the Werkplekleren+ bot; the sessions and their join links will appear here.',
  sessionDay: 'session {n} of 4',
  join: 'Join',
  joinLabel: 'Join the session of {circle}, {when}',
  statusLabel: 'Status',
  sessionStatus: {
    planned: 'Planned',
    started: 'In progress',
    ended: 'Ended',
    cancelled: 'Cancelled',
  },
  proposalList: 'Proposals',
  proposalsEmpty:
    "No proposals yet. Improvement proposals come out of your Prof-circle's sessions and appear here with their status.",
  proposalStatus: {
    draft: 'Draft',
    validated: 'Validated',
    rejected: 'Rejected',
  },
  questionNumber: 'Question {n}',
  validatedProposals: 'Validated proposals',
  conversationOn: 'On {date}, with your manager.',
  conversationPast: 'Your Prof-traject has ended; the closing conversation was on {date}.',
  conversationNotes: 'Notes for this conversation',
  conversationHint:
    'Your manager sees only the notes you share. You choose them one by one with "Share with my manager".',
  toNotes: 'Go to my development notes',
  conversationNoNotes: 'You have not shared any notes yet.',
  conversationWith: 'On {date}, with {manager}.',
  conversationMeeting: 'Teams meeting from {start} to {end}.',
  conversationJoin: 'Join',
  conversationWishesEdit:
    'What do you want to discuss in the conversation? Your manager sees it in the reminder.',
  conversationWishesSave: 'Save what I want to discuss',
  conversationNotInCalendar:
    'This meeting could not be put in the calendar. Choose another day or time on the card in the chat to try again.',
  conversationWishes: 'What you want to discuss',
  conversationNoWishes:
    'Nothing yet. Write it below, or on the card you get in the chat a week before the conversation.',
  conversationHistory: 'Conversations held',
  conversationHeldOn: 'Held on {date}',
  agreements: 'Agreements',
  noAgreements: 'No agreements recorded.',
  conversationsOnTime: 'Conversations held on time: {held} of {due}',
  conversationsLate: '{n} late',
  conversationsOpen: '{n} still open',
  reportNextConversation: 'Next talent-development conversation: {date}',
  nudgeUndelivered: 'The reminder for this conversation could not be delivered in Teams.',
  preparationUndelivered:
    'The preparation card for this conversation could not be delivered in Teams. Open the chat with Werkplekleren+ in Teams to receive cards.',
  edit: 'Edit',
  editNote: 'Edit note',
  saveNote: 'Save note',
  cancel: 'Cancel',
  savedVersion: 'Saved version:',
  noteConflict:
    'This note was changed elsewhere in the meantime. The saved version is shown above the editor; your own text is still in it. Save again to keep it, or cancel.',
  noteGone: 'This note no longer exists: it was deleted elsewhere.',
  noteInvalid: 'A note cannot be empty and can have at most 4000 characters.',
  saveFailed: 'Saving failed. Your text is still in the editor; please try again in a moment.',
  kinds: {
    elearning: 'E-learning',
    book: 'Book',
    podcast: 'Podcast',
    video: 'Video',
    expert: 'Invited expert',
    course: 'Course',
    other: 'Other',
  },
  meeting: {
    panelTitle: "The Prof-circle's session",
    stageTitle: 'On the stage',
    noChat: 'Open this panel in a Teams meeting of your Prof-circle.',
    noSession:
      'There is no session in this meeting yet today. Type "start" in the meeting chat to begin one; this panel then shows it by itself.',
    notMember:
      'This panel shows the session only to the members of the Prof-circle, and you are not in this circle.',
    signedOut: 'Signing in failed. Close the panel and open it again.',
    offline: 'No connection with Werkplekleren+. We will try again in a few seconds.',
    actInChat:
      'This is the card from the meeting chat, to read along. Add contributions and move on using the card in the chat.',
    kickoff:
      'Kick-off: choose the videoframe and the work situation together on the card in the meeting chat.',
    summary: 'Summary of the session',
    closed: 'The session is closed.',
    stageProgress: 'Step {n} of 5 · {title}',
    timerLabel: 'Time left in this step',
    timeUp: 'Time is up',
    minutesLeft: '{n} minutes left for this step.',
    oneMinuteLeft: '1 minute left for this step.',
    timeUpSpoken: 'The time for this step is up.',
    share: 'Share to stage',
    sharing: 'Sharing to the stage…',
    shared: 'Shared to the stage.',
    shareFailed: "Sharing to the stage failed. Only the meeting's organisers and presenters can share.",
    cardFailed: 'This card cannot be shown here. See it in the meeting chat.',
  },
  config: {
    title: 'Werkplekleren+ in this meeting',
    intro:
      "During the meeting Werkplekleren+ shows your Prof-circle's session in the side panel: the card from the meeting chat, the step you are at and the time left for it. Whoever presents can share the session to the stage.",
    ready: 'Select Save to add Werkplekleren+ to this meeting.',
    tabName: 'Prof-circle',
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
