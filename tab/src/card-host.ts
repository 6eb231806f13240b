import * as AdaptiveCards from 'adaptivecards';

/**
 * Renders the bot's Adaptive Card JSON in the page with Microsoft's own renderer (`adaptivecards`), so the
 * meeting side panel and stage show a stage exactly as the chat's card describes it: one source of truth.
 * The host config follows Teams' (Segoe UI, 14 px text, its light, dark and high-contrast colours), with
 * colours picked for at least 4.5:1 contrast; the stage scales every size up so a room can read it.
 */

export type Theme = 'default' | 'dark' | 'contrast';

interface Palette {
  background: string;
  text: string;
  subtle: string;
  accent: string;
  good: string;
  warning: string;
  attention: string;
  emphasis: string;
  accentBackground: string;
  goodBackground: string;
  warningBackground: string;
  attentionBackground: string;
  separator: string;
}

const PALETTES: Record<Theme, Palette> = {
  default: {
    background: '#FFFFFF',
    text: '#242424',
    subtle: '#616161',
    accent: '#4F52B2',
    good: '#0E700E',
    warning: '#835B00',
    attention: '#B10E1C',
    emphasis: '#F5F5F5',
    accentBackground: '#E8EBFA',
    goodBackground: '#F1FAF1',
    warningBackground: '#FFF9F5',
    attentionBackground: '#FDF3F4',
    separator: '#E0E0E0',
  },
  dark: {
    background: '#292929',
    text: '#FFFFFF',
    subtle: '#D6D6D6',
    accent: '#A6A7DC',
    good: '#9FD89F',
    warning: '#FDE7A1',
    attention: '#F1BBBC',
    emphasis: '#1F1F1F',
    accentBackground: '#2F2F4A',
    goodBackground: '#052505',
    warningBackground: '#3A2A00',
    attentionBackground: '#3B1014',
    separator: '#3D3D3D',
  },
  contrast: {
    background: '#000000',
    text: '#FFFFFF',
    subtle: '#FFFFFF',
    accent: '#1AEBFF',
    good: '#3FF23F',
    warning: '#FFFF01',
    attention: '#FFFF01',
    emphasis: '#000000',
    accentBackground: '#000000',
    goodBackground: '#000000',
    warningBackground: '#000000',
    attentionBackground: '#000000',
    separator: '#FFFFFF',
  },
};

function hostConfig(theme: Theme, scale: number): AdaptiveCards.HostConfig {
  const p = PALETTES[theme];
  const px = (n: number) => Math.round(n * scale);
  const colour = (value: string) => ({ default: value, subtle: value });
  const foregroundColors = {
    default: { default: p.text, subtle: p.subtle },
    dark: colour(p.text),
    light: colour(p.subtle),
    accent: colour(p.accent),
    good: colour(p.good),
    warning: colour(p.warning),
    attention: colour(p.attention),
  };
  const style = (backgroundColor: string) => ({ backgroundColor, foregroundColors });
  return new AdaptiveCards.HostConfig({
    supportsInteractivity: false,
    fontTypes: {
      default: {
        fontFamily: "'Segoe UI', system-ui, -apple-system, sans-serif",
        fontSizes: { small: px(12), default: px(14), medium: px(14), large: px(18), extraLarge: px(24) },
        fontWeights: { lighter: 200, default: 400, bolder: 600 },
      },
      monospace: {
        fontFamily: "Consolas, 'Courier New', monospace",
        fontSizes: { small: px(12), default: px(14), medium: px(14), large: px(18), extraLarge: px(24) },
        fontWeights: { lighter: 200, default: 400, bolder: 600 },
      },
    },
    spacing: {
      small: px(4),
      default: px(8),
      medium: px(16),
      large: px(20),
      extraLarge: px(24),
      padding: px(16),
    },
    separator: { lineThickness: 1, lineColor: p.separator },
    imageSizes: { small: px(32), medium: px(52), large: px(160) },
    containerStyles: {
      default: style(p.background),
      emphasis: style(p.emphasis),
      accent: style(p.accentBackground),
      good: style(p.goodBackground),
      warning: style(p.warningBackground),
      attention: style(p.attentionBackground),
    },
    actions: {
      maxActions: 6,
      spacing: 'default',
      buttonSpacing: px(8),
      actionsOrientation: 'horizontal',
      actionAlignment: 'left',
      showCard: { actionMode: 'inline', inlineTopMargin: px(8) },
    },
  });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The little markdown Teams' cards use in our texts (**bold**, _italic_, line breaks). Everything is escaped
 * first, so nothing anyone typed ever becomes markup; people's words come as TextRuns, which are never
 * processed at all.
 */
AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|\W)_(.+?)_(?=\W|$)/g, '$1<em>$2</em>')
    .replace(/\r\n|\r|\n/g, '<br>');
  result.didProcess = true;
};

export interface RenderOptions {
  theme: Theme;
  /** 1 in the side panel; larger on the meeting stage. */
  scale: number;
  /** The card's own language (the circle's), for screen readers. */
  lang: string | undefined;
  /** Opens a link (teams-js inside Teams, a new browser tab outside). */
  openUrl: (url: string) => void;
}

/** Renders `json` into `target` (replacing what was there); false when the renderer could not. */
export function renderCard(target: HTMLElement, json: unknown, options: RenderOptions): boolean {
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = hostConfig(options.theme, options.scale);
  card.onExecuteAction = (action) => {
    if (action instanceof AdaptiveCards.OpenUrlAction && action.url) options.openUrl(action.url);
  };
  card.parse(json, new AdaptiveCards.SerializationContext());
  const element = card.render();
  if (!element) return false;
  if (options.lang) element.lang = options.lang;
  target.replaceChildren(element);
  return true;
}
