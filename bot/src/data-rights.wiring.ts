import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Config } from './config';
import { CircleService } from './domain/circle.service';
import { DataRightsService } from './domain/data-rights.service';
import type { Scheduler } from './domain/jobs';
import { scheduleTalentCalendar } from './features/talent/talent-jobs';
import { MongoCircleRepository } from './store/mongo-circle.repository';
import { MongoEffectLedger } from './store/mongo-effect-ledger';
import { MongoLedgerRepository } from './store/mongo-ledger.repository';
import { MongoMeetingLinkRepository } from './store/mongo-meeting-link.repository';
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
  config: Pick<Config, 'graph' | 'maxCirclesPerMember'>,
  scheduler: Scheduler,
  clock: () => Date = () => new Date(),
): DataRightsService {
  const calendarJobs = { scheduler, clock, calendar: config.graph };
  return new DataRightsService({
    professionals: new MongoProfessionalRepository(db),
    trajects: new MongoTrajectRepository(db),
    ledger: new MongoLedgerRepository(db),
    effects: new MongoEffectLedger(db),
    turnState: new MongoStorage(db),
    clock,
    ...createReadModels(db),
    circles: new CircleService(new MongoCircleRepository(db), {
      clock,
      newId: randomUUID,
      maxCirclesPerMember: config.maxCirclesPerMember,
    }),
    sessions: new MongoSessionRepository(db),
    talents: new MongoTalentConversationRepository(db),
    meetingLinks: new MongoMeetingLinkRepository(db),
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
