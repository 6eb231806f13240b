/**
 * The Prof-cirkel: a small self-chosen group of colleagues (3 to 6) that learns together, formed in the
 * group chat or channel where it meets. Pure rules; no Teams, no MongoDB.
 */
import type { Locale } from './locale';

export const CIRCLE_LIMITS = {
  minMembers: 3,
  maxMembers: 6,
  nameMaxLength: 60,
  /** How many circles one person may be in at once, unless the organisation configures otherwise. */
  defaultMaxCirclesPerMember: 2,
} as const;

export const DEFAULT_CIRCLE_TIME_ZONE = 'Europe/Amsterdam';

export interface CircleMember {
  aadObjectId: string;
  name: string;
  /** The Teams user id (MRI, "29:…") from the chat's roster: whose card view refreshes (session cards). */
  teamsUserId?: string | undefined;
}

/** Where the circle's chat is, so the bot can post there later (plain data, as in ProactiveAddress). */
export interface CircleChat {
  conversationId: string;
  conversationType: 'groupChat' | 'channel';
  channelId: string;
  serviceUrl: string;
  botId: string;
  botName: string | undefined;
}

export interface Circle {
  id: string;
  tenantId: string;
  name: string;
  locale: Locale;
  timeZone: string;
  chat: CircleChat;
  members: CircleMember[];
  createdBy: string;
  /** The card submission that made the last change, so a resent invoke is recognised. */
  lastSubmissionId: string;
  /**
   * 'forming' while the members' places are being taken (version 0), 'formed' after (version 1 and up). A
   * forming circle holds the chat, so a resent or concurrent form card cannot start a second one.
   */
  status: 'forming' | 'formed';
  /** The circle's own session settings, chosen on a kick-off card; absent: the videoframe's defaults. */
  sessionSettings?: { timeboxes: number[]; anonymousBrainstorm: boolean } | undefined;
  /** 0 while forming, 1 once formed; every change adds one. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type CircleProblem =
  | { code: 'name_required' }
  | { code: 'name_too_long'; max: number }
  | { code: 'too_few'; min: number }
  | { code: 'too_many'; max: number }
  | { code: 'not_in_chat'; names: string[] }
  | { code: 'too_many_circles'; names: string[]; max: number }
  | { code: 'name_taken' }
  | { code: 'already_member'; names: string[] }
  | { code: 'not_a_member' }
  | { code: 'chat_has_circle' };

/** The rules a new circle's name and members must keep, given the chat's roster. */
export function checkFormation(
  name: string,
  memberIds: readonly string[],
  roster: readonly CircleMember[],
): CircleProblem[] {
  const problems: CircleProblem[] = [];
  const trimmed = name.trim();
  if (!trimmed) problems.push({ code: 'name_required' });
  else if (trimmed.length > CIRCLE_LIMITS.nameMaxLength) {
    problems.push({ code: 'name_too_long', max: CIRCLE_LIMITS.nameMaxLength });
  }
  const unique = [...new Set(memberIds.map((id) => id.toLowerCase()))];
  if (unique.length < CIRCLE_LIMITS.minMembers)
    problems.push({ code: 'too_few', min: CIRCLE_LIMITS.minMembers });
  if (unique.length > CIRCLE_LIMITS.maxMembers)
    problems.push({ code: 'too_many', max: CIRCLE_LIMITS.maxMembers });
  const inChat = new Set(roster.map((m) => m.aadObjectId.toLowerCase()));
  const strangers = unique.filter((id) => !inChat.has(id));
  if (strangers.length > 0) problems.push({ code: 'not_in_chat', names: strangers });
  return problems;
}

/** The members, in the roster's spelling and with the roster's names (ids as the card sent them are not trusted). */
export function membersFromRoster(
  memberIds: readonly string[],
  roster: readonly CircleMember[],
): CircleMember[] {
  const wanted = new Set(memberIds.map((id) => id.toLowerCase()));
  const seen = new Set<string>();
  return roster.filter((m) => {
    const id = m.aadObjectId.toLowerCase();
    if (!wanted.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export interface CircleRepository {
  findByChat(tenantId: string, conversationId: string): Promise<Circle | undefined>;
  findById(tenantId: string, circleId: string): Promise<Circle | undefined>;
  /** False when the chat already has a circle (another submission formed it first). */
  create(circle: Circle): Promise<'created' | 'chat_taken' | 'name_taken'>;
  /** Saves `circle` as version expectedVersion + 1; false when the stored version moved on. */
  update(circle: Circle, expectedVersion: number): Promise<boolean>;
  /** Removes a circle that is still forming (its formation failed or was abandoned). */
  removeForming(circle: Circle): Promise<void>;
  /** The circles a person is in. */
  listForMember(tenantId: string, aadObjectId: string): Promise<Circle[]>;
  /**
   * Takes one of a person's `max` circle places for `circleId`; false when all are taken. Atomic across
   * replicas (one unique insert per place), so two circles formed at once cannot both take the last place.
   */
  claimPlace(tenantId: string, aadObjectId: string, circleId: string, max: number): Promise<boolean>;
  /** Gives back the place a person holds for `circleId` (nothing when they hold none). */
  releasePlace(tenantId: string, aadObjectId: string, circleId: string, max: number): Promise<void>;
}
