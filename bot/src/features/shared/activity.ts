import { TurnContext, type Activity } from 'botbuilder';
import type { Logger } from 'pino';
import { normaliseTimeZone, resolveLocale, type Locale } from '../../domain/locale';
import type { FirstContact, ProactiveAddress } from '../../domain/professional';

export type ConversationKind = 'personal' | 'groupChat' | 'channel' | 'unknown';

export function conversationKind(activity: Partial<Activity>): ConversationKind {
  const type = activity.conversation?.conversationType;
  // Older clients and hand-written activities may leave conversationType out of one-to-one chats.
  if (type === undefined || type === 'personal')
    return activity.conversation?.isGroup ? 'groupChat' : 'personal';
  if (type === 'groupChat' || type === 'channel') return type;
  return 'unknown';
}

export function tenantIdOf(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  if (typeof fromChannelData === 'string' && fromChannelData) return fromChannelData;
  return activity.conversation?.tenantId || undefined;
}

export function meetingIdOf(activity: Partial<Activity>): string | undefined {
  const id = (activity.channelData as { meeting?: { id?: unknown } } | undefined)?.meeting?.id;
  return typeof id === 'string' ? id : undefined;
}

/** Teams puts the client's locale and IANA time zone in a `clientInfo` entity. */
function clientInfo(activity: Partial<Activity>): { locale?: string; timezone?: string } {
  const entity = activity.entities?.find((e) => e.type === 'clientInfo') as
    { locale?: unknown; timezone?: unknown } | undefined;
  return {
    locale: typeof entity?.locale === 'string' ? entity.locale : undefined,
    timezone: typeof entity?.timezone === 'string' ? entity.timezone : undefined,
  };
}

export function localeOf(activity: Partial<Activity>, fallback: Locale): Locale {
  return resolveLocale(activity.locale ?? clientInfo(activity).locale, fallback);
}

/** The locale the activity itself states, if any (not a fallback). */
export function statedLocaleOf(activity: Partial<Activity>): Locale | undefined {
  const stated = activity.locale ?? clientInfo(activity).locale;
  return stated ? resolveLocale(stated) : undefined;
}

/**
 * The person behind an activity, as the channel vouches for them. Identity comes from the activity's
 * `from.aadObjectId` after channel authentication, never from anything a person typed.
 */
export function contactFromActivity(activity: Partial<Activity>): FirstContact | undefined {
  const aadObjectId = activity.from?.aadObjectId;
  const tenantId = tenantIdOf(activity);
  if (!aadObjectId || !tenantId) return undefined;
  return {
    tenantId,
    aadObjectId,
    name: activity.from?.name ?? '',
    locale: statedLocaleOf(activity),
    timeZone: normaliseTimeZone(clientInfo(activity).timezone),
    address: conversationKind(activity) === 'personal' ? addressOf(activity, tenantId) : undefined,
  };
}

function addressOf(activity: Partial<Activity>, tenantId: string): ProactiveAddress | undefined {
  const ref = TurnContext.getConversationReference(activity);
  if (!ref.serviceUrl || !ref.conversation?.id || !ref.bot?.id || !ref.user?.id || !ref.channelId)
    return undefined;
  return {
    channelId: ref.channelId,
    serviceUrl: ref.serviceUrl,
    conversationId: ref.conversation.id,
    conversationType: ref.conversation.conversationType,
    tenantId,
    botId: ref.bot.id,
    botName: ref.bot.name,
    userId: ref.user.id,
  };
}

/** True when the bot itself is among the members just added, i.e. the app was installed in this conversation. */
export function botWasAdded(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  return !!botId && (activity.membersAdded ?? []).some((m) => m.id === botId);
}

const LOGGER_KEY = Symbol('werkplekleren.logger');

export function attachLogger(context: TurnContext, logger: Logger): void {
  context.turnState.set(LOGGER_KEY, logger);
}

export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  return context.turnState.get<Logger | undefined>(LOGGER_KEY) ?? fallback;
}
