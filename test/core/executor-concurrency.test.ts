// The executor's chains (actions with `concurrency`, as ca sign's hosts): real commands under a
// temporary root. Chains overlap (as many as os.availableParallelism()), each chain keeps its
// order, two actions holding the same `exclusive` resource never run at once, counted actions
// report progress, and a failure in one chain stops the others at their next action.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Action } from '../../src/core/actions.js';
import { tempRoot } from '../helpers.js';
import { runPlan } from './engine-harness.js';
import { journalRecords } from './process-tree.js';

const CHAINS = ['a', 'b', 'c', 'd'];

/** Each chain: a slow step that logs when it ran (a's the slowest), then a step in the shared "db" that must be alone there. */
function chainPlan(root: string, failIn?: string): Action[] {
  const log = path.join(root, 'log');
  const inside = path.join(root, 'inside');
  return CHAINS.flatMap((c): Action[] => [
    {
      kind: 'run',
      title: `${c}: work`,
      argv: ['sh', '-c', `echo "$1 start $(date +%s%N)" >> ${log}; sleep ${c === 'a' ? 0.6 : 0.2}; echo "$1 end $(date +%s%N)" >> ${log}${failIn === c ? '; exit 3' : ''}`, 'sh', c],
      concurrency: { group: 'g', chain: c },
    },
    {
      kind: 'run',
      title: `${c}: database`,
      // Fails when another action holding the database is inside at the same moment.
      argv: ['sh', '-c', `mkdir ${inside} || exit 9; echo "$1 db" >> ${log}; sleep 0.05; rmdir ${inside}`, 'sh', c],
      concurrency: { group: 'g', chain: c, exclusive: 'db' },
      counts: 'things done',
    },
  ]);
}

test('chains overlap, keep their order, the exclusive resource is held by one at a time and in plan order, progress is counted', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const run = await runPlan(root, chainPlan(root));
    assert.equal(run.error, undefined, run.error?.message);
    const lines = (await fs.readFile(path.join(root, 'log'), 'utf8')).trim().split('\n').map((l) => l.split(' '));
    for (const c of CHAINS) {
      const at = (what: string): number => lines.findIndex(([who, w]) => who === c && w === what);
      assert.ok(at('start') < at('end') && at('end') < at('db'), `chain ${c} out of order: ${JSON.stringify(lines)}`);
    }
    const spans = CHAINS.map((c) => [BigInt(lines.find(([w, k]) => w === c && k === 'start')![2]!), BigInt(lines.find(([w, k]) => w === c && k === 'end')![2]!)] as const);
    const overlapping = spans.some(([s1, e1], i) => spans.some(([s2], j) => j !== i && s2 > s1 && s2 < e1));
    if (os.availableParallelism() > 1) assert.ok(overlapping, `no two chains ran at the same time: ${JSON.stringify(lines)}`);
    // The exclusive part runs in plan order, whichever chain's first part ended first.
    assert.deepEqual(lines.filter(([, w]) => w === 'db').map(([who]) => who), CHAINS);
    const progress = run.events.filter((e) => e.type === 'progress');
    assert.deepEqual(progress.map((e) => (e.type === 'progress' ? `${e.done}/${e.total} ${e.label}` : '')), ['1/4 things done', '2/4 things done', '3/4 things done', '4/4 things done']);
  } finally {
    await cleanup();
  }
});

test('a failure in one chain: the others stop at their next action, the run fails, the journal says which', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    // b fails while a (the slowest) still works: a ends its action but goes no further; c and d never start.
    const run = await runPlan(root, chainPlan(root, 'b'));
    assert.ok(run.error !== undefined, 'the run went on after a failure');
    const records = await journalRecords(root);
    const failed = records.filter((r) => r.t === 'action' && r.status === 'failed').map((r) => r.title);
    assert.deepEqual(failed, ['b: work']);
    const started = records.filter((r) => r.t === 'action' && r.status === 'start').map((r) => String(r.title));
    assert.deepEqual(started.filter((t) => t.endsWith(': database')), [], 'a chain went on after the failure');
    if (os.availableParallelism() > 1) assert.deepEqual(started.filter((t) => t.endsWith(': work')).sort(), ['a: work', 'b: work']);
    assert.ok(records.some((r) => r.t === 'action' && r.status === 'done' && r.title === 'a: work'), 'the action a was running when b failed is finished, not cut off');
  } finally {
    await cleanup();
  }
});
