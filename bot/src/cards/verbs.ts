/**
 * Verbs of card actions, shared by the card that shows the button and the handler that answers it.
 * A verb is data a client sends back: handlers treat the rest of the payload as untrusted input.
 */
export const VERBS = {
  showHelp: 'help.show',
  trajectSave: 'traject.save',
  trajectEdit: 'traject.edit',
  trajectSuggest: 'traject.suggest',
  trajectSuggestionTake: 'traject.suggestion.take',
  trajectSuggestionLeave: 'traject.suggestion.leave',
  circleForm: 'circle.form',
  circleLeave: 'circle.leave',
  circleAddForm: 'circle.addForm',
  circleAdd: 'circle.add',
  planPreview: 'plan.preview',
  planConfirm: 'plan.confirm',
  planChange: 'plan.change',
  planManage: 'plan.manage',
  planCancelCycle: 'plan.cancelCycle',
  planCancelSession: 'plan.cancelSession',
  planMoveSession: 'plan.moveSession',
  planFindSlot: 'plan.findSlot',
  planMoveCycle: 'plan.moveCycle',
  meetingLink: 'meeting.link',
} as const;
