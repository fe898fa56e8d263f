// `lockstep check` against `lynis audit system --quick` (issue 11): a row for the checklist's
// helper to fill once the command exists. Until then it says so.
import { spawnSync } from 'node:child_process';
import type { Figure } from './table.js';

export const figure: Figure = {
  id: 'C1',
  title: 'lockstep check vs lynis',
  async rows({ bin }) {
    const has = spawnSync('node', [bin, 'check', '--help'], { stdio: 'ignore' }).status === 0;
    return [{ id: 'C1', what: 'lockstep check', anchorName: 'lynis audit system --quick', unit: 's', runs: 0, note: has ? 'the command exists: measure it here (scripts/bench/c1-check.ts)' : 'no "lockstep check" yet (issue 11)' }];
  },
};
