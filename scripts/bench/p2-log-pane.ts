// P2: a child's output through the real TUI's live log pane (scripts/bench/log-pane.tsx, bundled
// as lockstep is, one process a run) against the same child writing to a file; peak RSS of that
// process at 1,000,000 and 3,000,000 lines (flat in the line count), a 10 MiB line with no
// newline and \r progress bars at 10 kHz. Every run checks that the run log kept every byte. The
// note adds lockstep's CPU time while the command ran and bare Node's own floor: the same child
// read from its pipe into a file by a plain script (scripts/bench/pipe-floor.mjs).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { narrowWidth } from '../narrow-width.mjs';
import { yogaSync } from '../yoga-sync.mjs';
import { childArgv } from './log-pane.js';
import { median, wall, type Figure, type Row } from './table.js';

interface PaneRun {
  readonly wallMs: number;
  readonly actionMs: number;
  readonly actionCpuMs: number;
  readonly peakRssMiB: number;
  readonly outputLines: number;
  readonly outputBytes: number;
  readonly exit: number;
}

function paneRun(bundle: string, scenario: string, lines: number): PaneRun {
  const r = spawnSync(process.execPath, [bundle], {
    env: { ...process.env, LOCKSTEP_BENCH_CHILD: '1', SCENARIO: scenario, LINES: String(lines), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  // Its stderr is Ink's cursor codes, and a failure's message: shown only when it fails.
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`log pane ${scenario} exited ${r.status ?? r.signal}: ${r.stderr.slice(-500)}`);
  const run = JSON.parse(last) as PaneRun;
  if (run.exit !== 0) throw new Error(`log pane ${scenario}: the run exited ${run.exit}`);
  return run;
}

/** Bare Node between the child and a file (scripts/bench/pipe-floor.mjs): what a pipe read by Node costs before lockstep does anything. */
function nodeFloor(repo: string, argv: readonly string[], file: string): number {
  const r = spawnSync(process.execPath, [path.join(repo, 'scripts/bench/pipe-floor.mjs'), file, JSON.stringify(argv)], { encoding: 'utf8' });
  const run = JSON.parse(r.stdout.trim()) as { ms: number; code: number };
  if (r.status !== 0 || run.code !== 0) throw new Error(`pipe floor exited ${r.status ?? r.signal}: ${r.stderr.slice(-500)}`);
  return run.ms;
}

/** The child alone, its standard output into a file: its bytes, and the ms it took. */
function alone(argv: readonly string[], file: string): { ms: number; bytes: number } {
  const fd = fs.openSync(file, 'w');
  try {
    return { ms: wall(argv, { stdio: ['ignore', fd, 'ignore'] }), bytes: fs.fstatSync(fd).size };
  } finally {
    fs.closeSync(fd);
  }
}

export const figure: Figure = {
  id: 'P2',
  title: 'live log pane',
  async rows({ repo, work }) {
    const bundle = path.join(work, 'log-pane', 'log-pane.js');
    await build({
      entryPoints: [path.join(repo, 'scripts/bench/log-pane.tsx')],
      outdir: path.dirname(bundle),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: ['react-devtools-core'],
      define: { 'process.env.NODE_ENV': '"production"' },
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      plugins: [yogaSync, narrowWidth], // as scripts/build.mjs bundles lockstep
      logLevel: 'error',
    });
    const runs = Number(process.env.BENCH_P2_RUNS ?? 5);
    const rows: Row[] = [];
    const scenarios = [
      { scenario: 'lines', lines: 1_000_000, what: '1,000,000 lines' },
      { scenario: 'long', lines: 0, what: 'one 10 MiB line, no newline' },
      { scenario: 'progress', lines: 0, what: '\\r progress bars at 10 kHz, 1 s' },
    ];
    const peaks = new Map<string, number>();
    for (const s of scenarios) {
      const panes: PaneRun[] = [];
      const solo: number[] = [];
      const floor: number[] = [];
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const a = alone(childArgv(s.scenario, s.lines), path.join(work, 'alone.out'));
        solo.push(a.ms);
        bytes = a.bytes;
        panes.push(paneRun(bundle, s.scenario, s.lines));
        floor.push(nodeFloor(repo, childArgv(s.scenario, s.lines), path.join(work, 'floor.out')));
      }
      const logged = panes[0]!;
      // What the child wrote, less the newlines (and for `lines`, the line count) is what the run log must hold.
      const expected = s.scenario === 'lines' ? bytes - s.lines : s.scenario === 'progress' ? bytes - 1 : bytes;
      const kept = logged.outputBytes === expected && (s.scenario !== 'lines' || logged.outputLines === s.lines);
      if (!kept) throw new Error(`log pane ${s.scenario}: the run log holds ${logged.outputLines} lines / ${logged.outputBytes} bytes of ${expected}`);
      const floorMs = median(floor);
      const note =
        `run log kept all ${logged.outputBytes.toLocaleString('en-US')} bytes; lockstep's CPU meanwhile ${median(panes.map((p) => p.actionCpuMs)).toFixed(0)} ms; ` +
        `bare Node reading the same pipe into a file ${floorMs.toFixed(0)} ms (×${(floorMs / median(solo)).toFixed(2)}); ` +
        `the whole run (session, journal, plan, apply, verify) ${median(panes.map((p) => p.wallMs)).toFixed(0)} ms`;
      rows.push({ id: 'P2', what: `${s.what}: the command through the pane`, lockstep: median(panes.map((p) => p.actionMs)), anchor: median(solo), anchorName: 'the child alone into a file', unit: 'ms', runs, maxRatio: 1.5, note });
      peaks.set(s.scenario, median(panes.map((p) => p.peakRssMiB)));
    }
    // Flat: three times the lines, the same peak (100,000 lines end before the heap reaches its
    // steady size, so they are in the note, not the anchor).
    const small = paneRun(bundle, 'lines', 100_000).peakRssMiB;
    const triple = paneRun(bundle, 'lines', 3_000_000).peakRssMiB;
    const big = peaks.get('lines')!;
    rows.push(
      { id: 'P2', what: 'peak RSS, 1,000,000 lines', lockstep: big * 1.048576, anchorName: '', unit: 'MB', runs, maxValue: 150, note: `${big.toFixed(0)} MiB (VmHWM of the bundled process)` },
      { id: 'P2', what: 'peak RSS, 3,000,000 against 1,000,000 lines', lockstep: triple, anchor: big, anchorName: 'the same with 1,000,000 lines', unit: 'MiB', runs: 1, maxRatio: 1.1, note: `flat in the line count; 100,000 lines: ${small.toFixed(0)} MiB` },
      { id: 'P2', what: 'peak RSS, a 10 MiB line', lockstep: peaks.get('long')! * 1.048576, anchorName: '', unit: 'MB', runs, maxValue: 150 },
    );
    return rows;
  },
};
