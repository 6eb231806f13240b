import { meetingTabConfig } from './meeting-tab';
import { textsFor, type Language } from './texts';
import { insideTeams } from './teams-host';

/**
 * The configuration page of the meeting tab (config.html, the manifest's configurationUrl): Teams shows it
 * when someone adds Werkplekleren+ to a meeting. There is nothing to choose (the panel finds the circle
 * from the meeting's chat), so it says what the tab does, marks the configuration valid at once, and on
 * Save hands Teams the side panel page (meeting.html) as the tab's content.
 */

const byId = (id: string) => document.getElementById(id);

function show(language: Language, status: string): void {
  const t = textsFor(language);
  document.documentElement.lang = language;
  document.title = `${t.config.title} · Werkplekleren+`;
  const title = byId('title');
  if (title) title.textContent = t.config.title;
  const intro = byId('intro');
  if (intro) intro.textContent = t.config.intro;
  const line = byId('status');
  if (line) line.textContent = status;
}

async function start(): Promise<void> {
  let language: Language = navigator.language.toLowerCase().startsWith('en') ? 'en' : 'nl';
  show(language, textsFor(language).loading);
  const teams = await insideTeams();
  if (!teams) {
    show(language, textsFor(language).outside);
    return;
  }
  const context = await teams.app.getContext();
  language = context.app.locale.toLowerCase().startsWith('en') ? 'en' : 'nl';
  show(language, textsFor(language).config.ready);
  teams.pages.config.registerOnSaveHandler((saveEvent) => {
    teams.pages.config.setConfig(meetingTabConfig(location.href, language)).then(
      () => saveEvent.notifySuccess(),
      (error: unknown) => saveEvent.notifyFailure(String(error)),
    );
  });
  teams.pages.config.setValidityState(true);
  void teams.app.notifySuccess();
}

void start();
