import { cardExecute, message, type Person } from './activities';
import type { FakeBotConnector } from './bot-connector.fake';
import { postActivity } from './service';

/** The answer of a tab API call: status, raw text and parsed body. */
export interface ApiAnswer {
  status: number;
  text: string;
  body: Record<string, unknown>;
}

/** Calls the tab API as `authorization` (e.g. `Dev <tenantId>:<aadObjectId>` in development mode). */
export async function callTabApi(
  service: { url: string },
  method: string,
  path: string,
  authorization: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
  };
}

export const TRAJECT_INPUTS = {
  startDate: new Date().toISOString().slice(0, 10),
  durationMonths: '6',
  activeWeeksTarget: '20',
  hoursPerWeek: '4',
  questions: '1,9',
  talents: 'Rust brengen in een team',
  learningNeeds: 'AI kritisch inzetten',
};

/**
 * Composes a traject the way a person does: `traject` in the chat, then Save on the card that came back
 * (an Action.Execute invoke). Returns the invoke's answer as text.
 */
export async function composeTraject(
  service: { url: string },
  connector: FakeBotConnector,
  who: Person,
  inputs: Record<string, string> = {},
): Promise<string> {
  const ask = message(connector.serviceUrl, who, 'traject');
  await postActivity(service, ask);
  const card = connector.messages(ask.conversation.id).at(-1)!.body.attachments![0]!.content as {
    actions: { verb: string; data: Record<string, unknown> }[];
  };
  const data = card.actions.find((a) => a.verb === 'traject.save')!.data;
  const answer = await postActivity(
    service,
    cardExecute(connector.serviceUrl, who, 'traject.save', { ...data, ...TRAJECT_INPUTS, ...inputs }),
  );
  return JSON.stringify(answer.body);
}
