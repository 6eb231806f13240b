import { CardFactory, type Attachment } from 'botbuilder';

/**
 * Adaptive Card 1.5 is what Teams renders on desktop, web and mobile (universal actions included).
 * Cards are plain JSON; this file only keeps their outer shape consistent.
 */
export const CARD_VERSION = '1.5';

export type CardElement = Record<string, unknown> & { type: string };

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  /** Read by screen readers and shown by clients that cannot render the card. */
  speak?: string;
  fallbackText: string;
  body: CardElement[];
  actions?: CardElement[];
  msteams?: { width?: 'Full' };
  /**
   * Universal actions' refresh: Teams invokes `action` for each of `userIds` (user MRIs, at most 60) when they
   * see the card, so each person gets their own view of it.
   */
  refresh?: { action: CardElement; userIds: string[] };
}

export function adaptiveCard(parts: {
  body: CardElement[];
  actions?: CardElement[];
  fallbackText: string;
  speak?: string;
  refresh?: AdaptiveCard['refresh'];
  fullWidth?: boolean;
}): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText: parts.fallbackText,
    ...(parts.speak ? { speak: parts.speak } : {}),
    body: parts.body,
    ...(parts.actions && parts.actions.length > 0 ? { actions: parts.actions } : {}),
    ...(parts.refresh ? { refresh: parts.refresh } : {}),
    ...(parts.fullWidth ? { msteams: { width: 'Full' as const } } : {}),
  };
}

export function toAttachment(card: AdaptiveCard): Attachment {
  return CardFactory.adaptiveCard(card);
}

export const heading = (text: string): CardElement => ({
  type: 'TextBlock',
  text,
  style: 'heading',
  size: 'Large',
  weight: 'Bolder',
  wrap: true,
});

export const subheading = (text: string): CardElement => ({
  type: 'TextBlock',
  text,
  style: 'heading',
  size: 'Medium',
  weight: 'Bolder',
  wrap: true,
  spacing: 'Medium',
});

export const paragraph = (text: string, options: { subtle?: boolean } = {}): CardElement => ({
  type: 'TextBlock',
  text,
  wrap: true,
  ...(options.subtle ? { isSubtle: true } : {}),
});

export const bulletList = (items: readonly string[]): CardElement => ({
  type: 'TextBlock',
  text: items.map((item) => `- ${item}`).join('\r'),
  wrap: true,
});

/**
 * A button that posts `{ verb }` back to the bot as a message (Action.Submit). Not `msteams.imBack`:
 * the Agents Playground fails on any `msteams` key in submit data ("object is not extensible").
 */
export const submitAction = (title: string, verb: string): CardElement => ({
  type: 'Action.Submit',
  title,
  data: { verb },
});

/**
 * A universal action (Action.Execute): the answer replaces the card. Clients without universal actions get
 * an Action.Submit with the same data and the verb, which the handlers answer with a new message.
 * `extra` holds further properties such as `style`.
 */
export function executeAction(
  title: string,
  verb: string,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): CardElement {
  return {
    type: 'Action.Execute',
    verb,
    title,
    data,
    ...extra,
    fallback: { type: 'Action.Submit', title, data: { ...data, verb } },
  };
}

/**
 * A button that opens a small form under the card (Action.ShowCard). The inner card is a card without
 * `$schema` and `version`, which belong to the outer card only.
 */
export function showCard(
  title: string,
  parts: { body: CardElement[]; actions?: CardElement[] },
): CardElement {
  const { $schema: _schema, version: _version, ...card } = adaptiveCard({ fallbackText: title, ...parts });
  return { type: 'Action.ShowCard', title, card };
}

/**
 * Text that contains what people typed or what Teams sent (names): a RichTextBlock's TextRun is not
 * read as markdown, so a name like "*Jan*" shows as it is instead of changing the layout.
 */
export const plainText = (
  text: string,
  options: { weight?: 'Bolder'; size?: 'Medium' | 'Large' } = {},
): CardElement => ({
  type: 'RichTextBlock',
  inlines: [{ type: 'TextRun', text, ...options }],
});
