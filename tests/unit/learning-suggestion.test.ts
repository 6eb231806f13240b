import { suggestionRequest, SUGGESTION_LIMITS } from '../../bot/src/domain/learning-suggestion';
import { readModelReply } from '../../bot/src/features/traject/suggestion.schema';

const meta = { model: 'm', promptVersion: 'p/1', suggestedAt: '2026-11-26T10:00:00.000Z' };

describe('the AI suggestion prompt', () => {
  it("keeps the person's words out of the instructions and asks for the person's language", () => {
    const nl = suggestionRequest('nl', 'Ik luister goed', 'AI leren gebruiken');
    expect(nl.system).not.toContain('Ik luister goed');
    expect(nl.user).toContain('Ik luister goed');
    expect(nl.user).toContain('AI leren gebruiken');
    expect(nl.system).toContain('in Dutch');
    expect(suggestionRequest('en', 'a', 'b').system).toContain('in English');
    expect(nl.json).toBe(true);
  });
});

describe("reading the model's reply", () => {
  it('reads JSON inside a code fence or a sentence', () => {
    const reply =
      'Sure!\n```json\n{"questions":[3,"9"],"learning":[{"kind":"Podcast","idea":"  Luister\\n naar  iets "}],"why":"Omdat."}\n```';
    expect(readModelReply(reply, meta)).toEqual({
      questions: [3, 9],
      learning: [{ kind: 'podcast', idea: 'Luister naar iets' }],
      why: 'Omdat.',
      ...meta,
    });
  });

  it('keeps only known questions, once each, and at most the limit', () => {
    const reply = JSON.stringify({ questions: [1, 1, 2, 11, 3, 4, 5, 6], learning: [] });
    expect(readModelReply(reply, meta)?.questions).toEqual([1, 2, 3, 4]);
  });

  it('clips long ideas and explanations, and caps how many ideas', () => {
    const reply = JSON.stringify({
      questions: [9],
      learning: Array.from({ length: 8 }, () => ({ kind: 'book', idea: 'x'.repeat(300) })),
      why: 'y'.repeat(800),
    });
    const suggestion = readModelReply(reply, meta)!;
    expect(suggestion.learning).toHaveLength(SUGGESTION_LIMITS.maxLearning);
    expect(suggestion.learning[0]!.idea.length).toBe(SUGGESTION_LIMITS.ideaMaxLength);
    expect(suggestion.why.length).toBe(SUGGESTION_LIMITS.whyMaxLength);
  });

  it.each([
    ['prose', 'Kies vraag 3.'],
    ['broken JSON', '{"questions":[3,'],
    ['no known question', '{"questions":[0,11],"learning":[]}'],
    ['the wrong shape', '{"questions":"3"}'],
    ['a reply far too long', `{"questions":[3],"why":"${'z'.repeat(10_000)}"}`],
  ])('gives up on %s', (_what, reply) => {
    expect(readModelReply(reply, meta)).toBeUndefined();
  });
});
