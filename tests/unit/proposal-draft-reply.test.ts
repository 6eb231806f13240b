import { DRAFT_LIMITS } from '../../bot/src/domain/proposal-draft';
import { DRAFT_REPLY_MAX_LENGTH, readDraftReply } from '../../bot/src/domain/proposal-draft-reply';

const reply = {
  title: 'Een vaste overdracht',
  summary: 'Informatie gaat verloren. We proberen een korte, vaste overdracht.',
  steps: ['Spreek een tijd af', 'Maak een checklist'],
  expectedEffect: 'Minder vergeten taken.',
  risks: ['De avonddienst is te laat'],
  question: 1,
  criticalQuestions: ['Welke aanname doen we?', 'Wie hebben we niet gehoord?'],
};

const read = (changes: Record<string, unknown>) => readDraftReply(JSON.stringify({ ...reply, ...changes }));

describe("reading the model's draft", () => {
  it('reads a plain JSON object', () => {
    expect(readDraftReply(JSON.stringify(reply))).toEqual(reply);
  });

  it('reads the object inside a code fence or a sentence', () => {
    expect(
      readDraftReply(`Hier is het voorstel:\n\`\`\`json\n${JSON.stringify(reply)}\n\`\`\`\nSucces!`),
    ).toEqual(reply);
  });

  it.each([
    ['prose', 'Jullie zouden een vaste overdracht kunnen invoeren.'],
    ['an array', JSON.stringify([reply])],
    ['broken JSON', JSON.stringify(reply).slice(0, -2)],
    ['two objects', `${JSON.stringify(reply)}\n${JSON.stringify(reply)}`],
    ['an empty reply', ''],
  ])('refuses %s', (_label, text) => {
    expect(readDraftReply(text)).toBeUndefined();
  });

  it('refuses a reply longer than any draft can be', () => {
    const padded = JSON.stringify({ ...reply, filler: 'x'.repeat(DRAFT_REPLY_MAX_LENGTH) });
    expect(readDraftReply(padded)).toBeUndefined();
  });

  it.each([
    ['no title', { title: undefined }],
    ['a blank title', { title: '   ' }],
    ['no summary', { summary: undefined }],
    ['a summary that is not text', { summary: { text: 'x' } }],
    ['no steps', { steps: [] }],
    ['only blank steps', { steps: ['  ', ''] }],
    ['steps that are not a list', { steps: 'Spreek een tijd af' }],
    ['no critical questions', { criticalQuestions: undefined }],
    ['one critical question', { criticalQuestions: ['Welke aanname doen we?', ' '] }],
    ['question 0', { question: 0 }],
    ['question 11', { question: 11 }],
    ['question 2.5', { question: 2.5 }],
    ['a question that is a word', { question: 'drie' }],
  ])('refuses a draft with %s', (_label, changes) => {
    expect(read(changes)).toBeUndefined();
  });

  it('takes a question as a digit string, and no question when it is null or absent', () => {
    expect(read({ question: ' 7 ' })?.question).toBe(7);
    expect(read({ question: null })?.question).toBeUndefined();
    expect(read({ question: undefined })).toEqual({ ...reply, question: undefined });
  });

  it('keeps at most three critical questions', () => {
    const questions = ['Een?', 'Twee?', 'Drie?', 'Vier?'];
    expect(read({ criticalQuestions: questions })?.criticalQuestions).toEqual(['Een?', 'Twee?', 'Drie?']);
  });

  it('reads missing effect and risks as empty, and skips list items that are not text', () => {
    expect(read({ expectedEffect: undefined, risks: undefined })).toMatchObject({
      expectedEffect: '',
      risks: [],
    });
    expect(read({ steps: ['Stap', 3, null, { step: 'x' }] })?.steps).toEqual(['Stap']);
  });

  it('takes numbers and bullets off the steps, not off other lists', () => {
    const draft = read({
      steps: ['1. Spreek een tijd af', '2) Maak een checklist', '- Evalueer', '10 minuten overdracht'],
      risks: ['1. Te laat'],
    });
    expect(draft?.steps).toEqual([
      'Spreek een tijd af',
      'Maak een checklist',
      'Evalueer',
      '10 minuten overdracht',
    ]);
    expect(draft?.risks).toEqual(['1. Te laat']);
  });

  it('clips every text to its limit', () => {
    const long = (words: number) => 'woord '.repeat(words);
    const draft = read({
      title: long(30),
      summary: long(210),
      steps: [long(60)],
      expectedEffect: long(110),
      risks: [long(60)],
      criticalQuestions: [long(60), long(60)],
    });
    expect(draft).toBeDefined();
    expect(draft!.title).toHaveLength(DRAFT_LIMITS.titleMaxLength);
    expect(draft!.title.endsWith('woord…')).toBe(true);
    expect(draft!.summary.length).toBeLessThanOrEqual(DRAFT_LIMITS.summaryMaxLength);
    expect(draft!.steps[0]!.length).toBeLessThanOrEqual(DRAFT_LIMITS.stepMaxLength);
    expect(draft!.expectedEffect.length).toBeLessThanOrEqual(DRAFT_LIMITS.effectMaxLength);
    expect(draft!.risks[0]!.length).toBeLessThanOrEqual(DRAFT_LIMITS.riskMaxLength);
    expect(draft!.criticalQuestions.every((q) => q.length <= DRAFT_LIMITS.criticalQuestionMaxLength)).toBe(
      true,
    );
  });

  it('keeps at most the allowed number of steps and risks', () => {
    const draft = read({
      steps: Array.from({ length: 12 }, (_, i) => `Stap ${i + 1}`),
      risks: Array.from({ length: 9 }, (_, i) => `Risico ${i + 1}`),
    });
    expect(draft?.steps).toHaveLength(DRAFT_LIMITS.stepsMax);
    expect(draft?.steps[0]).toBe('Stap 1');
    expect(draft?.risks).toHaveLength(DRAFT_LIMITS.risksMax);
  });

  it('puts titles and list items on one line, and keeps paragraphs in running text', () => {
    const draft = read({
      title: ' Een\n vaste\toverdracht ',
      steps: ['Spreek\n\neen tijd af'],
      summary: 'Eerste  alinea.\n\n\n\nTweede   alinea.\n',
    });
    expect(draft?.title).toBe('Een vaste overdracht');
    expect(draft?.steps).toEqual(['Spreek een tijd af']);
    expect(draft?.summary).toBe('Eerste alinea.\n\nTweede alinea.');
  });

  it('keeps person placeholders as they are', () => {
    expect(read({ summary: '[Persoon 1] en [Persoon 2] nemen het voortouw.' })?.summary).toBe(
      '[Persoon 1] en [Persoon 2] nemen het voortouw.',
    );
  });
});
