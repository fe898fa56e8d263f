// P1c (issue 14): the single executable against the bundled JS, from scripts/bench-exe.ts when
// build/lockstep-linux-<arch> has been built (npm run build:exe).
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Figure, Row } from './table.js';

export const figure: Figure = {
  id: 'P1c',
  title: 'single executable',
  async rows({ repo, runs }) {
    if (!existsSync(path.join(repo, 'build', `lockstep-linux-${process.arch}`))) {
      return [{ id: 'P1c', what: 'the single executable', anchorName: 'bundled JS', unit: 'ms', runs: 0, note: 'not built (npm run build:exe)' }];
    }
    const { stdout } = await execa('node', ['--import', 'tsx', path.join(repo, 'scripts/bench-exe.ts'), '--json'], { cwd: repo, env: { BENCH_RUNS: String(runs * 2) } });
    return (JSON.parse(stdout) as { rows: Row[] }).rows;
  },
};
