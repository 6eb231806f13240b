import { textsFor, type Language } from './texts';

/**
 * The meeting tab as its configuration page hands it to Teams (`pages.config.setConfig`): the side panel
 * page next to the configuration page, so it is served from the same host as the manifest's
 * configurationUrl (one of the app's validDomains). No DOM here: the manifest test reads it too.
 */
export const MEETING_TAB_ENTITY_ID = 'prof-cirkel-sessie';

export interface MeetingTabConfig {
  entityId: string;
  contentUrl: string;
  websiteUrl: string;
  suggestedDisplayName: string;
}

export function meetingTabConfig(configPageUrl: string, language: Language): MeetingTabConfig {
  const page = new URL('meeting.html', configPageUrl);
  page.search = '';
  page.hash = '';
  const url = page.toString();
  return {
    entityId: MEETING_TAB_ENTITY_ID,
    contentUrl: url,
    websiteUrl: url,
    suggestedDisplayName: textsFor(language).config.tabName,
  };
}
