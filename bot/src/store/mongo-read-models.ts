import type { Db } from 'mongodb';
import { MongoCycleRepository } from './mongo-cycle.repository';
import { MongoProposalRepository } from './mongo-proposal.repository';

/**
 * The read sides of cycles and proposals, which later features write: the professional's overview, the
 * manager's view, the ledger's count of validated proposals and the data rights use them.
 */
export function createReadModels(db: Db): {
  cycles: MongoCycleRepository;
  proposals: MongoProposalRepository;
} {
  return { cycles: new MongoCycleRepository(db), proposals: new MongoProposalRepository(db) };
}
