import type { Collection, Db, Document, ObjectId } from 'mongodb';
import type { Logger } from 'pino';
import type { PersonSweep, SweptPerson } from '../domain/data-rights.service';
import type { Locale } from '../domain/locale';
import {
  foldForNames,
  NAME_PARTICLES,
  nameMatcher,
  nameParts,
  type NameMatcher,
  type NameMention,
} from '../domain/person-names';
import { capitalisedAt, forgetReferences, formerMemberWords } from '../domain/person-ref';
import { COLLECTIONS } from './collections';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * The last pass of an erasure, over every collection: whatever the targeted steps (data-rights.service.ts)
 * left that still holds the person's Entra id, a Teams id of theirs or their name, in any field. It is the
 * safety net for fields nobody thought of, and the one place that reaches other people's free text that
 * named them ("Femkes idee werkt" in a colleague's contribution).
 *
 * - A document whose `_id` holds one of their ids is theirs (a circle place, their chat's turn state), and so
 *   is a card for their own chat: it is removed.
 * - In every other string: their person tokens become the former-member token, their ids become "erased",
 *   and a mention of their name becomes "een oud-lid" / "a former member" in the document's language.
 *   A mention that could as well be a living colleague (a shared first name, "van den Berg" when a colleague
 *   is a Van den Berg too) is left: it cannot be told apart, and a colleague's name is theirs.
 * - An array element or an object key that is one of their ids is removed or renamed.
 *
 * It scans the tenant's documents (and those without a tenant: turn state, claims) collection by collection:
 * an erasure is rare, and FerretDB scans for any filter anyway. A document is written back only when it
 * changed, guarded by its `version` where it has one.
 */
export class MongoPersonSweep implements PersonSweep {
  constructor(
    private readonly db: Db,
    private readonly options: { defaultLocale: Locale; logger?: Logger | undefined },
  ) {}

  async known(tenantId: string, aadObjectId: string): Promise<{ names: string[]; teamsIds: string[] }> {
    const me = aadObjectId.toLowerCase();
    const names = new Set<string>();
    const teamsIds = new Set<string>();
    const professional = await this.db
      .collection(COLLECTIONS.professionals)
      .findOne({ tenantId, aadObjectId: { $in: [aadObjectId, me] } });
    if (typeof professional?.name === 'string') names.add(professional.name);
    const address = professional?.address as { userId?: unknown; conversationId?: unknown } | undefined;
    if (typeof address?.userId === 'string') teamsIds.add(address.userId);
    if (typeof address?.conversationId === 'string') teamsIds.add(address.conversationId);
    // Teams' display name in a roster may differ from the one on the person's own activities.
    const collect = (member: unknown) => {
      const m = member as { aadObjectId?: unknown; name?: unknown; teamsUserId?: unknown };
      if (typeof m.aadObjectId !== 'string' || m.aadObjectId.toLowerCase() !== me) return;
      if (typeof m.name === 'string' && m.name.trim()) names.add(m.name);
      if (typeof m.teamsUserId === 'string' && m.teamsUserId) teamsIds.add(m.teamsUserId);
    };
    for (const circle of await this.db
      .collection(COLLECTIONS.circles)
      .find({ tenantId, memberAadObjectIds: me })
      .toArray())
      for (const m of (circle.members as unknown[] | undefined) ?? []) collect(m);
    for (const session of await this.db
      .collection(COLLECTIONS.sessions)
      .find({ tenantId, memberAadObjectIds: me })
      .toArray())
      for (const m of (session.state as { header?: { members?: unknown[] } })?.header?.members ?? [])
        collect(m);
    return { names: [...names], teamsIds: [...teamsIds] };
  }

  async erase(person: SweptPerson): Promise<{ changed: number; removed: number }> {
    const ids = [person.aadObjectId, ...person.teamsIds]
      .map((id) => id.trim())
      .filter((id) => id.length >= 6)
      .map((id) => id.toLowerCase())
      // Longest first: "29:<id>" goes whole before the id inside it.
      .sort((a, b) => b.length - a.length);
    const mentions = await this.matcherFor(person);
    const locales = new Map<string, Locale>();
    let changed = 0;
    let removed = 0;
    const counts: Record<string, { changed: number; removed: number }> = {};
    // Circles and sessions first: the language of the documents that refer to them is theirs.
    const order = [
      COLLECTIONS.circles,
      COLLECTIONS.sessions,
      ...Object.values(COLLECTIONS).filter((c) => c !== COLLECTIONS.circles && c !== COLLECTIONS.sessions),
    ];
    for (const name of order) {
      const collection = this.db.collection<Document>(name);
      const cursor = collection.find({
        $or: [{ tenantId: person.tenantId }, { tenantId: { $exists: false } }],
      });
      const count = { changed: 0, removed: 0 };
      const unique = await uniqueKeys(collection);
      for await (const doc of cursor) {
        const id = String(doc._id);
        if (name === COLLECTIONS.professionals && sameId(doc.aadObjectId, person.aadObjectId)) continue;
        // A card for their own chat (whatever its key) is theirs too: it must not be sent, nor kept.
        const forThem =
          name === COLLECTIONS.deliveries &&
          typeof doc.conversationId === 'string' &&
          ids.includes(doc.conversationId.toLowerCase());
        if (forThem || ids.some((x) => id.toLowerCase().includes(x))) {
          await collection.deleteOne({ _id: doc._id });
          count.removed++;
          continue;
        }
        const locale = localeOf(name, doc, locales) ?? this.options.defaultLocale;
        rememberLocale(name, doc, locales);
        const scrub = scrubber(ids, person.aadObjectId, mentions, locale);
        const { _id, ...rest } = doc;
        const next = scrub.value(rest) as Document;
        if (!scrub.changed) continue;
        await this.write(name, unique, doc, next, ids, person, mentions, locale);
        count.changed++;
      }
      if (count.changed + count.removed > 0) counts[name] = count;
      changed += count.changed;
      removed += count.removed;
    }
    this.options.logger?.info({ counts }, 'erasure sweep done');
    return { changed, removed };
  }

  /**
   * Written back whole. A unique key the new text would collide with (two circles named after them) gets a
   * number: looked for first, as FerretDB 1.24 reports a unique violation on an update as an internal error
   * (code 1), not E11000; a race with another writer on MongoDB still ends in E11000 and is tried again.
   */
  private async write(
    name: string,
    unique: readonly string[][],
    doc: Document,
    next: Document,
    ids: string[],
    person: SweptPerson,
    mentions: PersonMentions,
    locale: Locale,
  ): Promise<void> {
    const collection = this.db.collection(name);
    const guard = typeof doc.version === 'number' ? { version: doc.version } : {};
    for (let n = 1; n <= 20; n++) {
      const body =
        n === 1
          ? next
          : (scrubber(ids, person.aadObjectId, mentions, locale, ` ${n}`).value(
              Object.fromEntries(Object.entries(doc).filter(([k]) => k !== '_id')),
            ) as Document);
      const taken = await Promise.all(
        unique
          .filter((fields) => fields.some((f) => body[f] !== doc[f]))
          .map((fields) =>
            collection.findOne(
              { _id: { $ne: doc._id as ObjectId }, ...Object.fromEntries(fields.map((f) => [f, body[f]])) },
              { projection: { _id: 1 } },
            ),
          ),
      );
      if (taken.some((other) => other !== null)) continue;
      try {
        await collection.replaceOne({ _id: doc._id as ObjectId, ...guard }, body);
        return;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    throw new Error(`erasure sweep: no free unique value for a document in ${name}`);
  }

  /**
   * Their names as mentions to remove, and whether a mention could as well be a living colleague's: one
   * whose name holds the mention's parts in that order (a shared first name, "van den Berg"). Only the
   * colleagues who share a part with them are kept for that, so a tenant of 50,000 costs one read.
   */
  private async matcherFor(person: SweptPerson): Promise<PersonMentions> {
    const { tenantId } = person;
    const theirs = new Set(
      person.names.flatMap(nameParts).filter((p) => p.length > 1 && !NAME_PARTICLES.has(p)),
    );
    const living = new Map<string, string[][]>();
    const add = (p: { aadObjectId?: unknown; name?: unknown }) => {
      if (typeof p.name !== 'string' || typeof p.aadObjectId !== 'string') return;
      if (sameId(p.aadObjectId, person.aadObjectId)) return;
      const parts = nameParts(p.name);
      for (const part of new Set(parts))
        if (theirs.has(part)) living.set(part, [...(living.get(part) ?? []), parts]);
    };
    const professionals = this.db.collection(COLLECTIONS.professionals);
    for (const p of await professionals
      .find({ tenantId }, { projection: { aadObjectId: 1, name: 1 } })
      .toArray())
      add(p as { aadObjectId?: unknown; name?: unknown });
    // Circle members Teams listed who never spoke to the bot have no record of their own, only this name.
    const circles = this.db.collection(COLLECTIONS.circles);
    for (const c of await circles.find({ tenantId }, { projection: { members: 1 } }).toArray())
      for (const m of (c.members as { aadObjectId?: unknown; name?: unknown }[] | undefined) ?? []) add(m);
    const matcher = nameMatcher(person.names.map((name) => ({ ref: GONE, name })));
    return {
      matcher,
      shared: (mention) => {
        const words = foldForNames(mention.text.slice(0, mention.text.length - mention.suffix.length))
          .split(/[^\p{L}]+/u)
          .filter((w) => w.length > 1 && !NAME_PARTICLES.has(w));
        const first = words[0];
        return first !== undefined && (living.get(first) ?? []).some((parts) => inOrder(words, parts));
      },
    };
  }
}

interface PersonMentions {
  matcher: NameMatcher;
  /** The mention could be a living colleague's as well. */
  shared: (mention: NameMention) => boolean;
}

/** Whether `words` appear in `parts` in this order (not necessarily next to each other). */
function inOrder(words: readonly string[], parts: readonly string[]): boolean {
  let at = 0;
  for (const part of parts) if (part === words[at]) at++;
  return at === words.length;
}

const GONE = 'gone';

/** The fields of each unique index but `_id`'s: what a rewritten document could collide on. */
async function uniqueKeys(collection: Collection<Document>): Promise<string[][]> {
  return (await collection.listIndexes().toArray())
    .filter((i: Document) => i.unique === true && i.name !== '_id_')
    .map((i: Document) => Object.keys(i.key as Document));
}

const sameId = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

function localeOf(collection: string, doc: Document, known: Map<string, Locale>): Locale | undefined {
  const pick = (v: unknown) => (v === 'nl' || v === 'en' ? v : undefined);
  if (collection === COLLECTIONS.sessions)
    return pick((doc.state as { header?: { locale?: unknown } } | undefined)?.header?.locale);
  if (collection === COLLECTIONS.sessionEvents && typeof doc.sessionId === 'string')
    return known.get(`session:${doc.sessionId}`);
  if (typeof doc.circleId === 'string' && known.has(`circle:${doc.circleId}`))
    return known.get(`circle:${doc.circleId}`);
  return pick(doc.locale);
}

function rememberLocale(collection: string, doc: Document, known: Map<string, Locale>): void {
  const own: unknown = doc.locale;
  if (collection === COLLECTIONS.circles && typeof doc.id === 'string' && (own === 'nl' || own === 'en'))
    known.set(`circle:${doc.id}`, own);
  const locale = (doc.state as { header?: { locale?: unknown } } | undefined)?.header?.locale;
  if (collection === COLLECTIONS.sessions && (locale === 'nl' || locale === 'en'))
    known.set(`session:${String(doc._id)}`, locale);
}

/** Walks a value and gives it back without the person; `changed` says whether anything was taken out. */
function scrubber(
  ids: readonly string[],
  aadObjectId: string,
  mentions: PersonMentions,
  locale: Locale,
  standInSuffix = '',
): { value: (v: unknown) => unknown; changed: boolean } {
  const standIn = `${formerMemberWords(locale)}${standInSuffix}`;
  const state = { changed: false };
  const isId = (s: string) => ids.includes(s.trim().toLowerCase());
  const text = (s: string): string => {
    let out = forgetReferences(s, aadObjectId);
    for (const id of ids) out = replaceAllInsensitive(out, id, 'erased');
    out = mentions.matcher.replace(out, (m) => {
      if (mentions.shared(m)) return m.text;
      const possessive = /^['’]?s$|^['’]$/.test(m.suffix);
      const words = capitalisedAt(out, m.start, standIn);
      return possessive ? `${words}’s` : words;
    });
    if (out !== s) state.changed = true;
    return out;
  };
  const value = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) {
      const kept = v.filter((item) => !(typeof item === 'string' && isId(item)));
      if (kept.length !== v.length) state.changed = true;
      return kept.map(value);
    }
    if (v && typeof v === 'object' && !(v instanceof Date) && v.constructor === Object) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(v)) {
        let k = key;
        if (ids.some((id) => key.toLowerCase().includes(id))) {
          state.changed = true;
          k = 'erased';
          for (let n = 2; k in out || k in (v as Record<string, unknown>); n++) k = `erased-${n}`;
        }
        out[k] = value(inner);
      }
      return out;
    }
    return v;
  };
  return {
    value,
    get changed() {
      return state.changed;
    },
  };
}

/** By a regular expression, not by offsets in a lower-cased copy: lower-casing "İ" makes it two characters. */
function replaceAllInsensitive(text: string, needle: string, by: string): string {
  if (!text.toLowerCase().includes(needle)) return text;
  return text.replace(new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), by);
}
