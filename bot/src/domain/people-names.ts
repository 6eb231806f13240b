import type { Locale } from './locale';
import type { CardSender, OutgoingActivity } from './outbox';
import { hasTokens, inJsonString, referencesIn, renderPeople } from './person-ref';
import type { Circle } from './circle';
import type { Professional } from './professional';
import type { ProposalReader, ProposalSummary } from './proposal';

/** Who people are now: the names the product shows for person tokens come from their own records. */
export interface PeopleDirectory {
  find(tenantId: string, aadObjectId: string): Promise<{ name: string; locale?: Locale } | undefined>;
}

/**
 * People as the product knows them: their own record, else the name Teams gave them in a circle's roster
 * (members who never opened a chat with the bot have no record of their own).
 */
export function peopleDirectory(
  professionals: {
    findByAadObjectId(tenantId: string, aadObjectId: string): Promise<Professional | undefined>;
  },
  circles: { listForMember(tenantId: string, aadObjectId: string): Promise<Circle[]> },
): PeopleDirectory {
  return {
    async find(tenantId, aadObjectId) {
      const own = await professionals.findByAadObjectId(tenantId, aadObjectId);
      if (own) return { name: own.name, locale: own.locale };
      const me = aadObjectId.toLowerCase();
      for (const circle of await circles.listForMember(tenantId, aadObjectId)) {
        const member = circle.members.find((m) => m.aadObjectId.toLowerCase() === me);
        if (member?.name) return { name: member.name };
      }
      return undefined;
    },
  };
}

/**
 * The names behind the tokens of these texts, looked up once per person: people the product has no record
 * of (erased, or never met) are absent and shown as a stand-in.
 */
export async function namesFor(
  directory: PeopleDirectory,
  tenantId: string,
  texts: readonly string[],
): Promise<Map<string, string>> {
  const refs = new Set(texts.flatMap(referencesIn));
  const names = new Map<string, string>();
  for (const ref of refs) {
    const person = await directory.find(tenantId, ref);
    if (person?.name) names.set(ref, person.name);
  }
  return names;
}

/**
 * Proposals as people read them: a title the model drafted refers to people by token, and is shown with
 * their names as they are now (every reader of proposals: the tab, the manager's view, the talent cards and
 * the export). The stand-in words are in the contributor's language.
 */
export function proposalsWithNames(
  reader: ProposalReader,
  directory: PeopleDirectory,
  defaultLocale: Locale,
): ProposalReader {
  return {
    forgetContributor: (tenantId, aadObjectId) => reader.forgetContributor(tenantId, aadObjectId),
    async forContributor(tenantId, aadObjectId): Promise<ProposalSummary[]> {
      const proposals = await reader.forContributor(tenantId, aadObjectId);
      if (!proposals.some((p) => hasTokens(p.title))) return proposals;
      const names = await namesFor(
        directory,
        tenantId,
        proposals.map((p) => p.title),
      );
      const locale = (await directory.find(tenantId, aadObjectId))?.locale ?? defaultLocale;
      return proposals.map((p) => ({ ...p, title: renderPeople(p.title, (ref) => names.get(ref), locale) }));
    },
  };
}

/**
 * The outbox's sender with names put in at the moment of sending: cards wait in the outbox with person
 * tokens (nothing with a name is stored for delivery), and the Bot Connector gets them with the names the
 * recipients' records hold then. The stand-in words follow the activity's `locale`.
 */
export function namesAtSend(
  sender: CardSender,
  directory: PeopleDirectory,
  defaultLocale: Locale,
): CardSender {
  return {
    async send(address, activity) {
      const json = JSON.stringify(activity);
      if (!hasTokens(json)) return sender.send(address, activity);
      const names = await namesFor(directory, address.tenantId, [json]);
      const locale = activity.locale === 'en' || activity.locale === 'nl' ? activity.locale : defaultLocale;
      // Names go in as JSON string content: quotes and backslashes in a name must not end the string.
      const rendered = renderPeople(json, (ref) => inJsonString(names.get(ref)), locale);
      return sender.send(address, JSON.parse(rendered) as OutgoingActivity);
    },
  };
}
