// The shape every figure of `npm run bench` gives (scripts/bench.ts prints them as one table):
// a row is lockstep's median against its anchor's median, measured in the same run, with the
// issue's target. A figure is a small module exporting `figure: Figure`; add yours to FIGURES
// in scripts/bench.ts.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Row {
  /** The name for the figure: P1a, P1b, P2, P3, C1… */
  readonly id: string;
  readonly what: string;
  /** lockstep's median (undefined: not measured in this run, see note). */
  readonly lockstep?: number;
  readonly anchor?: number;
  readonly anchorName: string;
  readonly unit: 'ms' | 's' | 'MiB' | 'MB';
  readonly runs: number;
  /** The target as a ratio lockstep/anchor (met when ratio ≤ maxRatio). */
  readonly maxRatio?: number;
  /** Or as an absolute ceiling on lockstep's figure. */
  readonly maxValue?: number;
  readonly note?: string;
}

export interface BenchContext {
  readonly repo: string;
  /** bin/lockstep.js of the build under test (LOCKSTEP_BIN picks another, e.g. a copy of an older dist). */
  readonly bin: string;
  /** A fresh temporary folder for this figure. */
  readonly work: string;
  /** How many times to run each quick measurement (BENCH_RUNS). */
  readonly runs: number;
}

export interface Figure {
  readonly id: string;
  readonly title: string;
  rows(ctx: BenchContext): Promise<Row[]>;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Wall time of one run of argv, in ms; throws when it fails (unless allowed). */
export function wall(argv: readonly string[], options: SpawnSyncOptions = {}, okCodes: readonly number[] = [0]): number {
  const [file, ...args] = argv;
  const t = performance.now();
  const r = spawnSync(file!, args, { stdio: 'ignore', ...options });
  const ms = performance.now() - t;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}: ${String(r.stderr ?? '')}`);
  return ms;
}

/** Medians of several commands run in turn (a busy moment of the machine hits each alike). */
export function interleaved(commands: readonly (readonly string[])[], runs: number, warmups = 2): number[] {
  const times = commands.map(() => [] as number[]);
  for (let i = 0; i < warmups + runs; i++) commands.forEach((argv, j) => (i >= warmups ? times[j]!.push(wall(argv)) : wall(argv)));
  return times.map(median);
}

export const ratioOf = (r: Row): number | undefined => (r.lockstep !== undefined && r.anchor !== undefined && r.anchor > 0 ? r.lockstep / r.anchor : undefined);

/** 'met', 'MISSED' or '' (no target, or not measured). */
export function verdict(r: Row): string {
  const ratio = ratioOf(r);
  if (r.maxRatio !== undefined && ratio !== undefined) return ratio <= r.maxRatio ? 'met' : 'MISSED';
  if (r.maxValue !== undefined && r.lockstep !== undefined) return r.lockstep <= r.maxValue ? 'met' : 'MISSED';
  return '';
}

export function targetText(r: Row): string {
  if (r.maxRatio !== undefined) return `≤ ×${r.maxRatio}`;
  if (r.maxValue !== undefined) return `≤ ${r.maxValue} ${r.unit}`;
  return '';
}

/**
 * An anchor's program from a Debian package: the first of `paths` that exists, after installing
 * `pkg` from apt when none does and this is root (with a line on stderr saying so); undefined
 * when it cannot be had (the figure's row says how to install it).
 */
export function anchorFromApt(pkg: string, paths: readonly string[]): string | undefined {
  const found = (): string | undefined => paths.find((p) => existsSync(p));
  if (found() !== undefined || process.getuid?.() !== 0) return found();
  process.stderr.write(`${pkg} is not installed: apt-get install -y ${pkg}\n`);
  spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', pkg], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return found();
}
