import {
  adaptiveCard,
  heading,
  paragraph,
  type AdaptiveCard,
  type CardElement,
} from '../../cards/adaptive-card';
import type { CommandSpec } from '../../cards/commands';
import type { Translate } from '../../cards/i18n';
import type { Locale } from '../../domain/locale';

export function helpCard(t: Translate, locale: Locale, commands: readonly CommandSpec[]): AdaptiveCard {
  const rows: CardElement[] = commands.map((command) => ({
    type: 'ColumnSet',
    columns: [
      {
        type: 'Column',
        width: 'auto',
        items: [{ type: 'TextBlock', text: `**${command.words[locale].join(', ')}**`, wrap: true }],
      },
      {
        type: 'Column',
        width: 'stretch',
        items: [{ type: 'TextBlock', text: t(command.description), wrap: true }],
      },
    ],
  }));
  return adaptiveCard({
    fallbackText: t('help.fallback'),
    speak: `${t('help.title')}. ${commands.map((c) => `${c.words[locale][0]}: ${t(c.description)}`).join('. ')}`,
    body: [heading(t('help.title')), paragraph(t('help.intro')), ...rows],
  });
}
