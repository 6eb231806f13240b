import type * as TeamsJs from '@microsoft/teams-js';

/**
 * teams-js when the page runs inside Teams, else undefined. Teams hosts a tab in an iframe (web, desktop) or
 * a webview with a native interface (mobile). Elsewhere initialize() is not called: it would never settle,
 * and on load teams-js fetches its list of valid origins from a CDN, so it is loaded only when hosted. Inside,
 * initialize() gets a moment to answer. One place for every page (personal tab, meeting pages, configuration).
 */
export async function insideTeams(): Promise<typeof TeamsJs | undefined> {
  const hosted = window.self !== window.top || 'nativeInterface' in window;
  if (!hosted) return undefined;
  const teams = await import('@microsoft/teams-js');
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1500));
  const initialized = teams.app.initialize().then(
    () => true,
    () => false,
  );
  return (await Promise.race([initialized, timeout])) ? teams : undefined;
}
