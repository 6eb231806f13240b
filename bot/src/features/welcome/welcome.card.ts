import {
  adaptiveCard,
  bulletList,
  heading,
  paragraph,
  plainText,
  sendTextAction,
  subheading,
  type AdaptiveCard,
} from '../../cards/adaptive-card';
import { COMMANDS } from '../../cards/commands';
import type { Translate } from '../../cards/i18n';
import type { Locale } from '../../domain/locale';

export function welcomeCard(t: Translate, locale: Locale, name: string | undefined): AdaptiveCard {
  const helpWord = COMMANDS.help.words[locale][0] ?? 'help';
  return adaptiveCard({
    fallbackText: t('welcome.fallback'),
    speak: `${t('welcome.title')}. ${t('welcome.intro')}`,
    body: [
      heading(t('welcome.title')),
      ...(name ? [plainText(t('welcome.greeting', { name }))] : []),
      paragraph(t('welcome.intro')),
      subheading(t('welcome.howHeading')),
      bulletList([
        t('welcome.how.circle'),
        t('welcome.how.cycle'),
        t('welcome.how.traject'),
        t('welcome.how.talent'),
      ]),
      paragraph(t('welcome.accountability'), { subtle: true }),
      paragraph(t('welcome.next')),
    ],
    actions: [sendTextAction(t('welcome.action.help'), helpWord)],
  });
}

export function groupIntroCard(t: Translate, locale: Locale): AdaptiveCard {
  const helpWord = COMMANDS.help.words[locale][0] ?? 'help';
  return adaptiveCard({
    fallbackText: t('group.fallback'),
    speak: `${t('group.title')}. ${t('group.intro')}`,
    body: [heading(t('group.title')), paragraph(t('group.intro')), paragraph(t('welcome.next'))],
    actions: [sendTextAction(t('welcome.action.help'), helpWord)],
  });
}
