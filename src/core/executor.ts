// Applies a plan: each action journaled before and after, files replaced atomically with a
// backup, modes set at creation, command output streamed as events and into the run log.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { argvOn, type Action, type Concurrency } from './actions.js';
import { actionFile } from './paths.js';
import { backupFile, commitTemp, discardTemp, openTemp, sweepStaleTemps, syncDir, writeAtomic } from './atomic-file.js';
import { argText } from './describe.js';
import { AbortedError, CommandFailedError, UserError } from './errors.js';
import type { EventBus } from './events.js';
import type { OutputChunk } from './output-chunk.js';
import { BACKUP_DIR, type Journal } from './journal.js';
import { InterruptedCommandError, runCommand } from './run-command.js';
import type { SecretStore } from './secrets.js';
import { isCode, type System } from './system.js';

export type FailureChoice = 'retry' | 'skip' | 'abort';

export interface ExecutorContext {
  readonly sys: System;
  readonly bus: EventBus;
  readonly journal: Journal;
  readonly secrets: SecretStore;
  readonly signal?: AbortSignal;
  /** Asked when an action fails; non-interactive runs answer 'abort'. */
  readonly onFailure: (index: number, error: Error) => Promise<FailureChoice>;
  /** Indexes already done by an earlier, interrupted attempt of this run. */
  readonly alreadyDone?: ReadonlySet<number>;
  /** Told the pid of each child as it starts (tests read its /proc/<pid>/cmdline). */
  readonly onSpawn?: (pid: number | undefined) => void;
}

const countsOf = (a: Action): string | undefined => (a.kind === 'run' || a.kind === 'write' ? a.counts : undefined);
const concurrencyOf = (a: Action | undefined): Concurrency | undefined => (a !== undefined && 'concurrency' in a ? a.concurrency : undefined);

/** The files an action creates or replaces (as on the server). */
function targetsOf(a: Action): string[] {
  switch (a.kind) {
    case 'write':
    case 'edit':
      return [a.path];
    case 'move':
      return [a.to];
    case 'run':
      return a.stdoutTo ? [a.stdoutTo.path] : [];
    default:
      return [];
  }
}

/** What a run killed before this one left in the folders this plan writes into, and in the backups. */
async function sweepBeforeApply(plan: readonly Action[], ctx: ExecutorContext): Promise<void> {
  const dirs = new Set(plan.flatMap(targetsOf).map((t) => path.dirname(ctx.sys.real(t))));
  for (const dir of dirs) await sweepStaleTemps(dir);
  await sweepStaleTemps(ctx.sys.real(BACKUP_DIR), true);
}

export async function applyPlan(plan: readonly Action[], ctx: ExecutorContext): Promise<void> {
  await sweepBeforeApply(plan, ctx);
  const totals = new Map<string, number>();
  for (const a of plan) {
    const label = countsOf(a);
    if (label !== undefined) totals.set(label, (totals.get(label) ?? 0) + 1);
  }
  const done = new Map<string, number>();
  const counted = (action: Action): void => {
    const label = countsOf(action);
    if (label === undefined) return;
    done.set(label, (done.get(label) ?? 0) + 1);
    ctx.bus.emit({ type: 'progress', label, done: done.get(label) ?? 0, total: totals.get(label) ?? 0 });
  };
  // One failure prompt at a time, however many actions run at once.
  let asking: Promise<unknown> = Promise.resolve();
  const onFailure = (index: number, error: Error): Promise<FailureChoice> => {
    const answer = asking.then(() => ctx.onFailure(index, error));
    asking = answer.catch(() => undefined);
    return answer;
  };
  const one = async (index: number): Promise<void> => {
    if (await applyOne(plan, index, { ...ctx, onFailure })) counted(plan[index]!);
  };
  let index = 0;
  while (index < plan.length) {
    let end = index + 1;
    const group = concurrencyOf(plan[index])?.group;
    if (group !== undefined) while (end < plan.length && concurrencyOf(plan[end])?.group === group) end++;
    if (end - index === 1) await one(index);
    else await runChains(plan, index, end, one);
    index = end;
  }
}

/**
 * Runs the actions [from, to) as chains: each chain in plan order; the part of each chain before
 * its first `exclusive` action (a host's folder, key, CSR) in os.availableParallelism() workers;
 * the rest of every chain (from the `openssl ca` on) one chain after another in plan order, as
 * soon as that chain's first part is done, so the resource is never used by two at once and is
 * used in plan order (serial numbers follow the hosts' order). The first error stops every chain
 * at its next action; it is thrown once the running actions end.
 */
async function runChains(plan: readonly Action[], from: number, to: number, work: (index: number) => Promise<void>): Promise<void> {
  const byChain = new Map<string, number[]>();
  for (let i = from; i < to; i++) {
    const key = concurrencyOf(plan[i])?.chain ?? String(i);
    byChain.set(key, [...(byChain.get(key) ?? []), i]);
  }
  const chains = [...byChain.values()].map((indexes) => {
    const cut = indexes.findIndex((i) => concurrencyOf(plan[i])?.exclusive !== undefined);
    return cut === -1 ? { free: indexes, ordered: [] as number[] } : { free: indexes.slice(0, cut), ordered: indexes.slice(cut) };
  });
  let failure: { error: unknown } | undefined;
  const run = async (indexes: readonly number[]): Promise<void> => {
    for (const index of indexes) {
      if (failure !== undefined) return;
      try {
        await work(index);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };
  const ready = chains.map(() => {
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chains.length && failure === undefined) {
      const c = next++;
      await run(chains[c]!.free);
      ready[c]!.resolve();
    }
  };
  const workers = Promise.all(Array.from({ length: Math.min(chains.length, Math.max(1, os.availableParallelism())) }, worker)).then(() => {
    for (const r of ready) r.resolve(); // chains never started (after a failure): the ordered part must not wait for them
  });
  const ordered = (async (): Promise<void> => {
    for (const [c, chain] of chains.entries()) {
      await ready[c]!.promise;
      if (failure !== undefined) return;
      await run(chain.ordered);
    }
  })();
  await Promise.all([workers, ordered]);
  if (failure !== undefined) throw failure.error;
}

/** True when the action's effect is there (done now or by an earlier attempt), false when skipped. */
async function applyOne(plan: readonly Action[], index: number, ctx: ExecutorContext): Promise<boolean> {
  const total = plan.length;
  const action = plan[index]!;
  if (ctx.alreadyDone?.has(index)) {
    ctx.bus.emit({ type: 'action-done', index, title: action.title, ms: 0, outcome: 'already-done' });
    return true;
  }
  for (;;) {
    if (ctx.signal?.aborted) throw new AbortedError();
    ctx.bus.emit({ type: 'action-start', index, total, title: action.title });
    await ctx.journal.write({ t: 'action', index, status: 'start', title: action.title });
    const started = performance.now();
    try {
      const backup = await applyAction(action, index, ctx);
      const ms = Math.round(performance.now() - started);
      await ctx.journal.write({ t: 'action', index, status: 'done', title: action.title, ms, ...(backup ? { backup } : {}) });
      ctx.bus.emit({ type: 'action-done', index, title: action.title, ms, outcome: 'done' });
      if (action.kind === 'run' && action.deadline) ctx.bus.emit({ type: 'deadline', label: action.deadline.label, at: Date.now() + action.deadline.seconds * 1000 });
      if (action.kind === 'move' && action.endsDeadline) ctx.bus.emit({ type: 'deadline-ended', ...action.endsDeadline });
      return true;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // Stopped (SIGINT/SIGTERM, Ctrl+C in the TUI): the record says so, and resume runs it again.
      const interrupted = err instanceof InterruptedCommandError || ctx.signal?.aborted === true;
      await ctx.journal.write({ t: 'action', index, status: interrupted ? 'interrupted' : 'failed', title: action.title, message: err.message });
      ctx.bus.emit({
        type: 'action-failed',
        index,
        title: action.title,
        message: err.message,
        stderrTail: err instanceof CommandFailedError ? err.stderrTail : [],
      });
      if (interrupted) throw new AbortedError(`Stopped by the operator (a signal or Ctrl+C) during "${action.title}"; its commands were ended.`);
      const choice = await ctx.onFailure(index, err);
      if (choice === 'retry') continue;
      if (choice === 'skip') {
        await ctx.journal.write({ t: 'action', index, status: 'skipped', title: action.title });
        ctx.bus.emit({ type: 'action-done', index, title: action.title, ms: 0, outcome: 'skipped' });
        return false;
      }
      throw new AbortedError(`Stopped after "${action.title}" failed: ${err.message}`);
    }
  }
}

/** Returns the backup's path when a file was replaced. */
async function applyAction(action: Action, index: number, ctx: ExecutorContext): Promise<string | undefined> {
  const { sys } = ctx;
  switch (action.kind) {
    case 'mkdir': {
      // As the preview's `mkdir -p -m MODE`: the directory is created with at most MODE, then
      // exactly MODE; one that exists keeps its mode (pointing a step at /etc/ssl/private must
      // not open it up). Parents are made as usual.
      const real = sys.real(action.path);
      await fs.mkdir(path.dirname(real), { recursive: true, mode: 0o755 });
      try {
        await fs.mkdir(real, { mode: action.mode & 0o777 });
      } catch (error) {
        if (isCode(error, 'EEXIST') && (await fs.stat(real)).isDirectory()) return undefined;
        throw error;
      }
      await fs.chmod(real, action.mode);
      return undefined;
    }
    case 'chmod':
      await fs.chmod(sys.real(action.path), action.mode);
      return undefined;
    case 'write': {
      const real = actionFile(sys, action);
      const backup = await backupIfPresent(real, action.path, ctx);
      await writeAtomic(real, action.content, action.mode, action.owner ? { owner: action.owner } : {});
      return backup;
    }
    case 'edit': {
      const real = actionFile(sys, action);
      const now = await fs.readFile(real, 'utf8').catch((e: unknown) => (isCode(e, 'ENOENT') ? undefined : Promise.reject(e)));
      if (now === action.after) return undefined; // applied by an interrupted attempt
      if (now !== action.before) {
        throw new UserError(`${action.path} changed since the preview; run the step again to see the new diff.`);
      }
      const st = await fs.stat(real);
      const backup = await backupIfPresent(real, action.path, ctx);
      await writeAtomic(real, action.after, st.mode & 0o7777, { owner: { uid: st.uid, gid: st.gid } });
      return backup;
    }
    case 'move': {
      const from = sys.real(action.from);
      const to = sys.real(action.to);
      const backup = await backupIfPresent(to, action.to, ctx);
      await fs.rename(from, to);
      await syncDir(path.dirname(to));
      return backup;
    }
    case 'run':
      return runAction(action, index, ctx);
  }
}

async function runAction(action: Extract<Action, { kind: 'run' }>, index: number, ctx: ExecutorContext): Promise<string | undefined> {
  const { sys } = ctx;
  const argv = argvOn(action, sys.root).map((a) => argText(a, sys));
  const secretFds = new Map((action.secretFds ?? []).map((s) => [s.fd, ctx.secrets.get(s.secret)] as const));
  const env = action.env === undefined ? undefined : Object.fromEntries(Object.entries(action.env).map(([k, v]) => [k, argText(v, sys)]));
  // A chunk at a time (a command may print a million lines): to the screen as one event, to the
  // run log as one write, the child held back while the log catches up. The event's text is
  // decoded when a subscriber reads it, once (plain and --json print every line; the live pane
  // reads only the chunks that hold its last lines); the bus's redaction reads it whenever a
  // secret is set.
  const onText = (stream: 'stdout' | 'stderr', chunk: OutputChunk): undefined => {
    ctx.bus.emit({
      type: 'output',
      index,
      stream,
      lines: chunk.lines,
      get text() {
        return chunk.text;
      },
    });
    ctx.journal.logOutput(`[${index}] ${stream}:`, chunk);
    return undefined;
  };
  ctx.journal.log(`[${index}] $ ${Object.entries(env ?? {}).map(([k, v]) => `${k}=${v} `).join('')}${argv.join(' ')}`);
  if (action.stdoutTo === undefined) {
    await runCommand({ argv, ...(action.stdin !== undefined ? { stdin: action.stdin } : {}), ...(env !== undefined ? { env } : {}), secretFds }, onText, ctx.signal, ctx.onSpawn);
    return undefined;
  }
  const target = sys.real(action.stdoutTo.path);
  const temp = await openTemp(target, action.stdoutTo.mode);
  try {
    await runCommand(
      { argv, ...(action.stdin !== undefined ? { stdin: action.stdin } : {}), ...(env !== undefined ? { env } : {}), secretFds, stdoutFd: temp.handle.fd },
      onText,
      ctx.signal,
      ctx.onSpawn,
    );
  } catch (error) {
    await discardTemp(temp);
    throw error;
  }
  const backup = await backupIfPresent(target, action.stdoutTo.path, ctx);
  await commitTemp(temp);
  return backup;
}

async function backupIfPresent(real: string, target: string, ctx: ExecutorContext): Promise<string | undefined> {
  const backupReal = ctx.journal.backupPath(ctx.sys, target);
  if ((await fs.stat(real).catch(() => undefined)) === undefined) return undefined; // nothing to keep
  // /var/backups as usual (0755); lockstep's backups below it are root's alone (backupFile).
  await fs.mkdir(path.dirname(ctx.sys.real(BACKUP_DIR)), { recursive: true, mode: 0o755 });
  await fs.mkdir(ctx.sys.real(BACKUP_DIR), { recursive: true, mode: 0o700 });
  // The first backup of a run is the original; a retry or resume must not replace it.
  if ((await fs.stat(backupReal).catch(() => undefined)) !== undefined) return backupReal;
  return (await backupFile(real, backupReal)) ? backupReal : undefined;
}
