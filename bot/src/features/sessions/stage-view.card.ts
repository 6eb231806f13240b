import { adaptiveCard, heading, paragraph, plainText, type AdaptiveCard } from '../../cards/adaptive-card';
import { sessionWithNames } from '../../domain/session-names';
import { AI_STAGE_INDEX, EVALUATION_STAGE_INDEX, type SessionState } from '../../domain/session';
import { draftElements, ratingsText, sessionCard, type SessionCardView } from './session.card';

/**
 * What the meeting stage shows, for everyone in the meeting to read together: the improvement proposal
 * (the circle's decision once there is one, else the draft while the circle is at the AI or evaluation
 * stage), or before that the session's own card as the chat shows it to everyone. Always read-only: people
 * act on the card in the meeting chat. Built from the same elements as the chat's card (`draftElements`,
 * `sessionCard`), so a proposal looks the same everywhere.
 */
export function stageViewCard(stored: SessionState, view: SessionCardView): AdaptiveCard {
  const state = sessionWithNames(stored);
  const { t } = view;
  const everyone: SessionCardView = { ...view, viewer: undefined, readOnly: true, notice: undefined };
  const { header } = state;
  const title =
    header.dayIndex === undefined
      ? t('session.kickoff.titleSingle', { circle: header.circleName })
      : t('session.kickoff.title', { n: header.dayIndex + 1, circle: header.circleName });
  const provenance = state.draft?.result?.provenance ?? { source: 'contributions' as const };

  if (state.decision) {
    const { final, kind, reason } = state.decision;
    const fallbackText = t('session.stageView.fallback', { circle: header.circleName, title: final.title });
    return adaptiveCard({
      fallbackText,
      speak: fallbackText,
      body: [
        paragraph(title, { subtle: true }),
        heading(t('session.stageView.decidedHeading', { decision: t(`session.decision.${kind}`) })),
        ...(reason ? [plainText(t('session.summary.reason', { reason }))] : []),
        ...draftElements(state, t, final, provenance, kind === 'adapt'),
      ],
      fullWidth: true,
    });
  }

  const draft = state.draft?.status === 'ready' ? state.draft.result : undefined;
  // A circle that went back to the brainstorm is shown the brainstorm, not the draft it will redo.
  if (draft && state.phase === 'stages' && state.stageIndex >= AI_STAGE_INDEX) {
    const fallbackText = t('session.stageView.fallback', {
      circle: header.circleName,
      title: draft.draft.title,
    });
    return adaptiveCard({
      fallbackText,
      speak: fallbackText,
      body: [
        paragraph(title, { subtle: true }),
        heading(t('session.stageView.draftHeading')),
        ...draftElements(state, t, draft.draft, draft.provenance),
        ...(state.stageIndex === EVALUATION_STAGE_INDEX
          ? [paragraph(ratingsText(state, t) ?? t('session.rate.none'))]
          : []),
      ],
      fullWidth: true,
    });
  }

  return sessionCard(state, everyone);
}
