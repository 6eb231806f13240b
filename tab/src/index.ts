import { app } from '@microsoft/teams-js';

/**
 * The Teams tab's entry point. Issue "Prof-traject" builds the real overview; this shell already follows
 * the Teams theme and language, and says plainly when it is opened outside Teams.
 */
const texts = {
  nl: {
    title: 'Mijn Prof-traject',
    soon: 'Hier zie je straks je Prof-traject.',
    outside: 'Open deze pagina in Microsoft Teams.',
  },
  en: {
    title: 'My Prof-traject',
    soon: 'Your Prof-traject will show here.',
    outside: 'Open this page in Microsoft Teams.',
  },
} as const;

function render(language: 'nl' | 'en', status: keyof (typeof texts)['nl']): void {
  document.documentElement.lang = language;
  const title = document.getElementById('title');
  const line = document.getElementById('status');
  if (title) title.textContent = texts[language].title;
  if (line) line.textContent = texts[language][status];
}

function applyTheme(theme: string | undefined): void {
  document.body.dataset.theme = theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

async function start(): Promise<void> {
  try {
    await app.initialize();
  } catch {
    render(navigator.language.toLowerCase().startsWith('en') ? 'en' : 'nl', 'outside');
    return;
  }
  const context = await app.getContext();
  const language = context.app.locale.toLowerCase().startsWith('en') ? 'en' : 'nl';
  applyTheme(context.app.theme);
  app.registerOnThemeChangeHandler(applyTheme);
  render(language, 'soon');
  void app.notifySuccess();
}

void start();
