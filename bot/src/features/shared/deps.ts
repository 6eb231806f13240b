import type { Activity, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { LanguageModel } from '../../domain/ai';
import type { CalendarSync } from '../../domain/calendar-sync.service';
import type { CircleService } from '../../domain/circle.service';
import type { CyclePlanner, PlannedCycle } from '../../domain/cycle-planner.service';
import type { Directory } from '../../domain/directory';
import type { Scheduler } from '../../domain/jobs';
import type { MeetingLinkRepository } from '../../domain/meeting-link';
import type { EffectLedger } from '../../domain/effects';
import type { Locale } from '../../domain/locale';
import type { ProfessionalService } from '../../domain/professional.service';
import type { LedgerService } from '../../domain/ledger.service';
import type { TrajectService } from '../../domain/traject.service';
import type { ProposalDrafter } from '../../domain/proposal-draft';
import type { SessionService } from '../../domain/session.service';
import type { Videoframe } from '../../domain/videoframe';
import type { TalentDeps } from '../talent/talent-jobs';

/** Sending to a conversation outside a turn (implemented in integrations/conversation-sender.ts). */
export interface ConversationSender {
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string | undefined>;
  update(
    reference: Partial<ConversationReference>,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<void>;
  /** Everyone in the conversation as Teams lists them (`pagedmembers`); throws when Teams cannot say. */
  members(
    reference: Partial<ConversationReference>,
  ): Promise<{ id: string; aadObjectId: string | undefined; name: string }[]>;
}

/** What feature handlers may use: domain services and ports, never a database or HTTP client. */
export interface FeatureDeps {
  logger: Logger;
  defaultLocale: Locale;
  professionals: ProfessionalService;
  trajects: TrajectService;
  ledger: LedgerService;
  circles: CircleService;
  planner: CyclePlanner;
  meetingLinks: MeetingLinkRepository;
  /** Jobs at a time (reminders, kick-off cards), run once across replicas. */
  scheduler: Scheduler;
  /** Microsoft Graph: brings a cycle's Teams meetings in line with its plan; undefined without Graph. */
  calendarSync: CalendarSync | undefined;
  /** A signed link to a cycle's .ics file (http/calendar.routes.ts). */
  calendarLink: (cycle: PlannedCycle, locale: Locale) => string;
  /** A fresh random id (UUID), e.g. for a card submission. */
  newId: () => string;
  effects: EffectLedger;
  clock: () => Date;
  /** Teams' people picker works only with an app registration (Graph behind it); locally a text input. */
  peoplePicker: boolean;
  /** The organisation's directory (Microsoft Graph): managers and who is in the tenant; undefined without. */
  directory: Directory | undefined;
  /** The configured AI model; undefined when none is (features then offer no AI help). */
  languageModel: LanguageModel | undefined;
  conversations: ConversationSender;
  /** Sessions: a circle running a videoframe in a meeting. */
  sessions: SessionService;
  /** The videoframes a circle can choose from (the shipped ones first; checked at start). */
  videoframes: readonly Videoframe[];
  /** The AI that drafts improvement proposals (teams-ai); undefined: drafts come from the circle's words. */
  proposalDrafter: ProposalDrafter | undefined;
  /** Talent-development conversations: planning, nudges and their buttons. */
  talent: TalentDeps;
  /** Where "open my Prof-traject" leads: the tab inside Teams, or the tab page (cards/tab-link.ts). */
  tabLink: string;
}
