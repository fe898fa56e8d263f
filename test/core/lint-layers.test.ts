// The layering check (scripts/lint-layers.mjs): the project's own src/ passes, and a tree made
// by the test with a domain importing flows/ and ui/ (the arrows renewal once had) fails,
// naming the file, the line and the rule; a module outside every layer is named too.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, tempRoot } from '../helpers.js';

const SCRIPT = path.join(REPO, 'scripts/lint-layers.mjs');

test('lint:layers: src/ imports point one way', async () => {
  const run = await execa('node', [SCRIPT], { reject: false });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(run.stdout, /every import points down/);
});

test('lint:layers: a domain importing flows/ or ui/, or core importing a domain, fails with file and line', async () => {
  const { root, cleanup } = await tempRoot('lockstep-layers-');
  try {
    const write = async (rel: string, text: string): Promise<void> => {
      await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.writeFile(path.join(root, rel), text);
    };
    await write('core/session.ts', "import type { Step } from './step.js';\nexport const x = 1;\n");
    await write('core/step.ts', "import { renewal } from '../tls/renew.js';\nexport type Step = typeof renewal;\n");
    await write('tls/renew.ts', "import { x } from '../core/session.js';\nimport type { Flow } from '../flows/index.js';\nconst f = await import('../ui/text/format.js');\nexport const renewal = [x, f] as unknown as Flow;\n");
    await write('flows/index.ts', "export type Flow = unknown;\n");
    await write('ui/text/format.ts', "import { x } from '../../core/session.js';\nexport const y = x;\n");
    await write('cli.ts', "import '../src/ui/text/format.js';\n");
    await write('stray/thing.ts', 'export {};\n');
    const run = await execa('node', [SCRIPT, root], { reject: false });
    assert.equal(run.exitCode, 1, run.stdout);
    const lines = run.stderr.trim().split('\n');
    assert.ok(lines.includes('core/step.ts:1: core/ imports tls/renew.js (domains): imports point one way, core ← domains ← flows ← ui ← cli; move the shared part down a layer'), run.stderr);
    assert.ok(lines.some((l) => l.startsWith('tls/renew.ts:2: the domain tls/ imports flows/index.js (flows)')), run.stderr);
    assert.ok(lines.some((l) => l.startsWith('tls/renew.ts:3: the domain tls/ imports ui/text/format.js (ui)')), 'dynamic imports count');
    assert.ok(lines.some((l) => l.startsWith('stray/thing.ts: in no layer')), run.stderr);
    assert.ok(!lines.some((l) => l.startsWith('ui/') || l.startsWith('cli.ts') || l.startsWith('core/session.ts')), `downward imports pass:\n${run.stderr}`);
    assert.match(lines.at(-1) ?? '', /^lint:layers: 4 import\(s\) against the layering/);
  } finally {
    await cleanup();
  }
});
