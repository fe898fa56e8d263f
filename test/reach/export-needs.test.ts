// An export whose model machine (--root) lacks what a chosen part needs (no nginx for HTTPS)
// is refused, naming the part and what is missing: a playbook silently without it would leave
// every target without HTTPS.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { test } from 'node:test';
import { lockstep, tempRoot } from '../helpers.js';

test('export script: a chosen part the model cannot run is refused with what it lacks, nothing written', async () => {
  const { root, cleanup } = await tempRoot('lockstep-export-needs-');
  const answers = `${root}.json`;
  const out = `${root}.sh`;
  try {
    await fs.writeFile(answers, JSON.stringify({ steps: ['cert', 'https'], cert: { public: false, vendorRequired: false, method: 'self-signed' }, 'cert self-signed': { host: ['a.example.org'] } }));
    const run = await lockstep(['--root', root, '--answers', answers, 'export', 'script', '--out', out]);
    assert.equal(run.exitCode, 2, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /Nothing was exported: web https: nginx is not installed here: there is no \/etc\/nginx\/nginx\.conf/);
    assert.equal(await fs.stat(out).catch(() => undefined), undefined);
  } finally {
    await fs.rm(answers, { force: true });
    await fs.rm(out, { force: true });
    await cleanup();
  }
});
