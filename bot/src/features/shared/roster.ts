import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { CircleMember } from '../../domain/circle';

/** Enough for any group chat (at most 250 people) and a sizeable team; a bigger roster is cut off here. */
const MAX_PAGES = 5;
const PAGE_SIZE = 100;

/**
 * The people in this chat or team, as Teams lists them (`GET v3/conversations/{id}/pagedmembers`), with their
 * Entra object ids. Bots and guests without an Entra id are left out: they cannot be circle members.
 */
export async function rosterOf(context: TurnContext): Promise<CircleMember[]> {
  const members: CircleMember[] = [];
  let continuationToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await TeamsInfo.getPagedMembers(context, PAGE_SIZE, continuationToken);
    for (const member of result.members ?? []) {
      if (member.aadObjectId)
        members.push({
          aadObjectId: member.aadObjectId,
          name: member.name ?? '',
          ...(member.id ? { teamsUserId: member.id } : {}),
        });
    }
    continuationToken = result.continuationToken || undefined;
    if (!continuationToken) break;
  }
  return members;
}
