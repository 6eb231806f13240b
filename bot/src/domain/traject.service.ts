import {
  checkPlan,
  type PlanProblem,
  type Traject,
  type TrajectPlan,
  type TrajectRepository,
} from './traject';

export type SaveOutcome =
  | { kind: 'saved'; traject: Traject }
  /** The same submission arrived again (Teams resends invokes, people double-click): nothing changed. */
  | { kind: 'unchanged'; traject: Traject }
  | { kind: 'invalid'; problems: PlanProblem[] }
  /** Someone saved another version in between (another device, an older card): nothing changed. */
  | { kind: 'conflict'; traject: Traject | undefined };

export interface Owner {
  tenantId: string;
  aadObjectId: string;
}

export class TrajectService {
  constructor(
    private readonly trajects: TrajectRepository,
    private readonly options: { clock: () => Date; newId: () => string },
  ) {}

  find(owner: Owner): Promise<Traject | undefined> {
    return this.trajects.find(owner.tenantId, owner.aadObjectId);
  }

  /**
   * Saves a plan made on a card that showed version `expectedVersion` (0: no traject yet). Idempotent per
   * `submissionId`; guarded by the version, so an older card never overwrites a newer plan.
   */
  async save(
    owner: Owner,
    plan: TrajectPlan,
    {
      expectedVersion,
      submissionId,
      extraProblems = [],
    }: { expectedVersion: number; submissionId: string; extraProblems?: readonly PlanProblem[] },
  ): Promise<SaveOutcome> {
    const now = this.options.clock();
    const current = await this.find(owner);
    const problems = [
      ...checkPlan(plan, now.toISOString().slice(0, 10), current?.startDate),
      ...extraProblems,
    ];
    if (problems.length > 0) return { kind: 'invalid', problems };

    if (current?.lastSubmissionId === submissionId) return { kind: 'unchanged', traject: current };
    if ((current?.version ?? 0) !== expectedVersion) return { kind: 'conflict', traject: current };

    // A suggestion taken earlier stays with the traject until another one is taken.
    const aiSuggestion = plan.aiSuggestion ?? current?.aiSuggestion;
    const next: Traject = {
      ...plan,
      ...(aiSuggestion ? { aiSuggestion } : {}),
      id: current?.id ?? this.options.newId(),
      tenantId: owner.tenantId,
      ownerAadObjectId: owner.aadObjectId,
      version: expectedVersion + 1,
      lastSubmissionId: submissionId,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    };
    const stored = current
      ? await this.trajects.update(next, expectedVersion)
      : await this.trajects.create(next);
    if (stored) return { kind: 'saved', traject: next };

    // Another write won the race: if it was this very submission, the effect already happened.
    const winner = await this.find(owner);
    return winner?.lastSubmissionId === submissionId
      ? { kind: 'unchanged', traject: winner }
      : { kind: 'conflict', traject: winner };
  }
}
