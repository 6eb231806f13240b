import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { Config } from './config';
import { CircleService } from './domain/circle.service';
import { DataRightsService } from './domain/data-rights.service';
import { peopleDirectory, proposalsWithNames } from './domain/people-names';
import type { Scheduler } from './domain/jobs';
import { scheduleTalentCalendar } from './features/talent/talent-jobs';
import { MongoCircleRepository } from './store/mongo-circle.repository';
import { MongoEffectLedger } from './store/mongo-effect-ledger';
import { MongoLedgerRepository } from './store/mongo-ledger.repository';
import { MongoMeetingLinkRepository } from './store/mongo-meeting-link.repository';
import { MongoPersonSweep } from './store/mongo-person-sweep';
import { MongoProfessionalRepository } from './store/mongo-professional.repository';
import { createReadModels } from './store/mongo-read-models';
import { MongoSessionRepository } from './store/mongo-session.repository';
import { MongoStorage } from './store/mongo-storage';
import { MongoTalentConversationRepository } from './store/mongo-talent-conversation.repository';
import { MongoTrajectRepository } from './store/mongo-traject.repository';

/**
 * After an erasure, how long before the job cancels the calendar events of the erased conversations: the job
 * cancels only an event whose conversation is gone, so it must run after the erasure has removed them.
 */
export const TALENT_RETIRE_DELAY_MS = 60_000;

/**
 * The data rights (export and erasure) over every collection that holds personal data: one wiring for the
 * service's tab API and for the administrator's command (`npm run erase-person`), so both erase the same.
 * The calendar events of erased talent conversations are cancelled by a job (Microsoft Graph configured),
 * which whichever replica of the service polls first runs.
 */
export function createDataRights(
  db: Db,
  config: Pick<Config, 'graph' | 'maxCirclesPerMember' | 'defaultLocale'>,
  scheduler: Scheduler,
  clock: () => Date = () => new Date(),
  logger?: Logger,
): DataRightsService {
  const calendarJobs = { scheduler, clock, calendar: config.graph };
  const professionals = new MongoProfessionalRepository(db);
  const readModels = createReadModels(db);
  const circleRepository = new MongoCircleRepository(db);
  return new DataRightsService({
    professionals,
    trajects: new MongoTrajectRepository(db),
    ledger: new MongoLedgerRepository(db),
    effects: new MongoEffectLedger(db),
    turnState: new MongoStorage(db),
    clock,
    ...readModels,
    proposals: proposalsWithNames(
      readModels.proposals,
      peopleDirectory(professionals, circleRepository),
      config.defaultLocale,
    ),
    circles: new CircleService(circleRepository, {
      clock,
      newId: randomUUID,
      maxCirclesPerMember: config.maxCirclesPerMember,
    }),
    sessions: new MongoSessionRepository(db),
    talents: new MongoTalentConversationRepository(db),
    meetingLinks: new MongoMeetingLinkRepository(db),
    sweep: new MongoPersonSweep(db, { defaultLocale: config.defaultLocale, logger }),
    talentCalendar: config.graph
      ? {
          retire: async (ids) => {
            for (const id of ids)
              await scheduleTalentCalendar(calendarJobs, id, 'gone', TALENT_RETIRE_DELAY_MS);
          },
        }
      : undefined,
  });
}
