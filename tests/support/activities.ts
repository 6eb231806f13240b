import { randomUUID } from 'node:crypto';

/** Teams-shaped activities, as Teams sends them to a bot (fields and casing as on the wire). */

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT_ID = '28:00000000-0000-0000-0000-00000000b07a';

export interface Person {
  aadObjectId: string;
  name: string;
  locale?: string;
  timezone?: string;
}

export function person(name: string, locale = 'nl-NL', timezone = 'Europe/Amsterdam'): Person {
  return { aadObjectId: randomUUID(), name, locale, timezone };
}

function base<C extends { id: string }>(serviceUrl: string, who: Person, conversation: C) {
  return {
    id: `f:${randomUUID()}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    from: { id: `29:${who.aadObjectId}`, name: who.name, aadObjectId: who.aadObjectId },
    recipient: { id: BOT_ID, name: 'Werkplekleren+' },
    conversation,
    channelData: { tenant: { id: TENANT_ID } },
    ...(who.locale ? { locale: who.locale } : {}),
    entities: [
      {
        type: 'clientInfo',
        ...(who.locale ? { locale: who.locale } : {}),
        country: 'NL',
        platform: 'Web',
        ...(who.timezone ? { timezone: who.timezone } : {}),
      },
    ],
  };
}

/** People as Teams lists them in a chat's roster (`pagedmembers`): Teams user id, name, Entra object id. */
export function rosterMembers(
  people: readonly Person[],
): { id: string; name: string; aadObjectId: string }[] {
  return people.map((p) => ({ id: `29:${p.aadObjectId}`, name: p.name, aadObjectId: p.aadObjectId }));
}

export function personalConversation(who: Person) {
  return { conversationType: 'personal', tenantId: TENANT_ID, id: `a:1${who.aadObjectId.replace(/-/g, '')}` };
}

export function groupConversation(id = `19:${randomUUID().replace(/-/g, '')}@thread.v2`) {
  return { conversationType: 'groupChat', isGroup: true, tenantId: TENANT_ID, id };
}

export function message(
  serviceUrl: string,
  who: Person,
  text: string,
  conversation = personalConversation(who),
) {
  const activity = { ...base(serviceUrl, who, conversation), type: 'message', text, textFormat: 'plain' };
  // In group chats Teams only delivers messages that @mention the bot, with a mention entity for it.
  const mention = /<at>[^<]*<\/at>/.exec(text);
  if (mention) {
    activity.entities = [
      ...activity.entities,
      { type: 'mention', text: mention[0], mentioned: { id: BOT_ID, name: 'Werkplekleren+' } } as never,
    ];
  }
  return activity;
}

/** What Teams sends when someone installs the app in their personal scope (the bot is the member added). */
export function personalInstall(serviceUrl: string, who: Person) {
  return {
    ...base(serviceUrl, who, personalConversation(who)),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT_ID }],
  };
}

export function installationUpdate(
  serviceUrl: string,
  who: Person,
  conversation = personalConversation(who),
) {
  return { ...base(serviceUrl, who, conversation), type: 'installationUpdate', action: 'add' };
}

export function groupInstall(serviceUrl: string, who: Person, conversation = groupConversation()) {
  return {
    ...base(serviceUrl, who, conversation),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT_ID }],
  };
}

/** What Teams sends when someone presses an Action.Submit button on a card the bot sent. */
export function cardSubmit(
  serviceUrl: string,
  who: Person,
  value: Record<string, unknown>,
  conversation = personalConversation(who),
) {
  return { ...base(serviceUrl, who, conversation), type: 'message', value, replyToId: 'card-activity-1' };
}

/** A conversationUpdate as the Agents Playground sends it: no locale, no clientInfo. */
export function personalInstallWithoutLocale(serviceUrl: string, who: Person) {
  const { locale: _locale, entities: _entities, ...rest } = personalInstall(serviceUrl, who);
  return rest;
}

/** What Teams sends when someone presses an Action.Execute button: the inputs are merged into `data`. */
export function cardExecute(
  serviceUrl: string,
  who: Person,
  verb: string,
  data: Record<string, unknown>,
  conversation = personalConversation(who),
) {
  return {
    ...base(serviceUrl, who, conversation),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'card-activity-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
