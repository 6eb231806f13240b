/**
 * Where a card's "open my Prof-traject" button leads. Inside Teams a deep link opens the personal tab
 * (needs the Teams app id of the manifest); without one, the tab page itself opens in a browser.
 */

/** The personal tab's entityId in the manifest; the manifest template uses the same value. */
export const TRAJECT_TAB_ENTITY_ID = 'mijn-prof-traject';

export function trajectTabLink(options: { publicUrl: string; teamsAppId: string | undefined }): string {
  if (options.teamsAppId) {
    return `https://teams.microsoft.com/l/entity/${encodeURIComponent(options.teamsAppId)}/${TRAJECT_TAB_ENTITY_ID}`;
  }
  return `${options.publicUrl}/tab/`;
}
