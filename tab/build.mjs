// Bundles the Teams tab (browser code with @microsoft/teams-js) into dist/tab-web, next to its static files (dist/tab holds the compiled tab API).
import { build } from 'esbuild';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '..', 'dist', 'tab-web');

await mkdir(out, { recursive: true });
await cp(path.join(here, 'public'), out, { recursive: true });
// index: the personal tab; meeting: the meeting side panel and stage (meeting.html, stage.html); config: the
// meeting tab's configuration page (config.html).
await build({
  entryPoints: {
    index: path.join(here, 'src', 'index.ts'),
    meeting: path.join(here, 'src', 'meeting.ts'),
    config: path.join(here, 'src', 'config.ts'),
  },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2020'],
  outdir: out,
  logLevel: 'warning',
});
