import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { weekOf } from '../../bot/src/domain/ledger';
import type { CycleDocument } from '../../bot/src/store/mongo-cycle.repository';
import type { ProposalDocument } from '../../bot/src/store/mongo-proposal.repository';

/**
 * Cycles and proposals as the later features will write them, in the documented shapes (the types come
 * from the repositories that read them), inserted with the real driver.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A cycle whose four sessions start `firstInHours` from now, one a day, one hour each. */
export async function seedCycle(
  db: Db,
  input: {
    tenantId: string;
    circleName: string;
    members: string[];
    firstInHours: number;
    status?: CycleDocument['status'];
    joinUrl?: (dayIndex: number) => string | undefined;
  },
): Promise<CycleDocument> {
  const first = Date.now() + input.firstInHours * HOUR;
  const doc: CycleDocument = {
    tenantId: input.tenantId,
    circleId: randomUUID(),
    circleName: input.circleName,
    memberAadObjectIds: input.members,
    weekStart: weekOf(new Date(first).toISOString().slice(0, 10)),
    status: input.status ?? 'planned',
    sessions: [0, 1, 2, 3].map((dayIndex) => {
      const joinUrl = input.joinUrl?.(dayIndex);
      return {
        dayIndex,
        start: new Date(first + dayIndex * DAY),
        end: new Date(first + dayIndex * DAY + HOUR),
        ...(joinUrl === undefined ? {} : { joinUrl }),
        status: 'planned' as const,
      };
    }),
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  await db.collection<CycleDocument>('cycles').insertOne({ ...doc });
  return doc;
}

export async function seedProposal(
  db: Db,
  input: {
    tenantId: string;
    title: string;
    contributors: string[];
    status: ProposalDocument['status'];
    question?: number;
    /** How long ago it was made; newer ones come first. */
    minutesAgo: number;
  },
): Promise<ProposalDocument> {
  const doc: ProposalDocument = {
    id: randomUUID(),
    idempotencyKey: `${randomUUID()}:proposal`,
    tenantId: input.tenantId,
    circleId: randomUUID(),
    title: input.title,
    contributorAadObjectIds: input.contributors,
    ...(input.question === undefined ? {} : { question: input.question }),
    status: input.status,
    createdAt: new Date(Date.now() - input.minutesAgo * 60_000),
  };
  await db.collection<ProposalDocument>('proposals').insertOne({ ...doc });
  return doc;
}

export const teamsJoinUrl = (tag: string) =>
  `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${tag}%40thread.v2/0`;

/**
 * A planned cycle in the shape the planner itself stores (store/mongo-cycle-plan.repository.ts): four
 * one-hour sessions at 09:00 Amsterdam time on the four days from `weekStart` (a Monday), so a test can
 * start from a plan without going through the planning cards.
 */
export async function seedPlannedCycle(
  db: Db,
  input: {
    tenantId: string;
    circleId: string;
    circleName: string;
    members: readonly string[];
    weekStart: string;
    joinUrl?: string;
  },
): Promise<{ cycleId: string }> {
  const cycleId = randomUUID();
  const day = (i: number) =>
    new Date(Date.parse(`${input.weekStart}T00:00:00Z`) + i * DAY).toISOString().slice(0, 10);
  await db.collection('cycles').insertOne({
    _id: `${input.tenantId}:${input.circleId}:${input.weekStart}` as never,
    id: cycleId,
    tenantId: input.tenantId,
    circleId: input.circleId,
    circleName: input.circleName,
    memberAadObjectIds: input.members.map((m) => m.toLowerCase()),
    weekStart: input.weekStart,
    status: 'planned',
    timeZone: 'Europe/Amsterdam',
    timeOfDay: '09:00',
    durationMinutes: 60,
    sessions: [0, 1, 2, 3].map((i) => ({
      dayIndex: i,
      date: day(i),
      start: new Date(`${day(i)}T08:00:00Z`),
      end: new Date(`${day(i)}T09:00:00Z`),
      status: 'planned',
      sequence: 0,
      ...(input.joinUrl ? { joinUrl: input.joinUrl } : {}),
    })),
    joinUrls: input.joinUrl ? [input.joinUrl] : [],
    planSubmissionId: randomUUID(),
    version: 1,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  return { cycleId };
}
