/**
 * Which circle (and, when known, which cycle) a Teams meeting chat belongs to, so the bot can post the
 * session cards there. Made when the app is added to the meeting (matched by the meeting's join URL with
 * a planned session) or, when nothing matches, when a circle member says which circle it is.
 */

export interface MeetingChat {
  conversationId: string;
  serviceUrl: string;
  channelId: string;
  botId: string;
  botName: string | undefined;
}

export interface MeetingLink {
  tenantId: string;
  /** Teams' meeting id (channelData.meeting.id). */
  meetingId: string;
  chat: MeetingChat;
  joinUrl: string | undefined;
  title: string | undefined;
  circleId: string;
  /** Set when the join URL matched a planned cycle's session. */
  cycleId: string | undefined;
  linkedBy: string;
  linkedAt: Date;
}

export interface MeetingLinkRepository {
  /** One link per meeting chat; saving again replaces it (re-linking to another circle is allowed). */
  save(link: MeetingLink): Promise<void>;
  findByChat(tenantId: string, conversationId: string): Promise<MeetingLink | undefined>;
  listForCircle(tenantId: string, circleId: string): Promise<MeetingLink[]>;
  /** The right to erasure: who linked a meeting is forgotten (the link stays, for the circle). */
  forgetLinker(tenantId: string, aadObjectId: string): Promise<number>;
}
