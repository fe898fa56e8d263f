// Applies a plan: each action journaled before and after, files replaced atomically with a
// backup, modes set at creation, command output streamed as events and into the run log.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Action } from './actions.js';
import { backupFile, commitTemp, discardTemp, openTemp, syncDir, writeAtomic } from './atomic-file.js';
import { argText } from './describe.js';
import { AbortedError, CommandFailedError, UserError } from './errors.js';
import type { EventBus } from './events.js';
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

export async function applyPlan(plan: readonly Action[], ctx: ExecutorContext): Promise<void> {
  const total = plan.length;
  for (const [index, action] of plan.entries()) {
    if (ctx.alreadyDone?.has(index)) {
      ctx.bus.emit({ type: 'action-done', index, title: action.title, ms: 0, outcome: 'already-done' });
      continue;
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
        break;
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
          break;
        }
        throw new AbortedError(`Stopped after "${action.title}" failed: ${err.message}`);
      }
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
      const real = sys.real(action.path);
      const backup = await backupIfPresent(real, action.path, ctx);
      await writeAtomic(real, action.content, action.mode, action.owner ? { owner: action.owner } : {});
      return backup;
    }
    case 'edit': {
      const real = sys.real(action.path);
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
  const argv = action.argv.map((a) => argText(a, sys));
  const secretFds = new Map((action.secretFds ?? []).map((s) => [s.fd, ctx.secrets.get(s.secret)] as const));
  const env = action.env === undefined ? undefined : Object.fromEntries(Object.entries(action.env).map(([k, v]) => [k, argText(v, sys)]));
  // A chunk at a time (a command may print a million lines): to the screen as one event, to the
  // run log as one write, the child held back while the log catches up.
  const onText = (stream: 'stdout' | 'stderr', text: string, lines: number, bytes: Buffer): Promise<void> | undefined => {
    ctx.bus.emit({ type: 'output', index, stream, text, lines });
    return ctx.journal.logOutput(`[${index}] ${stream}:`, text, bytes);
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
