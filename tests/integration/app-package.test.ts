import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { jsonEntry, PACKAGE_ENV, readZip, runPackager } from '../support/app-package';

const ROOT = path.resolve(__dirname, '../..');
type Json = Record<string, unknown>;

/** The pixels of a PNG as RGBA bytes. */
async function rgba(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * `npm run package` for real, in a process of its own, into a temporary directory: what the zip holds, the
 * icons it renders, and how it refuses to build a package from missing values or an invalid manifest.
 */
describe('npm run package', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'wpl-package-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describe('with the values it needs', () => {
    let out: string;
    let entries: Map<string, Buffer>;
    let manifest: Json;
    let stdout: string;

    beforeAll(async () => {
      out = path.join(work, 'ok');
      const run = await runPackager({ ...PACKAGE_ENV }, ['--out', out]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      stdout = run.stdout;
      entries = await readZip(path.join(out, 'appPackage.zip'));
      manifest = jsonEntry(entries, 'manifest.json');
    });

    it('zips the manifest, its English localisation and both icons at the root, and nothing else', () => {
      expect([...entries.keys()].sort()).toEqual(['color.png', 'en.json', 'manifest.json', 'outline.png']);
      // The same parts lie next to the zip, to read what went in.
      for (const [name, data] of entries) expect(readFileSync(path.join(out, name)).equals(data)).toBe(true);
    });

    it('fills every placeholder from the environment', () => {
      const text = entries.get('manifest.json')!.toString('utf8') + entries.get('en.json')!.toString('utf8');
      expect(text).not.toMatch(/\{\{|\}\}/);
      expect(manifest).toMatchObject({
        manifestVersion: '1.29',
        version: JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
        id: PACKAGE_ENV.TEAMS_APP_ID,
        bots: [{ botId: PACKAGE_ENV.MicrosoftAppId }],
        validDomains: ['wpl.example.nl'],
        webApplicationInfo: {
          id: PACKAGE_ENV.MicrosoftAppId,
          resource: `api://wpl.example.nl/${PACKAGE_ENV.MicrosoftAppId}`,
        },
        staticTabs: [{ contentUrl: 'https://wpl.example.nl/tab/' }],
        configurableTabs: [{ configurationUrl: 'https://wpl.example.nl/tab/config.html' }],
        localizationInfo: {
          defaultLanguageTag: 'nl',
          additionalLanguages: [{ languageTag: 'en', file: 'en.json' }],
        },
        icons: { color: 'color.png', outline: 'outline.png' },
      });
      expect(stdout).toContain(`TAB_SSO_AUDIENCE=api://wpl.example.nl/${PACKAGE_ENV.MicrosoftAppId}`);
    });

    it('renders the colour icon at 192×192, in the accent colour of the manifest around the glyph', async () => {
      const { data, width, height } = await rgba(entries.get('color.png')!);
      expect({ width, height }).toEqual({ width: 192, height: 192 });
      const hex = `#${[...data.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
      expect(hex.toUpperCase()).toBe(String(manifest.accentColor).toUpperCase());
      expect(data[3]).toBe(255);
      // The white glyph is there too.
      const centre = (96 * 192 + 96) * 4;
      expect([...data.subarray(centre, centre + 4)]).toEqual([255, 255, 255, 255]);
    });

    it('renders the outline icon at 32×32, white on transparent', async () => {
      const { data, width, height } = await rgba(entries.get('outline.png')!);
      expect({ width, height }).toEqual({ width: 32, height: 32 });
      let opaque = 0;
      let transparent = 0;
      const notWhite: number[] = [];
      for (let i = 0; i < width * height; i++) {
        const [r, g, b, a] = data.subarray(i * 4, i * 4 + 4);
        if (a === 0) transparent++;
        else if (r !== 255 || g !== 255 || b !== 255) notWhite.push(i);
        if (a === 255) opaque++;
      }
      expect(notWhite).toEqual([]);
      // A glyph, not an empty or a filled square: the corners are see-through.
      expect(opaque).toBeGreaterThan(100);
      expect(transparent).toBeGreaterThan(100);
      for (const corner of [0, 31, 32 * 31, 32 * 32 - 1]) expect(data[corner * 4 + 3]).toBe(0);
    });

    it('gives the same zip for the same input', async () => {
      const again = path.join(work, 'again');
      expect((await runPackager({ ...PACKAGE_ENV }, ['--out', again])).code).toBe(0);
      expect(readFileSync(path.join(again, 'appPackage.zip'))).toEqual(
        readFileSync(path.join(out, 'appPackage.zip')),
      );
    });

    it('takes the app version and the publisher details from the environment when they are set', async () => {
      const custom = path.join(work, 'custom');
      const run = await runPackager(
        {
          ...PACKAGE_ENV,
          APP_VERSION: '2.3.4',
          APP_DEVELOPER_NAME: 'Gemeente Voorbeeld',
          APP_PRIVACY_URL: 'https://www.example.nl/privacy',
          APP_TERMS_URL: 'https://www.example.nl/voorwaarden',
        },
        ['--out', custom],
      );
      expect(run.code).toBe(0);
      expect(JSON.parse(readFileSync(path.join(custom, 'manifest.json'), 'utf8'))).toMatchObject({
        version: '2.3.4',
        developer: {
          name: 'Gemeente Voorbeeld',
          websiteUrl: 'https://wpl.example.nl/tab/',
          privacyUrl: 'https://www.example.nl/privacy',
          termsOfUseUrl: 'https://www.example.nl/voorwaarden',
        },
      });
    });
  });

  it('signs the tab in with an app registration of its own when TAB_SSO_APP_ID is set (a bot on a managed identity)', async () => {
    const tabApp = '5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d';
    const out = path.join(work, 'tab-app');
    const run = await runPackager({ ...PACKAGE_ENV, TAB_SSO_APP_ID: tabApp }, ['--out', out]);
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({
      bots: [{ botId: PACKAGE_ENV.MicrosoftAppId }],
      webApplicationInfo: { id: tabApp, resource: `api://wpl.example.nl/${tabApp}` },
    });
    expect(run.stdout).toContain(`TAB_SSO_AUDIENCE=api://wpl.example.nl/${tabApp}`);
    const bad = await runPackager({ ...PACKAGE_ENV, TAB_SSO_APP_ID: 'tab-app' }, [
      '--out',
      path.join(work, 'x'),
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('TAB_SSO_APP_ID should be');
  });

  describe('refuses to build a package', () => {
    it.each(['TEAMS_APP_ID', 'MicrosoftAppId', 'PUBLIC_URL'] as const)(
      'without %s, saying which variable is missing',
      async (name) => {
        const out = path.join(work, `missing-${name}`);
        const run = await runPackager({ ...PACKAGE_ENV, [name]: '' }, ['--out', out]);
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain('The Teams app package was not built');
        expect(run.stderr).toContain(`${name} is not set`);
        expect(existsSync(path.join(out, 'appPackage.zip'))).toBe(false);
      },
    );

    it('from malformed values, naming each with what it should be', async () => {
      const run = await runPackager(
        {
          TEAMS_APP_ID: 'mijn-app',
          MicrosoftAppId: PACKAGE_ENV.MicrosoftAppId,
          PUBLIC_URL: 'http://wpl.example.nl',
        },
        ['--out', path.join(work, 'malformed')],
      );
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('TEAMS_APP_ID should be');
      expect(run.stderr).toContain('(got "mijn-app")');
      expect(run.stderr).toContain('PUBLIC_URL should be the https URL');
      expect(run.stderr).not.toContain('MicrosoftAppId');
    });

    /** A copy of manifest/ with one file changed. */
    const templateWith = (name: string, change: (json: Json) => void): string => {
      const dir = mkdtempSync(path.join(work, 'template-'));
      cpSync(path.join(ROOT, 'manifest'), dir, {
        recursive: true,
        filter: (source) => !source.includes(`${path.sep}build`),
      });
      const file = path.join(dir, name);
      const json = JSON.parse(readFileSync(file, 'utf8')) as Json;
      change(json);
      writeFileSync(file, JSON.stringify(json));
      return dir;
    };

    it('whose manifest does not validate against its schema, saying where', async () => {
      const dir = templateWith('manifest.json', (m) => {
        m.accentColor = 'teal';
        (m.staticTabs as Json[])[0]!.scopes = ['everyone'];
      });
      const out = path.join(work, 'invalid');
      const run = await runPackager({ ...PACKAGE_ENV }, ['--out', out, '--manifest-dir', dir]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('manifest.json does not validate against its schema: /accentColor');
      expect(run.stderr).toContain('/staticTabs/0/scopes/0 must be equal to one of the allowed values');
      expect(existsSync(path.join(out, 'appPackage.zip'))).toBe(false);
    });

    it('whose localisation file does not validate against the localisation schema', async () => {
      const dir = templateWith('en.json', (l) => {
        delete l['name.short'];
      });
      const run = await runPackager({ ...PACKAGE_ENV }, [
        '--out',
        path.join(work, 'bad-en'),
        '--manifest-dir',
        dir,
      ]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('en.json does not validate against its schema');
      expect(run.stderr).toContain('name.short');
    });

    it('for a manifest version whose schema is not bundled: it never validates online', async () => {
      const dir = templateWith('manifest.json', (m) => {
        m.manifestVersion = '1.18';
        m.$schema = 'https://developer.microsoft.com/json-schemas/teams/v1.18/MicrosoftTeams.schema.json';
      });
      const run = await runPackager({ ...PACKAGE_ENV }, [
        '--out',
        path.join(work, 'v118'),
        '--manifest-dir',
        dir,
      ]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(
        'manifestVersion "1.18", for which @microsoft/app-manifest bundles no schema',
      );
    });

    it('with a placeholder it does not fill', async () => {
      const dir = templateWith('manifest.json', (m) => {
        (m.developer as Json).mpnId = '{{MPN_ID}}';
      });
      const run = await runPackager({ ...PACKAGE_ENV }, [
        '--out',
        path.join(work, 'placeholder'),
        '--manifest-dir',
        dir,
      ]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(
        'manifest.json uses the placeholder {{MPN_ID}}, which the packager does not fill',
      );
    });

    it('with a command list written into the template instead of made from the code', async () => {
      const dir = templateWith('manifest.json', (m) => {
        (m.bots as Json[])[0]!.commandLists = [];
      });
      const run = await runPackager({ ...PACKAGE_ENV }, [
        '--out',
        path.join(work, 'commands'),
        '--manifest-dir',
        dir,
      ]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('leave bots[0].commandLists out');
    });
  });
});
