import type { JobContext } from '../../domain/jobs';
import { SESSION_JOBS, updateSharedCard, type SessionDeps } from './session-flow';

/**
 * The safety net of the AI draft: the model is called after the turn's answer, on the replica that answered.
 * If that replica died (or the call hung past every time limit), this job finds the session still waiting
 * for that draft and ends the wait with "the model did not answer in time", so the circle can try again or
 * go on without AI instead of waiting for ever.
 */
export function registerSessionJobs(
  scheduler: { register(name: string, handler: (job: JobContext) => Promise<void>): void },
  deps: SessionDeps,
): void {
  scheduler.register(SESSION_JOBS.draftCheck, async (job) => {
    const { sessionId, attempt } = job.data as { sessionId: string; attempt: string };
    const outcome = await deps.sessions.completeDraft(sessionId, attempt, { failed: 'timeout' });
    if (outcome.kind === 'changed') {
      deps.logger.warn({ sessionId }, 'AI draft did not arrive in time: the circle is told');
      await updateSharedCard(deps, sessionId);
    }
  });
}
