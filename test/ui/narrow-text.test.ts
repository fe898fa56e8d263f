// The builds answer string-width for strings of one-column characters themselves
// (src/ui/ink/narrow-text.ts, scripts/narrow-width.mjs). Checked against every string-width in
// node_modules, character by character, and the built front through a real esbuild bundle.
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { isNarrowText } from '../../src/ui/ink/narrow-text.js';
import { narrowWidth } from '../../scripts/narrow-width.mjs';

type Width = (s: string) => number;
const repo = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

/** Every string-width installed (Ink's, its wrap-ansi's, the old CommonJS one), as its importers resolve it. */
async function stringWidths(): Promise<Map<string, Width>> {
  const importers = ['ink', 'cli-truncate', 'widest-line', 'ink/node_modules/wrap-ansi', 'wrap-ansi'];
  const found = new Map<string, Width>();
  for (const importer of importers) {
    const from = path.join(repo, 'node_modules', importer);
    if (!fs.existsSync(from)) continue;
    const file = createRequire(path.join(from, 'package.json')).resolve('string-width');
    if (found.has(file)) continue;
    const esm = file.endsWith('.mjs') || (JSON.parse(fs.readFileSync(path.join(path.dirname(file), 'package.json'), 'utf8')) as { type?: string }).type === 'module';
    found.set(file, esm ? ((await import(pathToFileURL(file).href)) as { default: Width }).default : (require(file) as Width));
  }
  return found;
}

test('every character the fast path accepts is one column in every string-width, alone and beside others', async () => {
  const widths = await stringWidths();
  assert.ok(widths.size >= 3, `string-widths found: ${[...widths.keys()].join(', ')}`);
  const segmenter = new Intl.Segmenter();
  let accepted = 0;
  for (let cp = 0; cp <= 0xffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCharCode(cp);
    if (!isNarrowText(ch)) continue;
    accepted++;
    for (const [dir, width] of widths) {
      for (const [s, w] of [[ch, 1], [`a${ch}`, 2], [`${ch}a`, 2], [`${ch}${ch}`, 2], [`é${ch}❯`, 3]] as const) {
        assert.equal(width(s), w, `${path.relative(repo, dir)}: U+${cp.toString(16).toUpperCase()} in ${JSON.stringify(s)}`);
      }
    }
    assert.equal([...segmenter.segment(`a${ch}${ch}a`)].length, 4, `U+${cp.toString(16)} joins a neighbour into one grapheme`);
  }
  assert.ok(accepted > 3000, `${accepted} characters`);
  for (const wide of ['✅', '⚠️', '字', 'e\u0301', '\u200d', '👍🏽', '\t', '\x1b[31m']) assert.equal(isNarrowText(wide), false, wide);
});

test('the built string-width answers exactly as string-width does, styled text and wide characters included', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-narrow-'));
  try {
    // A module importing string-width as Ink does, built with the builds' plugin.
    const out = path.join(dir, 'out.mjs');
    await build({
      stdin: { contents: "import stringWidth from 'string-width'; export default stringWidth;", resolveDir: path.join(repo, 'node_modules/ink/build'), loader: 'js' },
      outfile: out,
      bundle: true,
      format: 'esm',
      platform: 'node',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      plugins: [narrowWidth],
      logLevel: 'error',
    });
    const built = ((await import(pathToFileURL(out).href)) as { default: (s: string, o?: object) => number }).default;
    const real = ((await import('string-width')) as { default: (s: string, o?: object) => number }).default;
    const source = fs.readFileSync(out, 'utf8');
    assert.match(source, /isNarrowText/, 'the fast path is in the bundle');
    const samples = ['', 'plain', '❯ Onboard a new server', '\x1b[36m❯\x1b[39m \x1b[1mOnboard\x1b[22m', '✓ done → next', '✅ ok', '漢字 mixed', 'e\u0301', '⚠️ warn', '\x9b31mx', '·↑↓'];
    for (const s of samples) {
      assert.equal(built(s), real(s), JSON.stringify(s));
      assert.equal(built(s, { ambiguousIsNarrow: false }), real(s, { ambiguousIsNarrow: false }), `${JSON.stringify(s)}, ambiguous as wide`);
      assert.equal(built(s, { countAnsiEscapeCodes: true }), real(s, { countAnsiEscapeCodes: true }), `${JSON.stringify(s)}, escape codes counted`);
    }
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), (a, b) => built(a) === real(a) && built(b) === real(b)), { numRuns: 3000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
