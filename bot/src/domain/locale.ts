/** The languages the product speaks. Dutch is the default; English when Teams says the person uses English. */
export const SUPPORTED_LOCALES = ['nl', 'en'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/**
 * Maps a Teams locale (BCP 47, e.g. "en-US", "nl-NL", "EN-gb") to one of ours.
 * Anything that is not English gets the default: the product is built for Dutch organisations.
 */
export function resolveLocale(teamsLocale: string | undefined, fallback: Locale = 'nl'): Locale {
  if (!teamsLocale) return fallback;
  const language = teamsLocale.trim().toLowerCase().split(/[-_]/)[0];
  if (language === 'en') return 'en';
  if (language === 'nl') return 'nl';
  return fallback;
}

/** IANA time zone names as Teams sends them in clientInfo (e.g. "Europe/Amsterdam"); anything else is dropped. */
export function normaliseTimeZone(value: string | undefined): string | undefined {
  if (!value || value.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
