import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TIMEBOX_MINUTES, STAGE_KINDS, type Videoframe } from '../../bot/src/domain/videoframe';
import { loadVideoframes } from '../../bot/src/integrations/videoframe-files';

const SHIPPED = path.resolve(__dirname, '../../bot/videoframes');

/** A valid frame to vary: five stages in order, Dutch and English everywhere. */
function frame(id: string): Videoframe {
  return {
    id,
    title: { nl: `Frame ${id}`, en: `Frame ${id}` },
    description: { nl: 'Een frame.', en: 'A frame.' },
    stages: STAGE_KINDS.map((kind) => ({
      kind,
      title: { nl: `Stap ${kind}`, en: `Step ${kind}` },
      prompt: { nl: 'Wat vraagt deze stap?', en: 'What does this step ask?' },
      timeboxMinutes: 10,
    })),
  };
}

describe('videoframes as files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'videoframes-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown) =>
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));

  it("ships a default frame with the concept's five stages and time boxes, in Dutch and English", async () => {
    const { frames, refused } = await loadVideoframes([SHIPPED]);
    expect(refused).toEqual([]);
    const standard = frames.find((f) => f.id === 'standaard')!;
    expect(standard.stages.map((s) => s.kind)).toEqual([...STAGE_KINDS]);
    expect(standard.stages.map((s) => s.timeboxMinutes)).toEqual(
      STAGE_KINDS.map((k) => DEFAULT_TIMEBOX_MINUTES[k]),
    );
    for (const stage of standard.stages) {
      expect(stage.title.nl).not.toBe('');
      expect(stage.prompt.en).not.toBe('');
    }
  });

  it('loads an organisation frame next to the default one', async () => {
    const own = frame('zorg-overdracht');
    own.stages = own.stages.map((s, i) =>
      i === 0
        ? {
            ...s,
            media: {
              kind: 'image' as const,
              url: 'https://intranet.example.nl/overdracht.png',
              title: { nl: 'Overdracht', en: 'Handover' },
              altText: { nl: 'Twee verpleegkundigen bij een bed', en: 'Two nurses at a bed' },
            },
          }
        : s,
    );
    write('overdracht.json', own);
    const { frames, refused } = await loadVideoframes([SHIPPED, dir]);
    expect(refused).toEqual([]);
    expect(frames.map((f) => f.id)).toEqual(['standaard', 'zorg-overdracht']);
  });

  it.each([
    [
      'a missing English text',
      (f: Videoframe) => ({ ...f, title: { nl: 'Alleen Nederlands' } }),
      /^title(\.en)?: /,
    ],
    [
      'stages in another order',
      (f: Videoframe) => ({ ...f, stages: [...f.stages].reverse() }),
      /^stages: must be the five stages in this order/,
    ],
    [
      'a stage left out',
      (f: Videoframe) => ({ ...f, stages: f.stages.slice(0, 4) }),
      /got: analysis, problem, brainstorm, ai_proposal\)/,
    ],
    [
      'time boxes over an hour',
      (f: Videoframe) => ({ ...f, stages: f.stages.map((s) => ({ ...s, timeboxMinutes: 15 })) }),
      /add up to 75 minutes/,
    ],
    [
      'an image without alt text',
      (f: Videoframe) => ({
        ...f,
        stages: f.stages.map((s, i) =>
          i === 1
            ? { ...s, media: { kind: 'image', url: 'https://x.example/a.png', title: { nl: 'a', en: 'a' } } }
            : s,
        ),
      }),
      /^stages\.1\.media\.altText: an image needs altText/,
    ],
    [
      'media over plain http',
      (f: Videoframe) => ({
        ...f,
        stages: f.stages.map((s, i) =>
          i === 2
            ? { ...s, media: { kind: 'podcast', url: 'http://x.example/p.mp3', title: { nl: 'p', en: 'p' } } }
            : s,
        ),
      }),
      /^stages\.2\.media\.url: must be an https URL/,
    ],
    ['an unknown field (a typo)', (f: Videoframe) => ({ ...f, stagse: [] }), /Unrecognized key/i],
    [
      'an id with capitals and spaces',
      (f: Videoframe) => ({ ...f, id: 'Mijn Frame' }),
      /^id: must be 2–48 lower-case/,
    ],
  ])('refuses a frame with %s, naming the field, and keeps the others', async (_what, change, reason) => {
    write('a-good.json', frame('goed'));
    write('b-bad.json', change(frame('fout')));
    const { frames, refused } = await loadVideoframes([dir]);
    expect(frames.map((f) => f.id)).toEqual(['goed']);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.file).toBe(path.join(dir, 'b-bad.json'));
    expect(refused[0]!.reason).toMatch(reason);
  });

  it('refuses broken JSON, a file too large, and a second frame with an id already used', async () => {
    write('broken.json', '{"id": "kapot", ');
    write('huge.json', `{"id":"groot","padding":"${'x'.repeat(70_000)}"}`);
    write('copy.json', frame('standaard'));
    write('notes.txt', 'not a frame and not read');
    const { frames, refused } = await loadVideoframes([SHIPPED, dir, path.join(dir, 'does-not-exist')]);
    expect(frames.map((f) => f.id)).toEqual(['standaard']);
    const reasons = Object.fromEntries(refused.map((r) => [path.basename(r.file), r.reason]));
    expect(reasons['broken.json']).toMatch(/^not valid JSON/);
    expect(reasons['huge.json']).toMatch(/^larger than 65536 bytes/);
    expect(reasons['copy.json']).toBe('id "standaard" is already used by another frame');
    expect(Object.keys(reasons).sort()).toEqual(['broken.json', 'copy.json', 'huge.json']);
  });
});
