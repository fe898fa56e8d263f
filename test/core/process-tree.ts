// What the engine tests read of running processes, straight from /proc (Linux only): the
// children a CLI run spawned, their argv and environment, and who is left in a process group.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { BIN, REPO, lockstep } from '../helpers.js';

export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly comm: string;
  /** R, S, D, T, Z (zombie: dead, waiting for its parent to reap it)... */
  readonly state: string;
}

/** Fields of /proc/<pid>/stat; undefined when the process is gone. */
export function procInfo(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so cut at the last ')'.
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const [state, ppid, pgrp] = stat.slice(close + 2).split(' ');
  return { pid, ppid: Number(ppid), pgrp: Number(pgrp), comm, state: state ?? '?' };
}

/** Running (a zombie has ended: where init does not reap orphans, as in some containers, it lingers). */
export function running(pid: number): boolean {
  const info = procInfo(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

export function allProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    const info = procInfo(Number(name));
    if (info !== undefined) out.push(info);
  }
  return out;
}

/** Every live descendant of `root` (children, grandchildren...). */
export function descendants(root: number): ProcInfo[] {
  const all = allProcesses();
  const found: ProcInfo[] = [];
  let frontier = new Set([root]);
  while (frontier.size > 0) {
    const next = new Set<number>();
    for (const p of all) {
      if (frontier.has(p.ppid)) {
        found.push(p);
        next.add(p.pid);
      }
    }
    frontier = next;
  }
  return found;
}

export function groupMembers(pgrp: number): ProcInfo[] {
  return allProcesses().filter((p) => p.pgrp === pgrp);
}

/** Members of a process group that still run (zombies left out). */
export function runningMembers(pgrp: number): ProcInfo[] {
  return groupMembers(pgrp).filter((p) => p.state !== 'Z' && p.state !== 'X');
}

/**
 * SIGKILL to a lockstep run and everything it started, all at once (as a power cut would): its
 * children lead process groups of their own, so the run is frozen first (SIGSTOP: it starts
 * nothing new), then every group of it and of its descendants is killed. False when it was gone.
 */
export function killTree(pid: number): boolean {
  try {
    process.kill(pid, 'SIGSTOP');
  } catch {
    return false;
  }
  const groups = new Set([procInfo(pid)?.pgrp ?? pid, ...descendants(pid).map((p) => p.pgrp)]);
  for (const pgrp of groups) {
    try {
      process.kill(-pgrp, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return true;
}

/** argv and environment of a process as raw text (NUL-separated), or undefined when it is gone. */
export function readCmdline(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return undefined;
  }
}

export function readEnviron(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined;
  }
}

/** The CLI tests run the built bundle; say how to make it rather than fail obscurely. */
export function requireBuiltCli(): void {
  if (!fs.existsSync(path.join(REPO, 'dist', 'cli.js'))) {
    throw new Error(`${BIN} needs dist/cli.js: run "npm run build" first.`);
  }
}

/** Journal records of a --root, tolerating a last line cut short by a kill. */
export async function journalRecords(root: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(root, 'var/log/lockstep/journal.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // written while we read it
    }
  }
  return out;
}

export interface CliResult {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI without a TTY (CI=true, stdin ignored), its output as text. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  const r = await lockstep(args, { env: { CI: 'true', NO_COLOR: '1', ...env } });
  return { exitCode: r.exitCode, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export interface Watched {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Where the secret was seen (argv of the CLI or a child, a child's environment). */
  readonly leaks: Set<string>;
  /** "<comm> <first argument>" of every child seen. */
  readonly children: Set<string>;
  /** The leading words and fd: arguments of the children given -passin / -pass. */
  readonly passArgv: Set<string>;
  readonly samples: number;
}

/** Runs the built CLI; until it exits, reads argv of it and every descendant, and each child's environment. */
export async function runWatched(args: readonly string[], secret: string, env: Readonly<Record<string, string>> = {}): Promise<Watched> {
  const cli = lockstep(args, { env: { CI: 'true', NO_COLOR: '1', ...env } });
  const pid = cli.pid!;
  const leaks = new Set<string>();
  const children = new Set<string>();
  const passArgv = new Set<string>();
  let running = true;
  let samples = 0;
  void cli.finally(() => (running = false));
  while (running) {
    samples += 1;
    const own = readCmdline(pid);
    if (own?.includes(secret)) leaks.add(`argv of the CLI (${pid})`);
    for (const child of descendants(pid)) {
      const argv = readCmdline(child.pid);
      const environ = readEnviron(child.pid);
      // Gone; or forked but not yet exec'd, when it is still a copy of the CLI (same argv, same
      // environment) and not a process of its own.
      if (argv === undefined || argv === '' || argv === own) continue;
      const words = argv.split('\0');
      children.add(`${child.comm} ${words[1] ?? ''}`.trim());
      if (words.includes('-passin') || words.includes('-pass')) passArgv.add(words.slice(0, 2).concat(words.filter((w) => w.startsWith('fd:'))).join(' '));
      if (argv.includes(secret)) leaks.add(`argv of ${child.comm} (${child.pid}): ${words.join(' ')}`);
      if (environ?.includes(secret)) leaks.add(`environment of ${child.comm} (${child.pid})`);
    }
    await new Promise((r) => setImmediate(r));
  }
  const r = await cli;
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), leaks, children, passArgv, samples };
}
