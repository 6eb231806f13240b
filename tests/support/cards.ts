/** Reading the Adaptive Cards the bot sends, as a test needs them. */
import type * as AdaptiveCards from 'adaptivecards';

// The Adaptive Cards SDK's own parser (the library Teams' renderers are built on), in its CommonJS build.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** What the Adaptive Cards parser says is wrong with a card: unknown elements, bad values, duplicate ids. */
export function cardProblems(card: unknown): string[] {
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`${event.phase}: ${event.message}`);
  }
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

export interface CardAction {
  type: string;
  verb?: string;
  title?: string;
  url?: string;
  data?: Record<string, unknown>;
}

export interface Card {
  body: Record<string, unknown>[];
  actions?: CardAction[];
}

/** Every action in a card, wherever it sits (card actions, ActionSets inside containers and columns). */
export function actionsOf(card: unknown): CardAction[] {
  const found: CardAction[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (typeof n.type === 'string' && n.type.startsWith('Action.')) found.push(n as unknown as CardAction);
      for (const [key, value] of Object.entries(n)) if (key !== 'fallback' && key !== 'data') walk(value);
    }
  };
  walk(card);
  return found;
}

/** The action with this verb, wherever it sits in the card. */
export const actionFor = (card: unknown, verb: string): CardAction | undefined =>
  actionsOf(card).find((a) => a.verb === verb);
