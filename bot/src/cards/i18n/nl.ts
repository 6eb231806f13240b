/** Dutch texts (the default language). Every key here must exist in en.ts with the same parameters. */
export const nl = {
  'app.name': 'Werkplekleren+',
  'welcome.title': 'Welkom bij Werkplekleren+',
  'welcome.greeting': 'Fijn dat je er bent, {name}.',
  'welcome.intro':
    'Hier is leren het kloppend hart van je organisatie: met een paar collega’s in je Prof-cirkel verbeter en vernieuw je je eigen werk, in werktijd.',
  'welcome.howHeading': 'Zo werkt het',
  'welcome.how.circle': 'Je leert in een **Prof-cirkel** van 3 tot 6 collega’s die je zelf kiest.',
  'welcome.how.cycle':
    'In een **Vitale Weekcyclus** komt de cirkel vier werkdagen achter elkaar een uur samen en werkt een werksituatie uit tot een verbetervoorstel, met AI als kritisch gebruikte hulp.',
  'welcome.how.traject': 'Je stelt je eigen **Prof-traject** samen rond de tien didactische vragen.',
  'welcome.how.talent':
    'Elk half jaar bespreek je je ontwikkeling in een **talentontwikkelgesprek** met je leidinggevende.',
  'welcome.accountability':
    'Geen leermanagementsysteem: je legt alleen verantwoording af over de tijd die je gebruikt, de voorstellen die je maakt en je ontwikkeling, in je eigen woorden.',
  'welcome.next': 'Typ **hulp** om te zien wat ik nu voor je kan doen.',
  'welcome.action.help': 'Wat kan ik?',
  'welcome.fallback': 'Welkom bij Werkplekleren+. Typ "hulp" om te zien wat ik kan.',
  'group.title': 'Hallo allemaal, ik ben Werkplekleren+',
  'group.intro':
    'Ik help jullie Prof-cirkel samen te leren in werktijd: jullie verbeteren je eigen werk in vier korte sessies per week.',
  'group.fallback': 'Hallo allemaal, ik ben Werkplekleren+. Typ "hulp" om te zien wat ik kan.',
  'help.title': 'Wat kan ik?',
  'help.intro': 'Typ een van deze woorden in de chat met mij:',
  'help.command.help': 'Dit overzicht van wat ik kan.',
  'help.command.welcome': 'De uitleg van Werkplekleren+ nog eens zien.',
  'help.fallback': 'Wat kan ik? Typ "hulp" voor dit overzicht of "welkom" voor de uitleg.',
  'reply.unknown': 'Dat begrijp ik niet. Typ **hulp** om te zien wat ik kan.',
  'reply.error': 'Er ging iets mis aan mijn kant. Probeer het over een moment nog eens.',
} as const;

export type MessageKey = keyof typeof nl;
