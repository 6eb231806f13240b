import type { Collection, Db } from 'mongodb';
import {
  PROPOSAL_STATUSES,
  type ProposalReader,
  type ProposalRecord,
  type ProposalWriter,
  type ProposalStatus,
  type ProposalSummary,
} from '../domain/proposal';
import { DIDACTIC_QUESTIONS, type DidacticQuestion } from '../domain/traject';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * One document per proposal for improvement or innovation, in `proposals`. The videoframe writes exactly
 * this shape; the overview, the manager's view and the data rights read it here:
 *
 *   {
 *     _id,                               // the writer's choice (never leaves store/)
 *     id: string,                        // a UUID: what the API shows
 *     idempotencyKey: string,            // unique (index uniq_idempotency_key), e.g. `<sessionId>:proposal`
 *     tenantId: string,
 *     circleId: string,
 *     title: string,
 *     contributorAadObjectIds: string[], // Entra object ids of everyone who contributed
 *     anonymousContributors?: number,    // contributors who had their data erased
 *     question?: number,                 // 1..10, the didactic question
 *     status: 'draft' | 'validated' | 'rejected',
 *     createdAt: Date, updatedAt?: Date,
 *     // written by the session (features/sessions), all optional for readers:
 *     sessionId?, cycleId?, summary?, steps?: string[], expectedEffect?, risks?: string[], workSituation?,
 *     decision?: 'adopt' | 'adapt' | 'reject', rejectionReason?, draftSource?: 'ai' | 'contributions', model?,
 *     promptVersion?, namesReplaced?: boolean  // with the model's draft: which prompt, names left out
 *   }
 *
 * `idempotencyKey` is required: the unique index counts a missing key as null, so a second document
 * without one would be refused.
 */
export interface ProposalDocument {
  id: string;
  idempotencyKey: string;
  tenantId: string;
  circleId: string;
  title: string;
  contributorAadObjectIds: string[];
  anonymousContributors?: number;
  question?: number;
  status: ProposalStatus;
  createdAt: Date;
  updatedAt?: Date;
  sessionId?: string;
  cycleId?: string;
  summary?: string;
  steps?: string[];
  expectedEffect?: string;
  risks?: string[];
  workSituation?: string;
  decision?: ProposalRecord['decision'];
  rejectionReason?: string;
  draftSource?: ProposalRecord['draftSource'];
  model?: string;
  promptVersion?: string;
  namesReplaced?: boolean;
}

export class MongoProposalRepository implements ProposalReader, ProposalWriter {
  private readonly collection: Collection<ProposalDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ProposalDocument>(COLLECTIONS.proposals);
  }

  async forContributor(tenantId: string, aadObjectId: string): Promise<ProposalSummary[]> {
    const docs = await this.collection
      .find({ tenantId, contributorAadObjectIds: aadObjectId })
      .sort({ createdAt: -1 })
      .toArray();
    return docs.flatMap(toSummary);
  }

  async record(proposal: ProposalRecord): Promise<boolean> {
    const doc: ProposalDocument = {
      id: proposal.id,
      idempotencyKey: proposal.idempotencyKey,
      tenantId: proposal.tenantId,
      circleId: proposal.circleId,
      title: proposal.title,
      contributorAadObjectIds: proposal.contributorAadObjectIds,
      status: proposal.status,
      createdAt: proposal.createdAt,
      sessionId: proposal.sessionId,
      summary: proposal.summary,
      steps: proposal.steps,
      expectedEffect: proposal.expectedEffect,
      risks: proposal.risks,
      workSituation: proposal.workSituation,
      decision: proposal.decision,
      draftSource: proposal.draftSource,
      ...(proposal.question === undefined ? {} : { question: proposal.question }),
      ...(proposal.cycleId === undefined ? {} : { cycleId: proposal.cycleId }),
      ...(proposal.rejectionReason === undefined ? {} : { rejectionReason: proposal.rejectionReason }),
      ...(proposal.model === undefined ? {} : { model: proposal.model }),
      ...(proposal.promptVersion === undefined ? {} : { promptVersion: proposal.promptVersion }),
      ...(proposal.namesReplaced === undefined ? {} : { namesReplaced: proposal.namesReplaced }),
    };
    try {
      await this.collection.insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async forgetContributor(tenantId: string, aadObjectId: string): Promise<number> {
    const result = await this.collection.updateMany(
      { tenantId, contributorAadObjectIds: aadObjectId },
      { $pull: { contributorAadObjectIds: aadObjectId }, $inc: { anonymousContributors: 1 } },
    );
    return result.modifiedCount;
  }
}

/** A document that is not of the documented shape (an unknown status above all) is never shown. */
function toSummary(doc: ProposalDocument): ProposalSummary[] {
  if (
    typeof doc.id !== 'string' ||
    typeof doc.title !== 'string' ||
    !PROPOSAL_STATUSES.includes(doc.status) ||
    !(doc.createdAt instanceof Date)
  ) {
    return [];
  }
  const question = DIDACTIC_QUESTIONS.find((q): q is DidacticQuestion => q === doc.question);
  return [
    {
      id: doc.id,
      title: doc.title,
      status: doc.status,
      ...(question === undefined ? {} : { question }),
      createdAt: doc.createdAt.toISOString(),
    },
  ];
}
