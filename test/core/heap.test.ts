// The young generation keeps its first size once lockstep asks it to: measured in a fresh node
// process that allocates short-lived objects in a hurry, with and without the call.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO } from '../helpers.js';

const heap = pathToFileURL(path.join(REPO, 'src/core/heap.ts')).href;

/** new_space's size before and after a burst of garbage, in a process of its own. */
function newSpace(keepSmall: boolean): { before: number; after: number } {
  const script = `
    import v8 from 'node:v8';
    import { keepYoungGenerationSmall } from ${JSON.stringify(heap)};
    if (${keepSmall}) keepYoungGenerationSmall();
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const before = size();
    let live = [];
    for (let i = 0; i < 2e6; i++) { live.push({ i, text: 'line ' + i }); if (live.length > 50000) live = []; }
    console.log(JSON.stringify({ before, after: size() }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { before: number; after: number };
}

test('a burst of short-lived objects grows the young generation, unless lockstep keeps it small', () => {
  const grown = newSpace(false);
  assert.ok(grown.after >= 8 * grown.before, `without the call the young generation grows: ${grown.before} → ${grown.after}`);
  const kept = newSpace(true);
  assert.ok(kept.after <= 2 * kept.before, `with it, it keeps (about) its first size: ${kept.before} → ${kept.after}`);
});
