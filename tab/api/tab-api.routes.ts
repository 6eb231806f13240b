import type { Logger } from 'pino';
import restify, { type Request, type Response, type Server } from 'restify';
import type { CycleReader } from '../../bot/src/domain/cycle';
import type { Professional } from '../../bot/src/domain/professional';
import { forManager, type ProposalReader } from '../../bot/src/domain/proposal';
import type { ProfessionalService } from '../../bot/src/domain/professional.service';
import { trajectFigures, type Traject } from '../../bot/src/domain/traject';
import type { LedgerEntry, LedgerTotals } from '../../bot/src/domain/ledger';
import type { Outbox } from '../../bot/src/domain/outbox';
import type { TalentCalendar } from '../../bot/src/domain/talent-calendar';
import {
  heldOnTime,
  meetingInstants,
  TALENT_LIMITS,
  type TalentConversation,
} from '../../bot/src/domain/talent-conversation';
import type { TalentConversationService } from '../../bot/src/domain/talent-conversation.service';
import type { DataRightsService } from '../../bot/src/domain/data-rights.service';
import type { LedgerService } from '../../bot/src/domain/ledger.service';
import type { TrajectService } from '../../bot/src/domain/traject.service';
import { currentStage, stageEndsAt, type SessionState } from '../../bot/src/domain/session';
import type { FeatureDeps } from '../../bot/src/features/shared/deps';
import { currentStageTitle, sessionCard } from '../../bot/src/features/sessions/session.card';
import { cardView, todaysSessionInChat } from '../../bot/src/features/sessions/session-flow';
import { stageViewCard } from '../../bot/src/features/sessions/stage-view.card';
import { z } from 'zod/v4';
import {
  KeysUnavailableError,
  TokenRejectedError,
  type TabIdentity,
  type TokenVerifier,
} from '../../bot/src/integrations/entra-token.verifier';

export interface TabApiParts {
  logger: Logger;
  professionals: ProfessionalService;
  trajects: TrajectService;
  ledger: LedgerService;
  dataRights: DataRightsService;
  /** Undefined when SSO is not configured. */
  verifyToken: TokenVerifier | undefined;
  /** Development only: `Authorization: Dev <tenantId>:<aadObjectId>` picks an identity. */
  devMode: boolean;
  /** The sessions of the professional's cycles; without it, the tab shows none. */
  cycles?: Pick<CycleReader, 'upcomingSessionsFor'>;
  /** The proposals the professional contributed to; without it, the tab shows none. */
  proposals?: Pick<ProposalReader, 'forContributor'>;
  /** Today's session in a meeting chat, for the meeting side panel and stage; without it, none is found. */
  meeting?: MeetingParts;
  /** Talent-development conversations; without it, the tab shows none. */
  talent?: TalentParts;
}

export interface TalentParts {
  conversations: Pick<TalentConversationService, 'listForProfessional' | 'listForManager' | 'setWishes'>;
  /** To tell the manager when a nudge could not be delivered. */
  outbox: Pick<Outbox, 'get'>;
  /** The days before a conversation the manager is nudged (config.talent.nudgeDays). */
  nudgeDays: readonly number[];
  clock: () => Date;
  /** The conversations' Teams meetings (Microsoft Graph configured): the join link once the event exists. */
  calendar?: Pick<TalentCalendar, 'entry'> | undefined;
}

/** What finding and drawing today's session in a chat needs: the same parts the bot's session cards use. */
export type MeetingParts = Pick<
  FeatureDeps,
  'sessions' | 'planner' | 'clock' | 'meetingLinks' | 'circles' | 'videoframes' | 'proposalDrafter'
>;

/** How many sessions the overview lists: two cycles' worth. */
const UPCOMING_SESSIONS = 8;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Identity comes only from a verified token's claims (or, in development mode, from the developer's pick);
 * never from a path, query or body.
 */
async function identify(req: Request, parts: TabApiParts): Promise<TabIdentity> {
  const header = req.header('authorization') ?? '';
  const [scheme, value] = header.split(/\s+/, 2);
  if (parts.devMode && scheme === 'Dev' && value) {
    const [tenantId, aadObjectId] = value.split(':');
    if (tenantId && aadObjectId) return { tenantId, aadObjectId, name: undefined };
  }
  if (scheme !== 'Bearer' || !value) {
    throw new HttpError(401, 'UNAUTHORIZED', 'Send the Teams SSO token as Authorization: Bearer <token>');
  }
  if (!parts.verifyToken) {
    throw new HttpError(
      401,
      'UNAUTHORIZED',
      'Single sign-on is not configured on this service (TAB_SSO_AUDIENCE)',
    );
  }
  try {
    return await parts.verifyToken(value);
  } catch (err) {
    if (err instanceof TokenRejectedError) {
      parts.logger.info({ reason: err.reason }, 'tab token rejected');
      throw new HttpError(401, 'UNAUTHORIZED', 'The token is not valid');
    }
    if (err instanceof KeysUnavailableError) {
      parts.logger.error({ err }, 'Entra ID keys unavailable');
      throw new HttpError(503, 'AUTH_UNAVAILABLE', 'Sign-in cannot be checked right now; try again shortly');
    }
    throw err;
  }
}

/** What the tab shows of a traject: the plan, its derived figures and what was used. */
function trajectView(traject: Traject, totals: LedgerTotals) {
  const figures = trajectFigures(traject);
  return {
    startDate: traject.startDate,
    endDate: figures.endDate,
    durationMonths: traject.durationMonths,
    activeWeeksTarget: traject.activeWeeksTarget,
    hoursPerWeek: traject.hoursPerWeek,
    hoursMadeAvailable: figures.hoursMadeAvailable,
    questions: traject.questions,
    talents: traject.talents,
    learningNeeds: traject.learningNeeds,
    nextTalentConversation: figures.nextTalentConversation,
    version: traject.version,
    used: totals,
  };
}

/**
 * What a manager sees of one of their people, and nothing more (the concept): time used against time made
 * available, active weeks against the target, validated proposals (title, question, date), and the notes
 * that person chose to share. No talents, learning needs, chosen questions, private notes, what the time
 * was spent on, nor drafts, rejected proposals, contributions, ratings or attendance.
 */
async function reportView(
  parts: TabApiParts,
  report: Professional,
  managerConversations: readonly TalentConversation[],
) {
  const owner = { tenantId: report.tenantId, aadObjectId: report.aadObjectId };
  const [traject, entries, totals, proposals, conversation] = await Promise.all([
    parts.trajects.find(owner),
    parts.ledger.list(owner),
    parts.ledger.totals(owner),
    parts.proposals ? parts.proposals.forContributor(owner.tenantId, owner.aadObjectId) : [],
    reportConversationView(parts.talent, report, managerConversations),
  ]);
  return {
    id: report.id,
    name: report.name,
    activeWeeks: { done: totals.activeWeeks, target: traject?.activeWeeksTarget ?? null },
    time: {
      minutesUsed: totals.minutesUsed,
      hoursMadeAvailable: traject ? trajectFigures(traject).hoursMadeAvailable : null,
    },
    validatedProposals: totals.proposals,
    proposals: forManager(proposals),
    sharedNotes: entries
      .filter((e) => e.kind === 'note' && e.sharedWithManager)
      .map((e) => ({
        id: e.id,
        text: e.kind === 'note' ? e.text : '',
        updatedAt: e.kind === 'note' ? e.updatedAt : e.createdAt,
      })),
    ...conversation,
  };
}

/**
 * The report's planned conversation with this manager, and whether a nudge or reminder for it could not be
 * delivered in Teams (403/404 or refused for good): the tab says so instead, as the delivery guarantee asks.
 * A snoozed nudge's key carries the day it was snoozed to and is not looked at here.
 */
async function reportConversationView(
  talent: TalentParts | undefined,
  report: Professional,
  managerConversations: readonly TalentConversation[],
): Promise<{ nextConversation: string | null; nudgeUndelivered: boolean }> {
  const who = report.aadObjectId.toLowerCase();
  const next = managerConversations.find((c) => c.status === 'planned' && c.professionalAadObjectId === who);
  if (!talent || !next) return { nextConversation: next?.dueDate ?? null, nudgeUndelivered: false };
  const keys = [
    ...talent.nudgeDays.map((days) => `talent-nudge:${next.id}:${next.dueDate}:${days}`),
    `talent-reminder:${next.id}:${next.dueDate}`,
  ];
  const states = await Promise.all(keys.map((key) => talent.outbox.get(key)));
  return {
    nextConversation: next.dueDate,
    nudgeUndelivered: states.some((s) => s?.status === 'unreachable' || s?.status === 'failed'),
  };
}

/**
 * The professional's open conversation and the ones held, with what was agreed (both may see it). The
 * manager's name only; nothing else of theirs.
 */
async function myConversationsView(parts: TabApiParts, identity: TabIdentity) {
  if (!parts.talent) return { talentConversation: null, history: [] };
  const all = await parts.talent.conversations.listForProfessional(identity.tenantId, identity.aadObjectId);
  const open = all.find((c) => c.status === 'planned');
  const manager = open?.managerAadObjectId
    ? await parts.professionals.find(identity.tenantId, open.managerAadObjectId)
    : undefined;
  // The preparation card that Teams could not deliver (403/404 or refused for good): the tab says so.
  const preparation = open
    ? await parts.talent.outbox.get(`talent-preparation:${open.id}:${open.dueDate}`)
    : undefined;
  const preparationUndelivered = preparation?.status === 'unreachable' || preparation?.status === 'failed';
  const at = open ? meetingInstants(open) : undefined;
  const entry = at && open ? await parts.talent.calendar?.entry(open.id) : undefined;
  return {
    talentConversation: open
      ? {
          dueDate: open.dueDate,
          status: open.status,
          ...(manager ? { managerName: manager.name } : {}),
          ...(open.wishes ? { wishes: open.wishes } : {}),
          preparationUndelivered,
          ...(at
            ? {
                meeting: {
                  start: at.start.toISOString(),
                  end: at.end.toISOString(),
                  ...(entry?.eventId && entry.joinUrl ? { joinUrl: entry.joinUrl } : {}),
                  ...(entry?.failure && entry.failure.revision === open?.meeting?.revision
                    ? { notInCalendar: true }
                    : {}),
                },
              }
            : {}),
        }
      : null,
    history: all
      .filter((c) => c.status === 'held')
      .map((c) => ({ dueDate: c.dueDate, heldOn: c.heldOn ?? null, agreements: c.agreements ?? null })),
  };
}

async function managerConversations(parts: TabApiParts, identity: TabIdentity) {
  return parts.talent
    ? parts.talent.conversations.listForManager(identity.tenantId, identity.aadObjectId)
    : [];
}

/**
 * The session as the meeting side panel and stage show it. `card` is the chat's card as this member sees it
 * there (their own marks), read-only: the panel points to the chat to act. `stageCard` is what the stage
 * shows everyone (stage-view.card.ts). Both are the bot's own card JSON: one source of truth for a stage.
 */
function meetingSessionView(meeting: MeetingParts, state: SessionState, viewer: string) {
  const view = cardView(meeting, state, viewer, { readOnly: true });
  const setup = state.setup;
  const stage =
    state.phase === 'stages' && setup
      ? {
          index: state.stageIndex,
          kind: currentStage(state),
          // Named as the card names it: the AI stage is the circle's own draft when no model writes it.
          title: currentStageTitle(state, view),
          // A closed session has no clock running.
          endsAt: state.closed ? null : (stageEndsAt(state) ?? null),
        }
      : null;
  return {
    sessionId: state.header.id,
    circleName: state.header.circleName,
    locale: state.header.locale,
    phase: state.phase,
    closed: state.closed !== undefined,
    stage,
    card: sessionCard(state, view),
    stageCard: stageViewCard(state, view),
    // The countdown runs on the service's clock, whatever the viewer's device says.
    serverTime: meeting.clock().toISOString(),
  };
}

const meetingQuery = z.object({ chatId: z.string().min(1).max(400) });

function entryView(entry: LedgerEntry) {
  const { tenantId: _tenant, ownerAadObjectId: _owner, ...view } = entry;
  return view;
}

const entryId = z.string().uuid();
const timeBody = z.object({
  id: entryId,
  learningKind: z.enum(['elearning', 'book', 'podcast', 'video', 'expert', 'course', 'other']),
  what: z.string().max(1000),
  date: z.string().max(20),
  minutes: z.number().int(),
});
const noteBody = z.object({
  id: entryId,
  text: z.string().max(20_000),
  sharedWithManager: z.boolean().default(false),
});
const ownWordsChange = z.object({
  version: z.number().int().min(1),
  submissionId: entryId,
  talents: z.string().max(20_000),
  learningNeeds: z.string().max(20_000),
});
/** `version`: the note's version the edit was made on; a newer stored version answers 409. */
const noteChange = z
  .object({
    text: z.string().max(20_000).optional(),
    sharedWithManager: z.boolean().optional(),
    version: z.number().int().min(1).optional(),
  })
  .refine((c) => c.text !== undefined || c.sharedWithManager !== undefined, 'nothing to change');

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(body)'))];
    throw new HttpError(400, 'INVALID_INPUT', `Check ${fields.join(', ')}`);
  }
  return parsed.data;
}

function paramOf(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

export function registerTabApi(server: Server, parts: TabApiParts): void {
  const route =
    (handler: (req: Request, identity: TabIdentity) => Promise<unknown>, okStatus = 200) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        const identity = await identify(req, parts);
        const result = await handler(req, identity);
        if (result === undefined) res.send(204);
        else res.send(okStatus, result);
      } catch (err) {
        if (err instanceof HttpError) {
          res.send(err.status, { error: { code: err.code, message: err.message } });
          return;
        }
        parts.logger.error({ err }, 'tab API failed');
        res.send(500, { error: { code: 'INTERNAL', message: 'Internal error' } });
      }
    };

  // Public: what the page needs to know before it can sign in.
  server.get('/api/tab/config', (_req: Request, res: Response, next: restify.Next) => {
    res.send(200, { devMode: parts.devMode, sso: parts.verifyToken !== undefined });
    next();
  });

  if (parts.devMode) {
    // Development only: people to pick from when the page runs outside Teams.
    server.get('/api/tab/dev/identities', async (_req: Request, res: Response) => {
      const people = await parts.professionals.listSome(50);
      res.send(200, { identities: people.map((p) => ({ id: p.id, name: p.name })) });
    });
  }

  server.get(
    '/api/tab/me',
    route(async (_req, identity) => {
      const { tenantId, aadObjectId } = identity;
      const [professional, traject, ledger, upcomingSessions, proposals, talk] = await Promise.all([
        parts.professionals.find(tenantId, aadObjectId),
        parts.trajects.find(identity),
        parts.ledger.list(identity),
        parts.cycles
          ? parts.cycles.upcomingSessionsFor(tenantId, aadObjectId, new Date(), UPCOMING_SESSIONS)
          : [],
        parts.proposals ? parts.proposals.forContributor(tenantId, aadObjectId) : [],
        myConversationsView(parts, identity),
      ]);
      return {
        me: {
          id: `${tenantId}:${aadObjectId}`,
          name: professional?.name ?? identity.name ?? '',
          locale: professional?.locale,
        },
        traject: traject ? trajectView(traject, await parts.ledger.totals(identity)) : null,
        ledger: ledger.map(entryView),
        upcomingSessions,
        proposals,
        talentConversation: talk.talentConversation,
        history: talk.history,
      };
    }),
  );

  server.get(
    '/api/tab/professionals/:id/traject',
    route(async (req, identity) => {
      const id: unknown = (req.params as Record<string, unknown>).id;
      const requested = typeof id === 'string' ? id : '';
      if (requested !== `${identity.tenantId}:${identity.aadObjectId}`) {
        // The manager's view of their reports comes with its own, narrower route; nobody else's traject.
        throw new HttpError(403, 'FORBIDDEN', 'This is not your Prof-traject');
      }
      const traject = await parts.trajects.find(identity);
      if (!traject) throw new HttpError(404, 'NOT_FOUND', 'No Prof-traject yet');
      return trajectView(traject, await parts.ledger.totals(identity));
    }),
  );

  server.get(
    '/api/tab/reports',
    route(async (_req, identity) => {
      const [reports, conversations] = await Promise.all([
        parts.professionals.reportsOf(identity.tenantId, identity.aadObjectId),
        managerConversations(parts, identity),
      ]);
      const today = (parts.talent?.clock() ?? new Date()).toISOString().slice(0, 10);
      return {
        // The manager's own accountability to the team: their people's conversations held on time.
        conversations: heldOnTime(conversations, today),
        reports: await Promise.all(reports.map((r) => reportView(parts, r, conversations))),
      };
    }),
  );

  server.get(
    '/api/tab/reports/:id',
    route(async (req, identity) => {
      const reports = await parts.professionals.reportsOf(identity.tenantId, identity.aadObjectId);
      const report = reports.find((r) => r.id === paramOf(req, 'id'));
      if (!report) throw new HttpError(403, 'FORBIDDEN', 'This person does not report to you');
      return reportView(parts, report, await managerConversations(parts, identity));
    }),
  );

  // The meeting side panel and stage: today's session in the meeting's chat, for members of its circle only.
  server.get(
    '/api/tab/meeting/session',
    route(async (req, identity) => {
      const query = Object.fromEntries(new URLSearchParams(req.getQuery()));
      const { chatId } = parseBody(meetingQuery, query);
      const state = parts.meeting
        ? await todaysSessionInChat(parts.meeting, identity.tenantId, chatId)
        : undefined;
      if (!parts.meeting || !state) {
        throw new HttpError(404, 'NO_SESSION', 'There is no session in this chat today');
      }
      const me = identity.aadObjectId.toLowerCase();
      const member = state.header.members.find((m) => m.aadObjectId.toLowerCase() === me);
      if (!member) {
        throw new HttpError(403, 'NOT_A_MEMBER', "Only members of the session's circle see it here");
      }
      return meetingSessionView(parts.meeting, state, member.aadObjectId);
    }),
  );

  const body = restify.plugins.bodyParser({ maxBodySize: 64 * 1024, mapParams: false, rejectUnknown: true });

  server.post(
    '/api/tab/me/time',
    body,
    route(async (req, identity) => {
      const input = parseBody(timeBody, req.body);
      const outcome = await parts.ledger.addTime(identity, input);
      return outcomeOf(outcome);
    }),
  );

  // What the professional wants to discuss in their open talent-development conversation (as on the
  // preparation card). Idempotent: the same text again changes nothing.
  server.put(
    '/api/tab/me/conversation/wishes',
    body,
    route(async (req, identity) => {
      const { wishes } = parseBody(z.object({ wishes: z.string().max(20_000) }), req.body);
      const talent = parts.talent;
      const open = talent
        ? (await talent.conversations.listForProfessional(identity.tenantId, identity.aadObjectId)).find(
            (c) => c.status === 'planned',
          )
        : undefined;
      if (!talent || !open) throw new HttpError(404, 'NOT_FOUND', 'You have no planned conversation');
      const outcome = await talent.conversations.setWishes(open.id, identity.aadObjectId, wishes);
      if (outcome.kind === 'refused') {
        if (outcome.problem === 'too_long')
          throw new HttpError(400, 'TOO_LONG', `At most ${TALENT_LIMITS.wishesMaxLength} characters`);
        throw new HttpError(409, 'CONFLICT', `The conversation cannot be changed (${outcome.problem})`);
      }
      return { wishes: outcome.conversation.wishes ?? null };
    }),
  );

  server.post(
    '/api/tab/me/notes',
    body,
    route(async (req, identity) =>
      outcomeOf(await parts.ledger.addNote(identity, parseBody(noteBody, req.body))),
    ),
  );

  server.patch(
    '/api/tab/me/notes/:id',
    body,
    route(async (req, identity) => {
      const outcome = await parts.ledger.updateNote(
        identity,
        paramOf(req, 'id'),
        parseBody(noteChange, req.body),
      );
      if (outcome.kind === 'not_found') throw new HttpError(404, 'NOT_FOUND', 'No such note of yours');
      if (outcome.kind === 'invalid')
        throw new HttpError(400, 'INVALID_INPUT', problemsText(outcome.problems));
      if (outcome.kind === 'conflict') {
        throw new HttpError(
          409,
          'CONFLICT',
          'This note was changed elsewhere; reload to see the current version',
        );
      }
      return entryView(outcome.note);
    }),
  );

  // Talents and learning needs, in the professional's own words: the same guarded, idempotent save as the card.
  server.patch(
    '/api/tab/me/traject',
    body,
    route(async (req, identity) => {
      const change = parseBody(ownWordsChange, req.body);
      const current = await parts.trajects.find(identity);
      if (!current) throw new HttpError(404, 'NOT_FOUND', 'No Prof-traject yet');
      const outcome = await parts.trajects.save(
        identity,
        { ...current, talents: change.talents.trim(), learningNeeds: change.learningNeeds.trim() },
        { expectedVersion: change.version, submissionId: change.submissionId },
      );
      if (outcome.kind === 'invalid')
        throw new HttpError(400, 'INVALID_INPUT', problemsText(outcome.problems));
      if (outcome.kind === 'conflict') {
        throw new HttpError(
          409,
          'CONFLICT',
          'Your Prof-traject was changed elsewhere; reload to see the current version',
        );
      }
      return trajectView(outcome.traject, await parts.ledger.totals(identity));
    }),
  );

  // The right of access: everything held about the caller, as one JSON file.
  server.get(
    '/api/tab/me/export',
    route(async (_req, identity) => parts.dataRights.export(identity)),
  );

  // The right to erasure. The body must repeat the caller's own id: a confirmation no stray request makes.
  server.del(
    '/api/tab/me',
    body,
    route(async (req, identity) => {
      const { confirm } = parseBody(z.object({ confirm: z.string().max(200) }), req.body);
      if (confirm !== `${identity.tenantId}:${identity.aadObjectId}`) {
        throw new HttpError(
          400,
          'CONFIRMATION_REQUIRED',
          'Repeat your own id in "confirm" to delete your data',
        );
      }
      const erased = await parts.dataRights.erase(identity);
      parts.logger.info({ ...erased }, 'personal data erased');
      return { erased };
    }),
  );

  server.del(
    '/api/tab/me/ledger/:id',
    route(async (req, identity) => {
      if (!(await parts.ledger.remove(identity, paramOf(req, 'id')))) {
        throw new HttpError(404, 'NOT_FOUND', 'No such entry of yours');
      }
      return undefined;
    }),
  );
}

function problemsText(problems: readonly { field: string; code: string }[]): string {
  return problems.map((p) => `${p.field}: ${p.code}`).join('; ');
}

/** Created and repeated requests both answer with the entry; a clash or bad values change nothing. */
function outcomeOf(
  outcome: Awaited<ReturnType<LedgerService['addTime']>> | Awaited<ReturnType<LedgerService['addNote']>>,
) {
  switch (outcome.kind) {
    case 'created':
    case 'exists':
      return entryView(outcome.entry);
    case 'conflict':
      throw new HttpError(409, 'CONFLICT', 'An entry with this id exists already');
    case 'invalid':
      throw new HttpError(400, 'INVALID_INPUT', problemsText(outcome.problems));
  }
}
