// One spawn path: no module of src/ but core/spawn.ts starts a process itself (execa,
// child_process), so every child loses LOCKSTEP_* and runs in a process group lockstep ends.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../helpers.js';

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(full)));
    else if (/\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

test('only src/core/spawn.ts imports execa or node:child_process', async () => {
  const offenders: string[] = [];
  for (const file of await sources(path.join(REPO, 'src'))) {
    const text = await fs.readFile(file, 'utf8');
    if (/from ['"](execa|(node:)?child_process)['"]|require\(['"](execa|(node:)?child_process)['"]\)|import\(['"](execa|(node:)?child_process)['"]\)/.test(text)) {
      offenders.push(path.relative(REPO, file));
    }
  }
  assert.deepEqual(offenders, ['src/core/spawn.ts']);
});
