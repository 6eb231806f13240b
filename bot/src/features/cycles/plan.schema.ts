import { z } from 'zod/v4';
import type { PlanRequest } from '../../domain/cycle-planner.service';

/** What the plan card sends back (inputs merged into the action's data). Values stay strings until the rules read them. */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const smallInt = z
  .union([z.string().regex(/^\s*\d{1,3}\s*$/), z.number().int().min(0).max(999)])
  .transform(Number);

export const planCardData = z.object({
  week: isoDate,
  startDay: z.enum(['auto', 'monday', 'tuesday']).optional().default('auto'),
  // Teams sends Input.Time as HH:mm; the rules check the range.
  time: z.string().regex(/^\d{2}:\d{2}$/),
  cycles: smallInt,
  everyWeeks: smallInt,
  pauseFrom: z
    .union([isoDate, z.literal('')])
    .optional()
    .default(''),
  pauseTo: z
    .union([isoDate, z.literal('')])
    .optional()
    .default(''),
});

export const confirmPlanData = planCardData.extend({ submissionId: z.string().uuid() });

export type PlanCardData = z.infer<typeof planCardData>;

/** The request the planner reads; a half-filled pause stays visible to the rules, which refuse it. */
export function toPlanRequest(data: PlanCardData): PlanRequest {
  return {
    firstWeek: data.week,
    preferredStartDay: data.startDay === 'auto' ? undefined : data.startDay,
    timeOfDay: data.time,
    cycles: data.cycles,
    everyWeeks: data.everyWeeks,
    pause:
      data.pauseFrom || data.pauseTo
        ? { from: data.pauseFrom || data.pauseTo, to: data.pauseTo || data.pauseFrom }
        : undefined,
  };
}

/** The values as the card shows them again. */
export function valuesOf(data: PlanCardData): Record<string, string> {
  return {
    week: data.week,
    startDay: data.startDay,
    time: data.time,
    cycles: String(data.cycles),
    everyWeeks: String(data.everyWeeks),
    pauseFrom: data.pauseFrom,
    pauseTo: data.pauseTo,
  };
}

const dayIndex = z.union([z.string().regex(/^[0-3]$/), z.number().int().min(0).max(3)]).transform(Number);

export const manageCycleData = z.object({ cycleId: z.string().uuid() });

export const cycleChangeData = z.object({
  cycleId: z.string().uuid(),
  version: z.union([z.string().regex(/^\d{1,9}$/), z.number().int().min(0)]).transform(Number),
});

export const sessionChangeData = cycleChangeData.extend({ dayIndex });

export const moveSessionData = sessionChangeData.extend({
  toDate: isoDate,
  time: z.string().regex(/^\d{2}:\d{2}$/),
});

export const moveCycleData = cycleChangeData.extend({ toWeek: isoDate });
