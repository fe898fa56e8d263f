// The one way lockstep starts a child process (plan actions, probes, helpers alike): argv with
// no shell, lockstep's own LOCKSTEP_* variables never inherited, and every child the leader of
// its own process group, so that stopping it (abort, timeout, lockstep's exit) ends the whole
// tree it started: SIGTERM to the group (and to descendants that left it for a session of their
// own, as apt-get's dpkg does), then SIGKILL after a grace period.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { LineCutter, MAX_LINE, type OutputChunk } from './output-chunk.js';

export interface SpawnSpec {
  readonly argv: readonly string[];
  /** Fed to standard input, then closed; without it standard input is /dev/null. */
  readonly input?: string | Buffer;
  /** Added to the cleaned environment (explicit LOCKSTEP_* names are allowed: a DNS hook's). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** fd number (3 and up) → secret, written once with a newline and closed. */
  readonly secretFds?: ReadonlyMap<number, string>;
  /** An open descriptor that receives standard output instead of the pipe. */
  readonly stdoutFd?: number;
  /** Aborting it ends the child's whole process group. */
  readonly signal?: AbortSignal;
  /** Ends the group once this many milliseconds have passed. */
  readonly timeoutMs?: number;
  /** Between SIGTERM and SIGKILL (default 5 s). */
  readonly graceMs?: number;
  /** Keep stdout/stderr as text in the result (probes); off when only `onLine` is wanted. */
  readonly capture?: boolean;
  /** Each output line as it comes (no trailing newline; over-long lines are cut in pieces). */
  readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /**
   * Instead of onLine, for output that may be large (plan commands): the whole lines of each
   * chunk read (cut as onLine's), as bytes, their count, and their text when asked for. A
   * returned promise pauses the reading until it settles, so that a slow reader holds back the
   * child, not memory.
   */
  readonly onText?: (stream: 'stdout' | 'stderr', chunk: OutputChunk) => Promise<void> | undefined;
  /** How output bytes become text (latin1 for binary output such as DER). */
  readonly encoding?: BufferEncoding;
  readonly onSpawn?: (pid: number | undefined) => void;
}

export interface SpawnResult {
  /** undefined when the child did not start, or was killed by a signal. */
  readonly exitCode: number | undefined;
  readonly signal: NodeJS.Signals | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** The program does not exist (ENOENT) or cannot be executed (EACCES). */
  readonly missing: boolean;
  /** Ended because `signal` was aborted. */
  readonly interrupted: boolean;
  readonly timedOut: boolean;
}

export const DEFAULT_GRACE_MS = 5000;
type OnText = (chunk: OutputChunk) => Promise<void> | undefined;

/** Leaders of the process groups still running (pid = pgid). */
const live = new Map<number, ChildProcess>();
let exitHook = false;

/**
 * The parent's environment without LOCKSTEP_* (they carry secrets: LOCKSTEP_PASSPHRASE would be
 * readable in /proc/<pid>/environ of every child), LC_ALL=C for parseable output, then `extra`.
 */
export function childEnvironment(extra?: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('LOCKSTEP_')) env[name] = value;
  }
  return { ...env, LC_ALL: 'C', ...extra };
}

/** Starts the child and resolves when it has ended and its output is read; never rejects for its exit. */
export function spawnChild(spec: SpawnSpec): Promise<SpawnResult> {
  const [file, ...args] = spec.argv;
  if (file === undefined) return Promise.reject(new Error('empty command'));
  const encoding = spec.encoding ?? 'utf8';
  const highestFd = Math.max(2, ...(spec.secretFds?.keys() ?? []));
  const stdio: (string | number)[] = [spec.input === undefined ? 'ignore' : 'pipe', spec.stdoutFd ?? 'pipe', 'pipe'];
  for (let fd = 3; fd <= highestFd; fd++) stdio.push(spec.secretFds?.has(fd) ? 'pipe' : 'ignore');
  if (spec.signal?.aborted) return Promise.resolve(notStarted(false, true));

  return new Promise<SpawnResult>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        stdio: stdio as StdioOptions,
        env: childEnvironment(spec.env),
        ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
        // Its own session and process group: nothing it starts can outlive a stop, and the
        // terminal's Ctrl+C (raw mode or not) reaches lockstep alone, which ends the group.
        detached: true,
      });
    } catch (error) {
      resolve(notStarted(isMissingError(error)));
      return;
    }
    const out: string[] = [];
    const err: string[] = [];
    let interrupted = false;
    let timedOut = false;
    let stopping: Promise<void> | undefined;
    let spawnError: unknown;
    const stop = (): void => {
      if (child.pid !== undefined && stopping === undefined) stopping = endGroup(child.pid, spec.graceMs ?? DEFAULT_GRACE_MS);
    };
    const onAbort = (): void => {
      interrupted = true;
      stop();
    };
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = spec.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), stop()), spec.timeoutMs) : undefined;

    if (child.pid !== undefined) {
      live.set(child.pid, child);
      installExitHook();
    }
    spec.onSpawn?.(child.pid);
    child.on('error', (error) => (spawnError = error));
    child.on('exit', () => {
      if (child.pid !== undefined) live.delete(child.pid);
    });

    const pipes = child.stdio as unknown as (Readable | Writable | null)[];
    const stdin = pipes[0] as Writable | null;
    if (stdin !== null && spec.input !== undefined) {
      stdin.on('error', () => undefined); // the child may exit without reading it
      stdin.end(spec.input);
    }
    for (const [fd, secret] of spec.secretFds ?? []) {
      const w = pipes[fd] as Writable | null;
      if (w === null || w === undefined) continue;
      w.on('error', () => undefined);
      w.end(`${secret}\n`);
    }
    const keep = spec.capture === true;
    for (const [name, stream, kept] of [['stdout', child.stdout, out], ['stderr', child.stderr, err]] as const) {
      if (stream === null) continue;
      if (spec.onText !== undefined) readText(stream, encoding, keep ? kept : undefined, (chunk) => spec.onText?.(name, chunk));
      else readStream(stream, encoding, keep ? kept : undefined, spec.onLine && ((l) => spec.onLine?.(name, l)));
    }

    child.on('close', (code, signal) => {
      spec.signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
      if (child.pid !== undefined) live.delete(child.pid);
      const finish = (): void =>
        resolve({
          exitCode: child.pid === undefined ? undefined : (code ?? undefined),
          signal: signal ?? undefined,
          stdout: out.join(''),
          stderr: err.join(''),
          missing: child.pid === undefined && isMissingError(spawnError),
          interrupted,
          timedOut,
        });
      // A stop ends the group; the result waits for that, so nothing of it runs on after.
      if (stopping !== undefined) void stopping.then(finish);
      else finish();
    });
  });
}

/**
 * Ends process group `pgid`: SIGTERM, then SIGKILL once `graceMs` have passed with a member
 * still there. Resolves when the group is empty (or a moment after the SIGKILL).
 */
export async function endGroup(pgid: number, graceMs = DEFAULT_GRACE_MS): Promise<void> {
  // Found before anything is signalled, while they still have their parents: members' descendants
  // that started a session of their own (apt-get runs dpkg on a pty, after setsid(2)), which a
  // signal to the group does not reach. They are ended with it.
  const strays = straysOf(pgid);
  const inGroup = signalGroup(pgid, 'SIGTERM');
  for (const pid of strays) signalPid(pid, 'SIGTERM');
  if (!inGroup && strays.length === 0) return;
  const alive = (): boolean => groupAlive(pgid) || strays.some(pidAlive);
  const until = Date.now() + graceMs;
  while (alive()) {
    if (Date.now() >= until) {
      signalGroup(pgid, 'SIGKILL');
      for (const pid of strays) signalPid(pid, 'SIGKILL');
      // Orphans are reaped by init; a zombie still answers kill(0), so wait a bounded time only.
      const reapedBy = Date.now() + 2000;
      while (alive() && Date.now() < reapedBy) await pause(20);
      return;
    }
    await pause(20);
  }
}

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly state: string;
}

/** Every process's state, parent and group from /proc (empty where there is no /proc). */
function procStats(): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.push({ pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp), state: state ?? '?' });
  }
  return out;
}

/** Descendants of group `pgid`'s members that are in another group (a session of their own). */
function straysOf(pgid: number): number[] {
  const all = procStats();
  const children = new Map<number, number[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const byPid = new Map(all.map((p) => [p.pid, p] as const));
  const seen = new Set<number>();
  const todo = all.filter((p) => p.pgrp === pgid).map((p) => p.pid);
  const strays: number[] = [];
  while (todo.length > 0) {
    const pid = todo.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const p = byPid.get(pid);
    if (p !== undefined && p.pgrp !== pgid && p.state !== 'Z') strays.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return strays;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: it has ended
  }
}

function pidAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state !== 'Z' && state !== 'X';
}

/** Ends every child lockstep still runs (each whole group), as `endGroup` does. */
export async function endAllChildren(graceMs = DEFAULT_GRACE_MS): Promise<void> {
  await Promise.all([...live.keys()].map((pgid) => endGroup(pgid, graceMs)));
}

/**
 * For a lockstep process that is itself a plan's command (`lockstep internal …`): SIGINT/SIGTERM/
 * SIGHUP end every group it started (its DNS hook's, say), then it exits as killed by the signal
 * would (128 + n). Returns the function that removes the handlers.
 */
export function endChildrenOnSignal(graceMs = DEFAULT_GRACE_MS): () => void {
  const codes = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
  const handlers = Object.entries(codes).map(([name, code]) => {
    const handler = (): void => void endAllChildren(graceMs).then(() => process.exit(code));
    process.once(name, handler);
    return [name, handler] as const;
  });
  return () => {
    for (const [name, handler] of handlers) process.off(name, handler);
  };
}

/** The process groups lockstep started that are still led by a running child. */
export function liveGroups(): number[] {
  return [...live.keys()];
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nobody left in it
  }
}

/** A member of the group is still running (zombies waiting to be reaped do not count). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!existsSync('/proc/self/stat')) return true; // no /proc to look closer: kill(0) said someone is there
  return procStats().some((p) => p.pgrp === pgid && p.state !== 'Z' && p.state !== 'X');
}

/** When lockstep exits with children still running (a bug, or an unhandled error), they are told to stop too. */
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const pgid of live.keys()) signalGroup(pgid, 'SIGTERM');
  });
}

function notStarted(missing: boolean, interrupted = false): SpawnResult {
  return { exitCode: undefined, signal: undefined, stdout: '', stderr: '', missing, interrupted, timedOut: false };
}

function isMissingError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR';
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Output a chunk of whole lines at a time (core/output-chunk.ts), as the pipe's own buffers. A
 * promise from `onText` stops the reading until it settles. Pulled with 'readable' and read(),
 * not paused: child_process resumes a paused pipe when the child exits, and the output would
 * then run ahead of a sink still writing.
 */
function readText(stream: Readable, encoding: BufferEncoding, keep: string[] | undefined, onText: OnText): void {
  const cutter = new LineCutter(encoding);
  let waiting: Promise<void> | undefined;
  const decoder = keep === undefined ? undefined : new StringDecoder(encoding);
  const hand = (chunk: OutputChunk | undefined): void => {
    if (chunk === undefined) return;
    const wait = onText(chunk);
    if (wait !== undefined) waiting = waiting === undefined ? wait : Promise.all([waiting, wait]).then(() => undefined);
  };
  const pump = (): void => {
    if (waiting !== undefined) return;
    let bytes: Buffer | null;
    while ((bytes = stream.read() as Buffer | null) !== null) {
      if (decoder !== undefined) keep?.push(decoder.write(bytes));
      hand(cutter.take(bytes));
      if (waiting !== undefined) {
        void (waiting as Promise<void>).finally(() => {
          waiting = undefined;
          pump();
        });
        return;
      }
    }
  };
  stream.on('readable', pump);
  stream.on('end', () => hand(cutter.end()));
}

/** Keeps the text exactly as written (when `keep`) and hands it on line by line (when `onLine`). */
function readStream(stream: Readable, encoding: BufferEncoding, keep: string[] | undefined, onLine: ((line: string) => void) | undefined): void {
  let pending = '';
  stream.setEncoding(encoding);
  stream.on('data', (chunk: string) => {
    keep?.push(chunk);
    if (onLine === undefined) return;
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      onLine(pending.slice(0, nl).replace(/\r$/, ''));
      pending = pending.slice(nl + 1);
    }
    while (pending.length > MAX_LINE) {
      onLine(pending.slice(0, MAX_LINE));
      pending = pending.slice(MAX_LINE);
    }
  });
  stream.on('end', () => {
    if (pending.length > 0) onLine?.(pending);
    pending = '';
  });
}
