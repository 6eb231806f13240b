/**
 * Verbs of card actions, shared by the card that shows the button and the handler that answers it.
 * A verb is data a client sends back: handlers treat the rest of the payload as untrusted input.
 */
export const VERBS = {
  showHelp: 'help.show',
  trajectSave: 'traject.save',
  trajectEdit: 'traject.edit',
} as const;
