import {
  adaptiveCard,
  bulletList,
  heading,
  paragraph,
  plainText,
  subheading,
  submitAction,
  type AdaptiveCard,
} from '../../cards/adaptive-card';
import { VERBS } from '../../cards/verbs';
import type { Translate } from '../../cards/i18n';

export function welcomeCard(t: Translate, name: string | undefined): AdaptiveCard {
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
    actions: [submitAction(t('welcome.action.help'), VERBS.showHelp)],
  });
}

export function groupIntroCard(t: Translate): AdaptiveCard {
  return adaptiveCard({
    fallbackText: t('group.fallback'),
    speak: `${t('group.title')}. ${t('group.intro')}`,
    body: [heading(t('group.title')), paragraph(t('group.intro')), paragraph(t('welcome.next'))],
    actions: [submitAction(t('welcome.action.help'), VERBS.showHelp)],
  });
}
