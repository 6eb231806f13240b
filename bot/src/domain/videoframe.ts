/**
 * A videoframe: the guided sequence a circle follows in a session (CONCEPT.md, "A session"). Frames are
 * data: the product ships a default one and L&D can add their own as files (integrations/videoframe-files.ts
 * checks them). The five stage kinds and their order are fixed, because the session's logic hangs on them
 * (the AI drafts at `ai_proposal`, the circle validates at `evaluation`); what each stage asks, its time box,
 * its media and its surprise are the frame's own. Texts come in both of the product's languages.
 */
import type { Locale } from './locale';

export const STAGE_KINDS = ['analysis', 'problem', 'brainstorm', 'ai_proposal', 'evaluation'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** The concept's default time boxes, in minutes (10, 10, 15, 5, 15: one hour with the opening and summary). */
export const DEFAULT_TIMEBOX_MINUTES: Readonly<Record<StageKind, number>> = {
  analysis: 10,
  problem: 10,
  brainstorm: 15,
  ai_proposal: 5,
  evaluation: 15,
};

export const VIDEOFRAME_LIMITS = {
  idPattern: /^[a-z0-9][a-z0-9-]{1,47}$/,
  titleMaxLength: 80,
  textMaxLength: 600,
  timeboxMinutes: { min: 1, max: 60 },
  /** A session is an hour: the stages together may not take longer. */
  totalMinutesMax: 60,
  fileMaxBytes: 64 * 1024,
} as const;

export type Texts = Readonly<Record<Locale, string>>;

export interface StageMedia {
  kind: 'video' | 'podcast' | 'image';
  /** An https URL; for an image, one Teams can show on a card. */
  url: string;
  title: Texts;
  /** What the image shows, for screen readers (images only). */
  altText?: Texts | undefined;
}

export interface StageSurprise {
  /** A provocation, a perspective from another role, or a short vitality moment. */
  kind: 'provocation' | 'perspective' | 'vitality';
  text: Texts;
}

export interface Stage {
  kind: StageKind;
  title: Texts;
  /** What the stage asks of the circle. */
  prompt: Texts;
  timeboxMinutes: number;
  media?: StageMedia | undefined;
  surprise?: StageSurprise | undefined;
}

export interface Videoframe {
  id: string;
  title: Texts;
  description: Texts;
  /** Exactly the five kinds, in STAGE_KINDS order. */
  stages: readonly Stage[];
}
