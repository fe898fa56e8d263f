// `lockstep internal nginx-swap`: puts a staged nginx site file in place, then `nginx -t` and
// a reload; if either fails the previous file is put back (and nginx reloaded with it when it
// had been reloaded), so a bad edit never stays live. One helper because a plan is a straight
// list of actions: it has no "on failure, undo" branch.
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeAtomic } from '../core/atomic-file.js';
import path from 'node:path';
import { spawnChild } from '../core/spawn.js';
import { System } from '../core/system.js';
import { withNginxConfig } from './nginx-sandbox.js';

export interface NginxSwapOptions {
  readonly staged: string;
  readonly target: string;
  readonly conf: string;
  readonly reload: boolean;
  /** Under a --root other than /: nginx reads a copy of the root's configuration mapped into it (nginx-sandbox.ts). */
  readonly root?: string;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

export function parseNginxSwapArgs(args: readonly string[]): NginxSwapOptions {
  const { values } = parseArgs({
    args: [...args],
    options: { staged: { type: 'string' }, target: { type: 'string' }, conf: { type: 'string' }, 'no-reload': { type: 'boolean' }, root: { type: 'string' } },
    strict: true,
  });
  if (!values.staged || !values.target || !values.conf) throw new Error('internal nginx-swap: --staged, --target and --conf are required');
  return { staged: values.staged, target: values.target, conf: values.conf, reload: values['no-reload'] !== true, ...(values.root !== undefined ? { root: values.root } : {}) };
}

async function nginx(args: readonly string[]): Promise<{ ok: boolean; output: string }> {
  const lines: string[] = [];
  const r = await spawnChild({
    argv: ['nginx', ...args],
    timeoutMs: 60_000,
    onLine: (_stream, line) => {
      if (line === '') return;
      lines.push(line);
      say(`  nginx: ${line}`);
    },
  });
  if (r.missing) say('  nginx: not found (is it installed and on PATH?)');
  return { ok: r.exitCode === 0, output: lines.join('\n') };
}

/** nginx with `-c` the configuration to use: under a sandbox root its mapped copy, so the host's nginx is never signalled. */
export async function nginxWith(args: readonly string[], conf: string, root: string | undefined): Promise<{ ok: boolean; output: string }> {
  if (root === undefined || path.resolve(root) === '/') return nginx([...args, '-c', conf]);
  const sys = new System(root);
  return withNginxConfig(sys, sys.targetOf(conf), (config) => nginx([...args, '-c', config]));
}

export async function nginxSwap(o: NginxSwapOptions): Promise<void> {
  const previous = await fs.readFile(o.target, 'utf8').catch(() => undefined);
  const mode = (await fs.stat(o.staged)).mode & 0o777;
  await fs.rename(o.staged, o.target);
  const restore = async (): Promise<void> => {
    if (previous === undefined) await fs.rm(o.target, { force: true });
    else await writeAtomic(o.target, previous, mode);
    say(previous === undefined ? `Removed ${o.target} again.` : `Restored the previous ${o.target}.`);
  };
  const test = await nginxWith(['-t'], o.conf, o.root);
  if (!test.ok) {
    await restore();
    throw new Error(`nginx -t rejected the new configuration; the previous one is back in place`);
  }
  say('nginx -t: the configuration is valid.');
  if (!o.reload) return;
  const reload = await nginxWith(['-s', 'reload'], o.conf, o.root);
  if (!reload.ok) {
    await restore();
    await nginxWith(['-s', 'reload'], o.conf, o.root);
    throw new Error('nginx did not reload (is it running?); the previous configuration is back in place');
  }
  say('nginx reloaded with the new configuration.');
}
