import {
  checkNote,
  checkTimeEntry,
  totalsOf,
  type DevelopmentNote,
  type LearningKind,
  type LedgerEntry,
  type LedgerProblem,
  type LedgerRepository,
  type LedgerTotals,
  type TimeEntry,
} from './ledger';
import type { Owner } from './traject.service';

export type AddOutcome<T> =
  | { kind: 'created'; entry: T }
  /** The same entry arrived again (a retried request): nothing changed. */
  | { kind: 'exists'; entry: T }
  /** The id is taken by a different entry: nothing changed. */
  | { kind: 'conflict' }
  | { kind: 'invalid'; problems: LedgerProblem[] };

export class LedgerService {
  constructor(
    private readonly entries: LedgerRepository,
    private readonly clock: () => Date,
  ) {}

  list(owner: Owner): Promise<LedgerEntry[]> {
    return this.entries.list(owner.tenantId, owner.aadObjectId);
  }

  async totals(owner: Owner): Promise<LedgerTotals> {
    // Validated proposals arrive with the videoframe; until then there are none to count.
    return totalsOf(await this.list(owner), 0);
  }

  async addTime(
    owner: Owner,
    input: { id: string; learningKind: LearningKind; what: string; date: string; minutes: number },
  ): Promise<AddOutcome<TimeEntry>> {
    const now = this.clock();
    const entry: TimeEntry = {
      id: input.id,
      tenantId: owner.tenantId,
      ownerAadObjectId: owner.aadObjectId,
      kind: 'time',
      source: 'self',
      learningKind: input.learningKind,
      what: input.what.trim(),
      date: input.date,
      minutes: input.minutes,
      createdAt: now,
    };
    const problems = checkTimeEntry(entry, now.toISOString().slice(0, 10));
    if (problems.length > 0) return { kind: 'invalid', problems };
    return this.insertOnce(
      entry,
      (a, b) =>
        a.kind === 'time' &&
        a.what === b.what &&
        a.date === b.date &&
        a.minutes === b.minutes &&
        a.learningKind === b.learningKind,
    );
  }

  async addNote(
    owner: Owner,
    input: { id: string; text: string; sharedWithManager: boolean },
  ): Promise<AddOutcome<DevelopmentNote>> {
    const text = input.text.trim();
    const problems = checkNote(text);
    if (problems.length > 0) return { kind: 'invalid', problems };
    const now = this.clock();
    const note: DevelopmentNote = {
      id: input.id,
      tenantId: owner.tenantId,
      ownerAadObjectId: owner.aadObjectId,
      kind: 'note',
      text,
      sharedWithManager: input.sharedWithManager,
      createdAt: now,
      updatedAt: now,
    };
    return this.insertOnce(note, (a, b) => a.kind === 'note' && a.text === b.text);
  }

  async updateNote(
    owner: Owner,
    id: string,
    change: { text?: string; sharedWithManager?: boolean },
  ): Promise<
    | { kind: 'updated'; note: DevelopmentNote }
    | { kind: 'not_found' }
    | { kind: 'invalid'; problems: LedgerProblem[] }
  > {
    const current = await this.entries.get(owner.tenantId, owner.aadObjectId, id);
    if (!current || current.kind !== 'note') return { kind: 'not_found' };
    const text = change.text === undefined ? current.text : change.text.trim();
    const problems = checkNote(text);
    if (problems.length > 0) return { kind: 'invalid', problems };
    const note: DevelopmentNote = {
      ...current,
      text,
      sharedWithManager: change.sharedWithManager ?? current.sharedWithManager,
      updatedAt: this.clock(),
    };
    return (await this.entries.replaceNote(note)) ? { kind: 'updated', note } : { kind: 'not_found' };
  }

  async remove(owner: Owner, id: string): Promise<boolean> {
    return this.entries.remove(owner.tenantId, owner.aadObjectId, id);
  }

  private async insertOnce<T extends LedgerEntry>(
    entry: T,
    same: (stored: LedgerEntry, entry: T) => boolean,
  ): Promise<AddOutcome<T>> {
    if (await this.entries.insert(entry)) return { kind: 'created', entry };
    const stored = await this.entries.get(entry.tenantId, entry.ownerAadObjectId, entry.id);
    return stored && same(stored, entry) ? { kind: 'exists', entry: stored as T } : { kind: 'conflict' };
  }
}
