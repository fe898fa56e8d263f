// R2's watcher: while a lockstep run lasts, reads /proc/<pid>/cmdline and /proc/<pid>/environ of
// every process that was not there when it started (so a child that detached itself from
// lockstep's tree, a setsid'd timer, is read too), as fast as the event loop allows (a pass over
// /proc takes a few ms). Every distinct argv and environment seen is kept, so secrets learned
// only after the run (an ACME account key it generated) can be looked for afterwards.
import fs from 'node:fs';
import { lockstep } from '../helpers.js';

export interface Seen {
  readonly pid: number;
  readonly argv: string;
  readonly environ: string;
}

export interface WatchedRun {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly seen: readonly Seen[];
  readonly cliPid: number;
  readonly passes: number;
  readonly ms: number;
}

const pids = (): number[] => fs.readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n)).map(Number);
const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
};

export async function watchRun(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<WatchedRun> {
  const before = new Set(pids());
  const started = performance.now();
  const cli = lockstep(args, { env: { CI: 'true', NO_COLOR: '1', ...env } });
  const cliPid = cli.pid!;
  const seen = new Map<string, Seen>();
  let running = true;
  let passes = 0;
  void cli.finally(() => (running = false));
  while (running) {
    passes += 1;
    for (const pid of pids()) {
      if (before.has(pid) || pid === process.pid) continue;
      const argv = read(`/proc/${pid}/cmdline`);
      const environ = read(`/proc/${pid}/environ`);
      if (argv === undefined || argv === '') continue;
      const key = `${pid}\0${argv}\0${environ ?? ''}`;
      if (!seen.has(key)) seen.set(key, { pid, argv, environ: environ ?? '' });
    }
    await new Promise((r) => setImmediate(r));
  }
  const r = await cli;
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), seen: [...seen.values()], cliPid, passes, ms: performance.now() - started };
}

/** Where `secret` shows: argv of any new process, the environment of any but the CLI itself when `cliMayHold` (it was given the secret so). */
export function leaksIn(run: WatchedRun, secret: string, cliMayHold: boolean): string[] {
  const out: string[] = [];
  const cliArgv = run.seen.find((s) => s.pid === run.cliPid)?.argv;
  for (const s of run.seen) {
    const words = s.argv.split('\0');
    if (s.argv.includes(secret)) out.push(`argv of pid ${s.pid}: ${words.slice(0, 6).join(' ')}`);
    // A child forked but not yet exec'd is still a copy of the CLI (same argv, same environment).
    const copyOfCli = s.pid === run.cliPid || s.argv === cliArgv;
    if (s.environ.includes(secret) && !(cliMayHold && copyOfCli)) out.push(`environment of pid ${s.pid} (${words.slice(0, 3).join(' ')})`);
  }
  if (run.stdout.includes(secret)) out.push('stdout');
  if (run.stderr.includes(secret)) out.push('stderr');
  return out;
}
