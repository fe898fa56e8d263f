// What a command line asks of the front end and the paths it names, decided before anything
// heavy is loaded: the run (cli/run.ts) and the home menu's first frame (cli/early-home.ts) ask
// the same questions here, so the menu is drawn early only when the run would draw it.
import fs from 'node:fs';
import { UserError } from '../core/errors.js';

export interface GlobalOptions {
  root: string;
  answers?: string;
  yes?: boolean;
  dryRun?: boolean;
  plain?: boolean;
  json?: boolean;
  log?: string;
  debug?: boolean;
}

export type FrontEnd = 'ink' | 'plain' | 'script' | 'json';

export function pickFrontEnd(g: GlobalOptions, env: NodeJS.ProcessEnv = process.env): FrontEnd {
  if (g.json) return 'json';
  if (g.yes) return 'script';
  if (g.plain || (env.TERM === 'dumb' && process.stdout.isTTY && process.stdin.isTTY)) return 'plain';
  // The same rule as Ink's own (is-in-ci): Ink draws nothing until exit when it thinks it is in CI.
  const ci = env.CI !== '0' && env.CI !== 'false' && ('CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some((k) => k.startsWith('CI_')));
  return !ci && process.stdout.isTTY && process.stdin.isTTY ? 'ink' : 'script';
}

/**
 * The global options that name paths, checked before any command runs: bad ones are the
 * operator's to fix (exit 2, the option named), never "a bug in lockstep".
 */
export function checkGlobalPaths(g: GlobalOptions): void {
  const st = fs.statSync(g.root, { throwIfNoEntry: false });
  if (st === undefined) throw new UserError(`--root ${g.root} does not exist.`, 'Give an existing folder (mkdir -p it first for a sandbox), or leave --root out for this machine.');
  if (!st.isDirectory()) throw new UserError(`--root ${g.root} is not a folder.`, 'Give the folder to take every server path under (a sandbox such as /tmp/lockstep-try), or leave --root out for this machine.');
  if (g.log !== undefined) {
    try {
      fs.closeSync(fs.openSync(g.log, 'a', 0o600));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'it is not writable by this user' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
      throw new UserError(`--log ${g.log} cannot be opened for appending: ${why}.`, 'Give a file in a folder you can write (it is appended to, mode 0600).');
    }
  }
}

/** A run that changes things writes under --root (its journal at least): refused up front when it cannot. */
export function checkWritableRoot(g: GlobalOptions): void {
  if (g.dryRun === true) return;
  try {
    fs.accessSync(g.root, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new UserError(`--root ${g.root} is not writable by this user: lockstep writes its journal and the files it manages under it.`, 'Run as root (sudo), give a --root you can write, or add --dry-run to only see the plan.');
  }
}

