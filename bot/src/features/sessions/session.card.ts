import { DateTime } from 'luxon';
import {
  adaptiveCard,
  executeAction,
  heading,
  paragraph,
  plainText,
  showCard,
  subheading,
  type AdaptiveCard,
  type CardElement,
} from '../../cards/adaptive-card';
import type { MessageKey, Translate } from '../../cards/i18n';
import { VERBS } from '../../cards/verbs';
import type { ProposalDraft } from '../../domain/proposal-draft';
import {
  AVERAGE_MIN_PEOPLE,
  averageEnergy,
  averageRatings,
  contributionsOf,
  currentStage,
  ERASED_MEMBER,
  EVALUATION_STAGE_INDEX,
  memberName,
  SESSION_LIMITS,
  stageEndsAt,
  type SessionState,
} from '../../domain/session';
import { sessionWithNames } from '../../domain/session-names';
import type { SessionProblem } from '../../domain/session.service';
import { DIDACTIC_QUESTIONS, type DidacticQuestion } from '../../domain/traject';
import { STAGE_KINDS, type Stage, type Videoframe } from '../../domain/videoframe';

/**
 * The one card a session lives in, updated in place: the kick-off, the five stages, the summary. The same
 * JSON is what the meeting side panel and the meeting stage render (tab/), so there is one source of truth
 * for how a stage looks. Everything people typed is shown as TextRuns (never markdown).
 */
export interface SessionCardView {
  t: Translate;
  /** The person looking (their own contributions, check-in and judgement are marked); undefined: everyone. */
  viewer: string | undefined;
  /** Videoframes to choose from on the kick-off card. */
  frames: readonly Videoframe[];
  /**
   * Whether an AI model is configured: the AI stage offers "try again" only then, and without one the stage
   * is named as the circle's own draft (draftIsOwn).
   */
  modelAvailable: boolean;
  /** A line at the top: why nothing changed (a stale card, a refused input). */
  notice?: { key: MessageKey; params?: Record<string, string | number> } | undefined;
  /** Read-only (the meeting stage, a closed session): no inputs, no buttons. */
  readOnly?: boolean;
  /** People stay person tokens (a card that waits in the outbox, whose sender puts the names in). */
  keepTokens?: boolean;
}

export function problemNotice(problem: SessionProblem): SessionCardView['notice'] {
  const key = `session.problem.${problem}` as MessageKey;
  return problem === 'too_long' ? { key, params: { max: SESSION_LIMITS.contributionMaxLength } } : { key };
}

const luxonLocale = (locale: string) => (locale === 'en' ? 'en-GB' : 'nl-NL');

function clock(iso: string, state: SessionState): string {
  return DateTime.fromISO(iso, { zone: state.header.timeZone })
    .setLocale(luxonLocale(state.header.locale))
    .toFormat('HH:mm');
}

const base = (state: SessionState, extra: Record<string, unknown> = {}) => ({
  sessionId: state.header.id,
  rev: state.stageRev,
  ...extra,
});

function nameOf(state: SessionState, t: Translate, aad: string): string {
  if (aad === ERASED_MEMBER) return t('session.contribution.erased');
  return memberName(state, aad) ?? t('session.contribution.erased');
}

function textRun(text: string, options: Record<string, unknown> = {}) {
  return { type: 'TextRun', text, ...options };
}

function sectionText(label: string, text: string): CardElement {
  return {
    type: 'RichTextBlock',
    inlines: [textRun(`${label}: `, { weight: 'Bolder' }), textRun(text)],
  };
}

function notice(view: SessionCardView): CardElement[] {
  if (!view.notice) return [];
  return [
    {
      type: 'Container',
      style: 'warning',
      items: [paragraph(view.t(view.notice.key, view.notice.params))],
    },
  ];
}

/** The refresh that gives each member their own view (Teams allows at most 60 user ids). */
function refreshFor(state: SessionState, userIds: readonly string[]): AdaptiveCard['refresh'] {
  if (state.closed) return undefined;
  return {
    action: { type: 'Action.Execute', verb: VERBS.sessionRefresh, data: { sessionId: state.header.id } },
    userIds: userIds.slice(0, SESSION_LIMITS.refreshUsersMax),
  };
}

/**
 * `refreshUserIds`: only for the shared message (sent or updated by the bot), never for an invoke's answer.
 * teams-ai (1.7) turns any answered card that has a `refresh` into "replace for all": it PUTs that person's
 * own view over the shared message. With each member's client refreshing, that would flip the message
 * between their views and make every client refresh again. The answer is the person's view; the bot then
 * updates the shared message itself (with the refresh), after the answer.
 */
export function sessionCard(
  stored: SessionState,
  view: SessionCardView,
  refreshUserIds: readonly string[] | undefined = undefined,
): AdaptiveCard {
  // What the service stored refers to people by token; the card names them (domain/person-ref.ts).
  const state = view.keepTokens ? stored : sessionWithNames(stored);
  const { t } = view;
  const readOnly = view.readOnly === true || state.closed !== undefined;
  const parts =
    state.phase === 'kickoff'
      ? kickoffParts(state, view, readOnly)
      : state.phase === 'stages'
        ? stageParts(state, view, readOnly)
        : summaryParts(state, view, readOnly);
  const stageTitle =
    state.phase === 'stages' && state.setup
      ? currentStageTitle(state, view)
      : state.phase === 'summary'
        ? t('session.summary.title')
        : t('session.action.start');
  const fallbackText = t('session.fallback', { circle: state.header.circleName, stage: stageTitle });
  return adaptiveCard({
    fallbackText,
    speak: fallbackText,
    body: [...notice(view), ...parts.body],
    actions: readOnly ? [] : parts.actions,
    refresh: readOnly || !refreshUserIds ? undefined : refreshFor(state, refreshUserIds),
    fullWidth: true,
  });
}

/**
 * Whether the AI stage's draft is, or will be, the circle's own rather than a model's: no model is
 * configured, the circle went on without AI, or the draft was put together from their contributions. The
 * frame's title and intro for that stage speak of an AI model, so the card then names and introduces it
 * from the catalogue: "AI" stays only where a model wrote the text, or on a button that offers to ask one.
 */
export function draftIsOwn(state: SessionState, modelAvailable: boolean): boolean {
  const draft = state.draft;
  if (draft?.result) return draft.result.provenance.source === 'contributions';
  // Without a model, runDraft puts the draft together itself, whatever was asked for.
  if (draft?.status === 'drafting') return !draft.withModel || !modelAvailable;
  return !modelAvailable;
}

/** A stage's title and intro as the card shows them: the frame's, except for the circle's own draft. */
function stageTexts(
  state: SessionState,
  view: Pick<SessionCardView, 't' | 'modelAvailable'>,
  stage: Stage,
): { title: string; prompt: string } {
  if (stage.kind === 'ai_proposal' && draftIsOwn(state, view.modelAvailable))
    return { title: view.t('session.ownDraft.title'), prompt: view.t('session.ownDraft.intro') };
  return { title: stage.title[state.header.locale], prompt: stage.prompt[state.header.locale] };
}

/** The title of the stage the circle is at ('' outside the stages), as the card and the side panel name it. */
export function currentStageTitle(
  state: SessionState,
  view: Pick<SessionCardView, 't' | 'modelAvailable'>,
): string {
  const stage = state.phase === 'stages' ? state.setup?.frame.stages[state.stageIndex] : undefined;
  return stage ? stageTexts(state, view, stage).title : '';
}

function titleOf(state: SessionState, t: Translate): string {
  const { header } = state;
  return header.dayIndex === undefined
    ? t('session.kickoff.titleSingle', { circle: header.circleName })
    : t('session.kickoff.title', { n: header.dayIndex + 1, circle: header.circleName });
}

function kickoffParts(
  state: SessionState,
  view: SessionCardView,
  readOnly: boolean,
): { body: CardElement[]; actions: CardElement[] } {
  const { t } = view;
  const { header } = state;
  const locale = header.locale;
  const body: CardElement[] = [heading(titleOf(state, t)), paragraph(t('session.kickoff.intro'))];

  const carried = header.carried;
  if (carried.proposals.length > 0 || carried.openQuestions.length > 0) {
    const items: CardElement[] = [subheading(t('session.kickoff.carriedHeading'))];
    for (const p of carried.proposals) {
      items.push(
        plainText(
          t('session.kickoff.carriedProposal', {
            day: p.dayIndex + 1,
            title: p.title,
            decision: t(`session.decision.${p.decision}`),
          }),
        ),
      );
    }
    if (carried.openQuestions.length > 0) {
      items.push(paragraph(t('session.kickoff.openQuestions'), { subtle: true }));
      for (const q of carried.openQuestions) items.push(plainText(`• ${q}`));
    }
    body.push({ type: 'Container', style: 'emphasis', items });
  }

  // The vitality check-in: one tap; the circle's average only, once it can no longer change (GroupAverage).
  body.push(subheading(t('session.checkin.heading')), paragraph(t('session.checkin.hint'), { subtle: true }));
  body.push(paragraph(energyText(state, t) ?? t('session.checkin.none')));
  const mine = view.viewer ? state.checkins[view.viewer] : undefined;
  if (mine !== undefined) body.push(paragraph(t('session.checkin.mine', { energy: mine }), { subtle: true }));
  if (!readOnly) {
    body.push({
      type: 'ActionSet',
      actions: [1, 2, 3, 4, 5].map((n) =>
        executeAction(String(n), VERBS.sessionCheckIn, base(state, { energy: n }), {
          tooltip: t('session.checkin.action', { energy: n }),
          ...(mine === n ? { style: 'positive' } : {}),
        }),
      ),
    });
  }
  if (readOnly) return { body, actions: [] };

  const frames = view.frames;
  const defaultFrame = frames[0];
  body.push({
    type: 'Input.ChoiceSet',
    id: 'frameId',
    label: t('session.field.frame'),
    isRequired: true,
    errorMessage: t('session.field.frame'),
    value: defaultFrame?.id ?? '',
    choices: frames.map((f) => ({ title: f.title[locale], value: f.id })),
  });
  const situations = carried.situations;
  body.push({
    type: 'Input.ChoiceSet',
    id: 'situation',
    label: t('session.field.situation'),
    isRequired: true,
    errorMessage: t('session.field.situation'),
    value: situations.length > 0 ? situations[situations.length - 1]!.fromSessionId : 'new',
    choices: [
      ...situations.map((s) => ({
        title: t('session.field.situationCarried', { text: clip(s.text, 80) }),
        value: s.fromSessionId,
      })),
      { title: t('session.field.situationNew'), value: 'new' },
    ],
  });
  body.push({
    type: 'Input.Text',
    id: 'newSituation',
    label: t('session.field.newSituation'),
    placeholder: t('session.field.newSituationPlaceholder'),
    maxLength: SESSION_LIMITS.situationMaxLength,
    isMultiline: true,
  });
  body.push({
    type: 'Input.ChoiceSet',
    id: 'question',
    label: t('session.field.question'),
    value: carried.question === undefined ? 'none' : String(carried.question),
    choices: [
      { title: t('session.field.noQuestion'), value: 'none' },
      ...DIDACTIC_QUESTIONS.map((q) => ({ title: `${q}. ${t(`question.${q}`)}`, value: String(q) })),
    ],
    wrap: true,
  });

  const timeboxes = header.defaults.timeboxes;
  const settings = showCard(t('session.settings.title'), {
    body: [
      paragraph(t('session.settings.intro'), { subtle: true }),
      {
        type: 'Input.Toggle',
        id: 'anonymous',
        title: t('session.settings.anonymous'),
        value: header.defaults.anonymousBrainstorm ? 'true' : 'false',
        valueOn: 'true',
        valueOff: 'false',
      },
      ...STAGE_KINDS.map((kind, i) => ({
        type: 'Input.Number',
        id: `timebox${i}`,
        label: t('session.settings.timebox', {
          stage: defaultFrame?.stages[i] ? stageTexts(state, view, defaultFrame.stages[i]).title : kind,
        }),
        min: 1,
        max: 60,
        value: timeboxes[i] ?? defaultFrame?.stages[i]?.timeboxMinutes ?? 10,
      })),
    ],
  });
  return {
    body,
    actions: [
      executeAction(t('session.action.start'), VERBS.sessionBegin, base(state), { style: 'positive' }),
      settings,
    ],
  };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function stageMedia(stage: Stage, t: Translate, locale: 'nl' | 'en'): CardElement[] {
  const media = stage.media;
  if (!media) return [];
  const title = media.title[locale];
  if (media.kind === 'image') {
    return [
      {
        type: 'Image',
        url: media.url,
        altText: media.altText?.[locale] ?? title,
        size: 'Large',
        selectAction: { type: 'Action.OpenUrl', url: media.url, title: t('session.media.image', { title }) },
      },
    ];
  }
  return [
    {
      type: 'ActionSet',
      actions: [
        {
          type: 'Action.OpenUrl',
          url: media.url,
          title: t(media.kind === 'video' ? 'session.media.video' : 'session.media.podcast', { title }),
        },
      ],
    },
  ];
}

function contributionList(
  state: SessionState,
  view: SessionCardView,
  kind: 'analysis' | 'problem' | 'brainstorm',
): CardElement[] {
  const { t } = view;
  const all = contributionsOf(state, kind);
  const anonymous = kind === 'brainstorm' && state.setup?.anonymousBrainstorm === true;
  const shown = all.slice(-SESSION_LIMITS.contributionsShownPerStage);
  const items: CardElement[] = [subheading(t('session.contributions.heading', { count: all.length }))];
  if (all.length === 0) items.push(paragraph(t('session.contributions.none'), { subtle: true }));
  if (all.length > shown.length)
    items.push(
      paragraph(t('session.contributions.more', { count: all.length - shown.length }), { subtle: true }),
    );
  for (const c of shown) {
    const mine = view.viewer !== undefined && c.by.toLowerCase() === view.viewer.toLowerCase();
    const author = anonymous ? t('session.contribution.anonymous') : nameOf(state, t, c.by);
    items.push({
      type: 'RichTextBlock',
      inlines: [
        textRun(`${author}${mine ? ` ${t('session.contribution.mine')}` : ''}: `, { weight: 'Bolder' }),
        textRun(c.text),
      ],
    });
  }
  return items;
}

function stageParts(
  state: SessionState,
  view: SessionCardView,
  readOnly: boolean,
): { body: CardElement[]; actions: CardElement[] } {
  const { t } = view;
  const setup = state.setup!;
  const locale = state.header.locale;
  const kind = currentStage(state);
  const stage = setup.frame.stages[state.stageIndex]!;
  const texts = stageTexts(state, view, stage);
  const endsAt = stageEndsAt(state);
  // The check-in's average, now that it is final, where the circle starts working.
  const energy = state.stageIndex === 0 ? energyText(state, t) : undefined;
  const body: CardElement[] = [
    paragraph(titleOf(state, t), { subtle: true }),
    heading(t('session.stage.progress', { n: state.stageIndex + 1, title: texts.title })),
    {
      type: 'TextBlock',
      text: t('session.stage.timebox', {
        minutes: setup.timeboxes[state.stageIndex] ?? stage.timeboxMinutes,
        until: endsAt ? clock(endsAt, state) : '',
      }),
      wrap: true,
      isSubtle: true,
      spacing: 'None',
    },
    ...(energy ? [paragraph(energy, { subtle: true })] : []),
    sectionText(t('session.stage.situation'), setup.situation.text),
    ...(setup.question === undefined
      ? []
      : [sectionText(t('session.stage.question'), t(`question.${setup.question}`))]),
    paragraph(texts.prompt),
    ...stageMedia(stage, t, locale),
  ];
  if (stage.surprise) {
    body.push({
      type: 'Container',
      style: 'accent',
      items: [
        {
          type: 'TextBlock',
          text: t(`session.surprise.${stage.surprise.kind}`),
          weight: 'Bolder',
          wrap: true,
        },
        paragraph(stage.surprise.text[locale]),
      ],
    });
  }

  const actions: CardElement[] = [];
  const back = (extra: Record<string, unknown> = {}) =>
    executeAction(
      t('session.action.back'),
      VERBS.sessionMove,
      base(state, { from: state.stageIndex, to: state.stageIndex - 1 }),
      extra,
    );
  const next = () =>
    executeAction(
      t('session.action.next'),
      VERBS.sessionMove,
      base(state, { from: state.stageIndex, to: state.stageIndex + 1 }),
      { style: 'positive' },
    );

  if (kind === 'analysis' || kind === 'problem' || kind === 'brainstorm') {
    if (kind === 'brainstorm') {
      const problem = contributionsOf(state, 'problem');
      // The latest statements only: the card must stay within Teams' size limit however long the list.
      const latest = problem.slice(-2).map((c) => c.text);
      if (latest.length > 0) body.push(sectionText(t('session.earlier.problem'), latest.join(' / ')));
    }
    body.push(...contributionList(state, view, kind));
    if (!readOnly) {
      body.push(
        {
          type: 'Input.Text',
          id: 'contribution',
          label: t('session.field.contribution'),
          placeholder: t(`session.field.contribution.${kind}`),
          maxLength: SESSION_LIMITS.contributionMaxLength,
          isMultiline: true,
        },
        {
          type: 'ActionSet',
          actions: [
            executeAction(
              t('session.action.add'),
              VERBS.sessionContribute,
              base(state, { stage: state.stageIndex }),
            ),
          ],
        },
      );
    }
    if (state.stageIndex > 0) actions.push(back());
    actions.push(next());
    return { body, actions };
  }

  if (kind === 'ai_proposal') {
    const draft = state.draft;
    const own = draftIsOwn(state, view.modelAvailable);
    if (!draft || draft.status === 'drafting') {
      body.push({
        type: 'Container',
        style: 'emphasis',
        items: [paragraph(t(own ? 'session.draft.assembling' : 'session.draft.drafting'))],
      });
    } else if (draft.status === 'failed' && !view.modelAvailable) {
      // A model failed, and there is none any more (the service restarted without one): only the own way on.
      body.push({ type: 'Container', style: 'emphasis', items: [paragraph(t('session.draft.ownNext'))] });
      actions.push(
        executeAction(t('session.draft.assemble'), VERBS.sessionRedraft, base(state, { withModel: false }), {
          style: 'positive',
        }),
      );
    } else if (draft.status === 'failed') {
      body.push({
        type: 'Container',
        style: 'attention',
        items: [
          paragraph(t(`session.draft.failed.${draft.reason ?? 'failed'}`)),
          paragraph(t('session.draft.failedNext')),
        ],
      });
      if (view.modelAvailable)
        actions.push(
          executeAction(t('session.draft.retry'), VERBS.sessionRedraft, base(state, { withModel: true }), {
            style: 'positive',
          }),
        );
      actions.push(
        executeAction(t('session.draft.withoutAi'), VERBS.sessionRedraft, base(state, { withModel: false })),
      );
    } else if (draft.result) {
      body.push(...draftElements(state, t, draft.result.draft, draft.result.provenance));
      actions.push(next());
      // After the circle's own draft, the button offers the model and says so: an offer to send their
      // words (names replaced) to an AI model, not a claim that one wrote anything.
      if (view.modelAvailable)
        actions.push(
          executeAction(
            t(own ? 'session.draft.askAi' : 'session.draft.another'),
            VERBS.sessionRedraft,
            base(state, { withModel: true }),
          ),
        );
    }
    actions.unshift(back());
    return { body, actions };
  }

  // Evaluation and validation.
  const draft = state.draft?.result;
  if (draft) body.push(...draftElements(state, t, draft.draft, draft.provenance));
  body.push(
    subheading(t('session.rate.heading')),
    paragraph(ratingsText(state, t) ?? t('session.rate.none')),
  );
  const mine = view.viewer ? state.ratings[view.viewer] : undefined;
  if (mine) body.push(paragraph(t('session.rate.mine', mine), { subtle: true }));
  if (!readOnly && draft) {
    const scale = [1, 2, 3, 4, 5].map((n) => ({ title: String(n), value: String(n) }));
    body.push(
      {
        type: 'ColumnSet',
        columns: [
          {
            type: 'Column',
            width: 'stretch',
            items: [
              {
                type: 'Input.ChoiceSet',
                id: 'usefulness',
                label: t('session.rate.usefulness'),
                isRequired: true,
                errorMessage: t('session.rate.usefulness'),
                value: String(mine?.usefulness ?? 3),
                choices: scale,
              },
            ],
          },
          {
            type: 'Column',
            width: 'stretch',
            items: [
              {
                type: 'Input.ChoiceSet',
                id: 'feasibility',
                label: t('session.rate.feasibility'),
                isRequired: true,
                errorMessage: t('session.rate.feasibility'),
                value: String(mine?.feasibility ?? 3),
                choices: scale,
              },
            ],
          },
        ],
      },
      {
        type: 'ActionSet',
        actions: [
          executeAction(
            t('session.rate.action'),
            VERBS.sessionRate,
            base(state, { stage: EVALUATION_STAGE_INDEX }),
          ),
        ],
      },
      subheading(t('session.decide.heading')),
    );
    const d = draft.draft;
    const adapt = showCard(t('session.decide.adapt'), {
      body: [
        paragraph(t('session.decide.adaptIntro')),
        {
          type: 'Input.Text',
          id: 'title',
          label: t('session.field.title'),
          value: d.title,
          maxLength: 120,
          isRequired: true,
          errorMessage: t('session.field.title'),
        },
        {
          type: 'Input.Text',
          id: 'summary',
          label: t('session.field.summary'),
          value: d.summary,
          maxLength: 1200,
          isMultiline: true,
          isRequired: true,
          errorMessage: t('session.field.summary'),
        },
        {
          type: 'Input.Text',
          id: 'steps',
          label: t('session.field.steps'),
          value: d.steps.join('\n'),
          maxLength: 2400,
          isMultiline: true,
        },
        {
          type: 'Input.Text',
          id: 'expectedEffect',
          label: t('session.field.effect'),
          value: d.expectedEffect,
          maxLength: 600,
          isMultiline: true,
        },
      ],
      actions: [
        executeAction(
          t('session.decide.confirmAdapt'),
          VERBS.sessionDecide,
          base(state, { decision: 'adapt' }),
          { style: 'positive' },
        ),
      ],
    });
    const reject = showCard(t('session.decide.reject'), {
      body: [
        paragraph(t('session.decide.rejectIntro')),
        {
          type: 'Input.Text',
          id: 'reason',
          label: t('session.field.reason'),
          maxLength: SESSION_LIMITS.reasonMaxLength,
          isMultiline: true,
          isRequired: true,
          errorMessage: t('session.problem.reason_required'),
        },
      ],
      actions: [
        executeAction(
          t('session.decide.confirmReject'),
          VERBS.sessionDecide,
          base(state, { decision: 'reject' }),
          { style: 'destructive' },
        ),
      ],
    });
    actions.push(
      executeAction(t('session.decide.adopt'), VERBS.sessionDecide, base(state, { decision: 'adopt' }), {
        style: 'positive',
      }),
      adapt,
      reject,
      back(),
    );
  } else if (!readOnly) {
    actions.push(back());
  }
  return { body, actions };
}

export function draftElements(
  state: SessionState,
  t: Translate,
  draft: ProposalDraft,
  provenance: { source: 'ai' | 'contributions'; model?: string | undefined },
  /** The circle changed the text before validating it: it is no longer the model's alone. */
  adapted = false,
): CardElement[] {
  const list = (items: readonly string[]): CardElement[] =>
    items.map((item, i) => ({ type: 'RichTextBlock', inlines: [textRun(`${i + 1}. `), textRun(item)] }));
  const question: DidacticQuestion | undefined = draft.question ?? state.setup?.question;
  return [
    {
      type: 'Container',
      style: provenance.source === 'ai' ? 'accent' : 'good',
      items: [
        paragraph(
          provenance.source !== 'ai'
            ? t('session.draft.byContributions')
            : t(adapted ? 'session.draft.byAiAdapted' : 'session.draft.byAi', {
                model: provenance.model ?? '?',
              }),
        ),
      ],
    },
    plainText(draft.title, { weight: 'Bolder', size: 'Large' }),
    sectionText(t('session.draft.summary'), draft.summary),
    ...(draft.steps.length > 0 ? [subheading(t('session.draft.steps')), ...list(draft.steps)] : []),
    sectionText(t('session.draft.effect'), draft.expectedEffect),
    ...(draft.risks.length > 0 ? [subheading(t('session.draft.risks')), ...list(draft.risks)] : []),
    ...(question === undefined
      ? []
      : [sectionText(t('session.draft.question'), `${question}. ${t(`question.${question}`)}`)]),
    ...(draft.criticalQuestions.length > 0
      ? [
          {
            type: 'Container',
            style: 'warning',
            items: [
              { type: 'TextBlock', text: t('session.draft.critical'), weight: 'Bolder', wrap: true },
              ...list(draft.criticalQuestions),
            ],
          },
        ]
      : []),
  ];
}

function summaryParts(
  state: SessionState,
  view: SessionCardView,
  readOnly: boolean,
): { body: CardElement[]; actions: CardElement[] } {
  const { t } = view;
  const setup = state.setup;
  const decision = state.decision;
  const body: CardElement[] = [
    paragraph(titleOf(state, t), { subtle: true }),
    heading(t('session.summary.title')),
  ];
  if (setup) {
    body.push(sectionText(t('session.stage.situation'), setup.situation.text));
    if (setup.question !== undefined)
      body.push(sectionText(t('session.stage.question'), t(`question.${setup.question}`)));
  }
  if (decision) {
    body.push(
      plainText(
        t('session.summary.decision', {
          decision: t(`session.decision.${decision.kind}`),
          title: decision.final.title,
        }),
        {
          weight: 'Bolder',
        },
      ),
    );
    if (decision.reason) body.push(plainText(t('session.summary.reason', { reason: decision.reason })));
    if (decision.kind !== 'reject') body.push(paragraph(t('session.summary.saved')));
  }
  body.push(
    paragraph(
      t('session.summary.counts', {
        analysis: contributionsOf(state, 'analysis').length,
        problem: contributionsOf(state, 'problem').length,
        ideas: contributionsOf(state, 'brainstorm').length,
      }),
    ),
  );
  const energy = energyText(state, t);
  if (energy) body.push(paragraph(energy));
  const ratings = ratingsText(state, t);
  if (ratings) body.push(paragraph(ratings));
  const present = state.present.filter((aad) => memberName(state, aad) !== undefined).length;
  body.push(
    paragraph(
      t('session.summary.present', {
        count: present,
        members: state.header.members.length,
        minutes: state.header.plannedMinutes,
      }),
    ),
  );
  const critical = decision && state.draft?.result ? state.draft.result.draft.criticalQuestions : [];
  if (critical.length > 0) {
    body.push(subheading(t('session.kickoff.openQuestions')));
    for (const q of critical) body.push(plainText(`• ${q}`));
  }
  if (state.header.dayIndex !== undefined && state.header.dayIndex < 3)
    body.push(paragraph(t('session.summary.next'), { subtle: true }));
  if (state.closed) body.push(plainText(t('session.summary.closed'), { weight: 'Bolder' }));
  return {
    body,
    actions:
      readOnly || state.closed
        ? []
        : [executeAction(t('session.action.close'), VERBS.sessionClose, base(state))],
  };
}

/**
 * The circle's energy as far as it may be shown (GroupAverage): the average once the check-in is over and
 * enough checked in, else how many did; undefined before anyone did.
 */
function energyText(state: SessionState, t: Translate): string | undefined {
  const energy = averageEnergy(state);
  if (energy.count === 0) return undefined;
  const members = state.header.members.length;
  switch (energy.status) {
    case 'shown':
      return t('session.checkin.average', { average: energy.average, count: energy.count });
    case 'collecting':
      return energy.count < AVERAGE_MIN_PEOPLE
        ? t('session.checkin.tooFew', { count: energy.count, members, min: AVERAGE_MIN_PEOPLE })
        : t('session.checkin.open', { count: energy.count, members });
    case 'too_few':
      return t('session.checkin.withheld', { count: energy.count, members });
  }
}

/**
 * The circle's average usefulness and feasibility as far as they may be shown (GroupAverage): once the
 * circle has decided and enough rated, else how many rated; undefined before anyone did.
 */
export function ratingsText(state: SessionState, t: Translate): string | undefined {
  const ratings = averageRatings(state);
  if (ratings.count === 0) return undefined;
  const members = state.header.members.length;
  switch (ratings.status) {
    case 'shown':
      return t('session.rate.average', {
        usefulness: ratings.usefulness,
        feasibility: ratings.feasibility,
        count: ratings.count,
        members,
      });
    case 'collecting':
      return ratings.count < AVERAGE_MIN_PEOPLE
        ? t('session.rate.tooFew', { count: ratings.count, members, min: AVERAGE_MIN_PEOPLE })
        : t('session.rate.open', { count: ratings.count, members });
    case 'too_few':
      return t('session.rate.withheld', { count: ratings.count, members });
  }
}
