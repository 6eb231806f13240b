import { mapDraftTexts, type ProposalDraft } from './proposal-draft';
import { renderPeople } from './person-ref';
import type { SessionState } from './session';

/**
 * The session as people see it: every person token in what the service wrote (the draft, the decision, what
 * the day before left) replaced by the member's name from the session's membership, "een oud-lid" for
 * someone erased and "een collega" for anyone else. Card renderers take this, never the stored state, so no
 * token reaches a card and no name is stored with the draft.
 */
export function sessionWithNames(state: SessionState): SessionState {
  const names = new Map(state.header.members.map((m) => [m.aadObjectId.toLowerCase(), m.name]));
  const show = (text: string) => renderPeople(text, (ref) => names.get(ref), state.header.locale);
  const draftWithNames = (d: ProposalDraft): ProposalDraft => mapDraftTexts(d, show);
  const { header, draft, decision } = state;
  return {
    ...state,
    header: {
      ...header,
      carried: {
        ...header.carried,
        proposals: header.carried.proposals.map((p) => ({ ...p, title: show(p.title) })),
        openQuestions: header.carried.openQuestions.map(show),
        situations: header.carried.situations.map((s) => ({ ...s, text: show(s.text) })),
      },
    },
    draft:
      draft?.result === undefined
        ? draft
        : { ...draft, result: { ...draft.result, draft: draftWithNames(draft.result.draft) } },
    decision: decision === undefined ? undefined : { ...decision, final: draftWithNames(decision.final) },
  };
}
