import {
  checkNote,
  checkTimeEntry,
  LEDGER_LIMITS,
  totalsOf,
  type DevelopmentNote,
  type LearningKind,
  type LedgerEntry,
  type LedgerProblem,
  type LedgerRepository,
  type LedgerTotals,
  type TimeEntry,
} from './ledger';
import { validatedOnly, type ProposalReader } from './proposal';
import type { Owner } from './traject.service';

export type AddOutcome<T> =
  | { kind: 'created'; entry: T }
  /** The same entry arrived again (a retried request): nothing changed. */
  | { kind: 'exists'; entry: T }
  /** The id is taken by a different entry: nothing changed. */
  | { kind: 'conflict' }
  | { kind: 'invalid'; problems: LedgerProblem[] };

export type NoteUpdateOutcome =
  | { kind: 'updated'; note: DevelopmentNote }
  | { kind: 'not_found' }
  | { kind: 'invalid'; problems: LedgerProblem[] }
  /** The note changed since the version the edit was made on (another device or window): nothing changed. */
  | { kind: 'conflict'; note: DevelopmentNote };

export class LedgerService {
  /**
   * `proposals` is where validated proposals are counted; until the videoframe writes any (or while it is
   * not wired), there are none to count.
   */
  constructor(
    private readonly entries: LedgerRepository,
    private readonly clock: () => Date,
    private readonly proposals?: Pick<ProposalReader, 'forContributor'>,
  ) {}

  list(owner: Owner): Promise<LedgerEntry[]> {
    return this.entries.list(owner.tenantId, owner.aadObjectId);
  }

  async totals(owner: Owner): Promise<LedgerTotals> {
    const [entries, proposals] = await Promise.all([
      this.list(owner),
      this.proposals ? this.proposals.forContributor(owner.tenantId, owner.aadObjectId) : [],
    ]);
    return totalsOf(entries, validatedOnly(proposals).length);
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

  /**
   * Credits a circle session's time to a member's ledger: once per session and member (`id` is derived from
   * the session, so running this again after a retry or on another replica adds nothing).
   */
  async creditSession(
    owner: Owner,
    input: { id: string; what: string; date: string; minutes: number },
  ): Promise<AddOutcome<TimeEntry>> {
    const entry: TimeEntry = {
      id: input.id,
      tenantId: owner.tenantId,
      ownerAadObjectId: owner.aadObjectId,
      kind: 'time',
      source: 'session',
      learningKind: 'other',
      what: input.what.trim().slice(0, LEDGER_LIMITS.whatMaxLength),
      date: input.date,
      minutes: input.minutes,
      createdAt: this.clock(),
    };
    return this.insertOnce(entry, (a) => a.kind === 'time' && a.source === 'session');
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
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    return this.insertOnce(note, (a, b) => a.kind === 'note' && a.text === b.text);
  }

  /**
   * Changes a note's text or whether it is shared. With `version`, the change is made only on that version
   * (an edit made on an older screen never overwrites a newer text). A change that asks for what the note
   * already says changes nothing and succeeds, so a retried request is harmless.
   */
  async updateNote(
    owner: Owner,
    id: string,
    change: { text?: string; sharedWithManager?: boolean; version?: number },
  ): Promise<NoteUpdateOutcome> {
    const current = await this.entries.get(owner.tenantId, owner.aadObjectId, id);
    if (!current || current.kind !== 'note') return { kind: 'not_found' };
    const text = change.text === undefined ? current.text : change.text.trim();
    const problems = checkNote(text);
    if (problems.length > 0) return { kind: 'invalid', problems };
    const sharedWithManager = change.sharedWithManager ?? current.sharedWithManager;
    if (text === current.text && sharedWithManager === current.sharedWithManager) {
      return { kind: 'updated', note: current };
    }
    if (change.version !== undefined && change.version !== current.version) {
      return { kind: 'conflict', note: current };
    }
    const note: DevelopmentNote = {
      ...current,
      text,
      sharedWithManager,
      version: current.version + 1,
      updatedAt: this.clock(),
    };
    if (await this.entries.replaceNote(note, current.version)) return { kind: 'updated', note };
    // Another change won the race in between.
    const winner = await this.entries.get(owner.tenantId, owner.aadObjectId, id);
    if (!winner || winner.kind !== 'note') return { kind: 'not_found' };
    return winner.text === text && winner.sharedWithManager === sharedWithManager
      ? { kind: 'updated', note: winner }
      : { kind: 'conflict', note: winner };
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
