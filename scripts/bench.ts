// npm run bench: every figure of issue 15 in ONE table, each against its anchor measured in the
// same run on the same machine (ratio and medians); `npm run bench -- --json` writes the table as
// JSON instead, to stdout and to build/bench.json (npm's own lines go to stdout too; `npm run -s`
// leaves them out). Not a test: it prints, and asserts nothing about time.
//   npm run bench -- --only P1a,P2    some figures only
//   LOCKSTEP_BIN=/path/bin/lockstep.js npm run bench    another build (an older one, to compare)
//   BENCH_RUNS=5 (quick figures, default 5), BENCH_P2_RUNS, BENCH_CA_RUNS, BENCH_CA_HOSTS
// A new figure: a module in scripts/bench/ exporting `figure: Figure` (scripts/bench/table.ts),
// added to FIGURES below.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, REPO } from '../test/helpers.js';
import { figure as checkFigure } from './bench/c1-check.js';
import { figure as flows } from './bench/flows.js';
import { figure as startup } from './bench/p1a-startup.js';
import { figure as firstFrame } from './bench/p1b-first-frame.js';
import { figure as exe } from './bench/p1c-exe.js';
import { figure as logPane } from './bench/p2-log-pane.js';
import { figure as caSign } from './bench/p3-ca-sign.js';
import { ratioOf, targetText, verdict, type Figure, type Row } from './bench/table.js';

const FIGURES: readonly Figure[] = [startup, firstFrame, exe, logPane, caSign, checkFigure, flows];

const json = process.argv.includes('--json');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt < 0 ? undefined : new Set((process.argv[onlyAt + 1] ?? '').split(','));
const bin = process.env.LOCKSTEP_BIN ?? BIN;
const runs = Number(process.env.BENCH_RUNS ?? 5);

const fmt = (x: number | undefined, unit: string): string =>
  x === undefined ? '—' : unit === 's' ? `${x.toFixed(2)} s` : unit === 'ms' ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ${unit}`;

function table(rows: readonly Row[]): string {
  const head = ['id', 'figure', 'lockstep', 'anchor', 'ratio', 'target', '', 'anchor is'];
  const body = rows.map((r) => {
    const ratio = ratioOf(r);
    return [r.id, r.what, fmt(r.lockstep, r.unit), fmt(r.anchor, r.unit), ratio === undefined ? '' : `×${ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2)}`, targetText(r), verdict(r), `${r.anchorName}${r.runs > 0 ? ` (median of ${r.runs})` : ''}${r.note ? `; ${r.note}` : ''}`];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? 3 : w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

const rows: Row[] = [];
const started = new Date().toISOString();
for (const f of FIGURES) {
  if (only !== undefined && !only.has(f.id)) continue;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), `lockstep-bench-${f.id}-`));
  try {
    if (!json) process.stderr.write(`measuring ${f.id} (${f.title})…\n`);
    rows.push(...(await f.rows({ repo: REPO, bin, work, runs })));
  } catch (error) {
    rows.push({ id: f.id, what: f.title, anchorName: '', unit: 'ms', runs: 0, note: `failed: ${(error as Error).message.split('\n')[0]}` });
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
const machine = `${os.cpus().length} CPUs, node ${process.version}, ${os.loadavg()[0]!.toFixed(1)} load`;
if (json) {
  const text = `${JSON.stringify({ started, machine, bin, rows: rows.map((r) => ({ ...r, ratio: ratioOf(r), target: targetText(r), verdict: verdict(r) })) }, null, 2)}\n`;
  await fs.mkdir(path.join(REPO, 'build'), { recursive: true });
  await fs.writeFile(path.join(REPO, 'build', 'bench.json'), text);
  process.stdout.write(text);
} else {
  process.stdout.write(`# lockstep benchmark ${started}, ${machine}\n\n${table(rows)}\n`);
}
