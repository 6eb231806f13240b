import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import type { ProfessionalService } from '../../bot/src/domain/professional.service';
import { trajectFigures, type Traject } from '../../bot/src/domain/traject';
import type { TrajectService } from '../../bot/src/domain/traject.service';
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
  /** Undefined when SSO is not configured. */
  verifyToken: TokenVerifier | undefined;
  /** Development only: `Authorization: Dev <tenantId>:<aadObjectId>` picks an identity. */
  devMode: boolean;
}

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
function trajectView(traject: Traject, totals: ReturnType<TrajectService['totals']>) {
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

export function registerTabApi(server: Server, parts: TabApiParts): void {
  const route =
    (handler: (req: Request, identity: TabIdentity) => Promise<unknown>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        const identity = await identify(req, parts);
        res.send(200, await handler(req, identity));
      } catch (err) {
        if (err instanceof HttpError) {
          res.send(err.status, { error: { code: err.code, message: err.message } });
          return;
        }
        parts.logger.error({ err }, 'tab API failed');
        res.send(500, { error: { code: 'INTERNAL', message: 'Internal error' } });
      }
    };

  server.get(
    '/api/tab/me',
    route(async (_req, identity) => {
      const professional = await parts.professionals.find(identity.tenantId, identity.aadObjectId);
      const traject = await parts.trajects.find(identity);
      return {
        me: {
          id: `${identity.tenantId}:${identity.aadObjectId}`,
          name: professional?.name ?? identity.name ?? '',
          locale: professional?.locale,
        },
        traject: traject ? trajectView(traject, parts.trajects.totals(traject)) : null,
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
      return trajectView(traject, parts.trajects.totals(traject));
    }),
  );
}
