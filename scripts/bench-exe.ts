// The single executable against the bundled JS it is made from: size on disk and start-up
// (--version, --help), medians of runs taken in turn so that a busy moment hits both alike.
// `--json` prints rows in the shape of scripts/bench.ts's table (id, what, lockstep, anchor, unit,
// runs), so that table can take them as they are. Build both first (npm run build, build:exe).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, REPO } from '../test/helpers.js';

const EXE = path.join(REPO, 'build', `lockstep-linux-${process.arch}`);
const json = process.argv.includes('--json');
const runs = Number(process.env.BENCH_RUNS ?? 11);

interface Row {
  readonly id: string;
  readonly what: string;
  readonly lockstep: number;
  readonly anchor: number;
  readonly anchorName: string;
  readonly unit: 'ms' | 'MB';
  readonly runs: number;
  readonly note?: string;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function wall(argv: readonly string[]): number {
  const [file, ...args] = argv;
  const t = performance.now();
  const r = spawnSync(file!, args, { stdio: 'ignore' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}`);
  return ms;
}

function interleaved(commands: readonly (readonly string[])[], warmups = 2): number[] {
  const times = commands.map(() => [] as number[]);
  for (let i = 0; i < warmups + runs; i++) commands.forEach((argv, j) => (i >= warmups ? times[j]!.push(wall(argv)) : wall(argv)));
  return times.map(median);
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    total += e.isDirectory() ? treeBytes(full) : e.name.endsWith('.map') ? 0 : fs.statSync(full).size;
  }
  return total;
}

for (const [file, how] of [[EXE, 'npm run build:exe'], [path.join(REPO, 'dist', 'cli.js'), 'npm run build']] as const) {
  if (!fs.existsSync(file)) throw new Error(`${path.relative(REPO, file)} is missing: ${how} first`);
}
const MB = 1024 * 1024;
const nodeBytes = fs.statSync(process.execPath).size;
const anchorName = 'node bin/lockstep.js (bundled JS)';
const [exeVersion, jsVersion, exeHelp, jsHelp] = interleaved([[EXE, '--version'], ['node', BIN, '--version'], [EXE, '--help'], ['node', BIN, '--help']]);
const rows: Row[] = [
  { id: 'P1c', what: `${path.basename(EXE)} --version`, lockstep: exeVersion!, anchor: jsVersion!, anchorName, unit: 'ms', runs },
  { id: 'P1c', what: `${path.basename(EXE)} --help`, lockstep: exeHelp!, anchor: jsHelp!, anchorName, unit: 'ms', runs },
  {
    id: 'P1c',
    what: `${path.basename(EXE)} on disk`,
    lockstep: fs.statSync(EXE).size / MB,
    anchor: treeBytes(path.join(REPO, 'dist')) / MB,
    anchorName: 'dist/ without source maps (needs a Node 20 beside it)',
    unit: 'MB',
    runs: 1,
    note: `the node ${process.version} binary it embeds is ${(nodeBytes / MB).toFixed(1)} MB before stripping`,
  },
];
if (json) {
  process.stdout.write(`${JSON.stringify({ machine: `node ${process.version}, ${process.arch}`, rows }, null, 2)}\n`);
} else {
  for (const r of rows) process.stdout.write(`${r.what.padEnd(36)} ${r.lockstep.toFixed(1).padStart(8)} ${r.unit}   ${anchorName === r.anchorName ? 'bundled JS' : 'dist/'} ${r.anchor.toFixed(1)} ${r.unit}   (median of ${r.runs})\n`);
}
