import type { Locale } from '../../domain/locale';
import { en } from './en';
import { nl, type MessageKey } from './nl';

export type { MessageKey } from './nl';

const catalogues: Record<Locale, Record<MessageKey, string>> = { nl, en };

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

/**
 * Looks a text up in the catalogue of one language and fills `{name}` placeholders.
 * Parameter values are inserted as they are; card renderers escape what people typed.
 */
export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, params) => {
    const text = catalogue[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (match, name: string) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match,
    );
  };
}
