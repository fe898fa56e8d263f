// Shared by the torture suite (issue 12): how many trials a run makes, and where its figures go.
// `npm test` runs the short pass (counts chosen so the whole suite takes a minute or two on a
// 2-core machine); `npm run torture` sets TORTURE=full for the counts the issue asks for.
// TORTURE_SEED replays a run; TORTURE_FIGURES names a JSON-lines file the figures are added to.
import fs from 'node:fs';

export const FULL = process.env.TORTURE === 'full';

/** The short pass's count, or the full run's. */
export const trials = (short: number, full: number): number => (FULL ? full : short);

/** One seed per run: fixed in the short pass (CI replays the same trials), from the clock in the full run unless given. */
export const SEED = Number(process.env.TORTURE_SEED ?? (FULL ? Date.now() % 2 ** 31 : 20261203));

export interface Figures {
  readonly requirement: string;
  readonly [name: string]: unknown;
}

/** Records a test's figures: as a test diagnostic, and in TORTURE_FIGURES when it is set. */
export function figures(t: { diagnostic(message: string): void }, f: Figures): void {
  t.diagnostic(`${f.requirement}: ${JSON.stringify({ ...f, requirement: undefined })}`);
  const file = process.env.TORTURE_FIGURES;
  if (file) fs.appendFileSync(file, `${JSON.stringify({ ...f, full: FULL, seed: SEED, at: new Date().toISOString() })}\n`);
}
