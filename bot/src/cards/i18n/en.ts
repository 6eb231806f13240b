import type { MessageKey } from './nl';

/** English texts, for people whose Teams locale is English. */
export const en: Record<MessageKey, string> = {
  'app.name': 'Werkplekleren+',
  'welcome.title': 'Welcome to Werkplekleren+',
  'welcome.greeting': 'Good to have you here, {name}.',
  'welcome.intro':
    'Here learning is the beating heart of your organisation: with a few colleagues in your Prof-circle you improve and innovate your own work, in working time.',
  'welcome.howHeading': 'How it works',
  'welcome.how.circle': 'You learn in a **Prof-circle** of 3 to 6 colleagues you choose yourself.',
  'welcome.how.cycle':
    'In a **Vital Week Cycle** the circle meets for an hour on four consecutive working days and works a real work situation into an improvement proposal, with AI as a help it uses critically.',
  'welcome.how.traject': 'You compose your own **Prof-traject** around the ten didactic questions.',
  'welcome.how.talent':
    'Every six months you talk about your development with your manager in a **talent-development conversation**.',
  'welcome.accountability':
    'This is not a learning management system: you account only for the time you use, the proposals you make and your development, in your own words.',
  'welcome.next': 'Type **help** to see what I can do for you now.',
  'welcome.action.help': 'What can I do?',
  'welcome.fallback': 'Welcome to Werkplekleren+. Type "help" to see what I can do.',
  'group.title': 'Hello everyone, I am Werkplekleren+',
  'group.intro':
    'I help your Prof-circle learn together in working time: you improve your own work in four short sessions a week.',
  'group.fallback': 'Hello everyone, I am Werkplekleren+. Type "help" to see what I can do.',
  'help.title': 'What can I do?',
  'help.intro': 'Type one of these words in the chat with me:',
  'help.command.help': 'This overview of what I can do.',
  'help.command.welcome': 'See the introduction to Werkplekleren+ again.',
  'help.fallback': 'What can I do? Type "help" for this overview or "welcome" for the introduction.',
  'reply.unknown': 'I did not understand that. Type **help** to see what I can do.',
  'reply.error': 'Something went wrong on my side. Please try again in a moment.',
};
