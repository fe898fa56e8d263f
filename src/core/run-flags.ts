// Commands lockstep suggests ("Next: lockstep ca sign …", "To go on: lockstep onboard --steps …",
// "run lockstep firewall confirm") are pasted as printed: from a sandbox session they must act
// on the same sandbox, so every one carries the run's --root, and --ca-dir and --answers where
// the run had them. Applied to what the front ends print, never to previews, diffs or files.
import { shellQuote } from './describe.js';

export interface RunFlags {
  readonly root: string;
  /** The run's --ca-dir, for suggested `lockstep ca …` commands without one. */
  readonly caDir?: string;
  /** The run's --answers, for a suggested `lockstep onboard …` without one. */
  readonly answers?: string;
}

/** The top-level commands of the CLI contract (DESIGN.md). */
const COMMANDS = ['onboard', 'ca', 'cert', 'web', 'renew', 'firewall', 'ssh', 'updates', 'patch', 'check', 'resume', 'export'];
// Not where the words name the command in prose: "a key that lockstep firewall does not read", "written by lockstep ssh".
const SUGGESTED = new RegExp(`(?<!\\b(?:that|which|by|of|for|from|in|what) )\\blockstep (${COMMANDS.join('|')})\\b((?: [a-z][a-z-]*)?)`, 'g');

/** `text` with every suggested lockstep command given the run's flags. */
export function withRunFlags(text: string, flags: RunFlags): string {
  return text.replace(SUGGESTED, (whole, command: string, sub: string, at: number, all: string) => {
    const rest = all.slice(at + whole.length, at + whole.length + 400).split(/["'`]|\. |; |\n/)[0] ?? '';
    const globals = flags.root !== '/' ? ` --root ${shellQuote(flags.root)}` : '';
    const caDir = command === 'ca' && flags.caDir !== undefined && !rest.includes('--ca-dir') ? ` --ca-dir ${shellQuote(flags.caDir)}` : '';
    const answers = command === 'onboard' && flags.answers !== undefined && !rest.includes('--answers') ? ` --answers ${shellQuote(flags.answers)}` : '';
    return `lockstep${globals}${answers} ${command}${sub}${caDir}`;
  });
}

/** Whether the rewrite would change anything for this run. */
export const hasRunFlags = (flags: RunFlags): boolean => flags.root !== '/' || flags.caDir !== undefined || flags.answers !== undefined;
