// The command manifest: every command, option, default and answers-file key as data, made at
// build time from the commands' own definitions (cli/manifest-build.ts walks the registered
// program) and built into dist/cli.js. The entry answers --version, --help, `help`, completion
// scripts and unknown commands from it alone, and knows from it which command module to load.
// Nothing here imports anything at run time: it is what the tiny entry carries.
import type { MenuEntry } from '../flows/index.js';

export interface OptionData {
  /** As commander was given them: `--host <value>`, `--no-adopt`, `--yes`. */
  readonly flags: string;
  readonly long: string;
  readonly description: string;
  /** Takes a value (`<value>` or `[value]`). */
  readonly takesValue: boolean;
  readonly negate: boolean;
  readonly defaultValue?: string | boolean | readonly string[];
  /** The key of the --answers file it sets, when it is a question's flag. */
  readonly answersKey?: string;
  /** Values it accepts, when they are a fixed list (select questions). */
  readonly choices?: readonly string[];
}

export interface ArgumentData {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
}

export interface CommandData {
  /** The words after `lockstep`: `ca sign`; the program itself is ''. */
  readonly path: string;
  readonly description: string;
  readonly options: readonly OptionData[];
  readonly arguments: readonly ArgumentData[];
  /** Its --help exactly as commander prints it (80 columns), the text after it included. */
  readonly help: string;
  /** Subcommand names, in --help's order. */
  readonly subcommands: readonly string[];
  /** The registry entry whose module defines it; undefined for a bare group (`ca`, `web`). */
  readonly module?: string;
}

export interface Manifest {
  readonly version: string;
  readonly commands: readonly CommandData[];
  /** The home menu's entries, in order: it is drawn from these before any flow is loaded. */
  readonly menu: readonly MenuEntry[];
}

/** Options of the program every command accepts too (--root, --yes, …). */
export function globalOptions(m: Manifest): readonly OptionData[] {
  return commandAt(m, '')?.options ?? [];
}

export function commandAt(m: Manifest, path: string): CommandData | undefined {
  return m.commands.find((c) => c.path === path);
}

/** What the entry makes of argv before anything is loaded. */
export type Parsed =
  | { readonly kind: 'version' }
  | { readonly kind: 'help'; readonly command: CommandData }
  | { readonly kind: 'unknown'; readonly word: string; readonly parent: CommandData; readonly suggestion?: string }
  /** A group named without a subcommand (`lockstep ca`): its help, as bad usage. */
  | { readonly kind: 'incomplete'; readonly command: CommandData }
  | { readonly kind: 'run'; readonly command: CommandData };

/**
 * The command named by argv (without node and the script): the longest run of words that names
 * one, skipping options (and the values of those known to take one). Commander parses the rest
 * once the command's module is loaded; this only decides which module that is.
 */
export function parseArgv(m: Manifest, args: readonly string[]): Parsed {
  const end = args.indexOf('--');
  const head = end < 0 ? args : args.slice(0, end);
  const helpWanted = head.includes('--help') || head.includes('-h');
  const program = commandAt(m, '');
  if (program === undefined) throw new Error('the manifest has no program entry');
  let command: CommandData = program;
  const words: string[] = [];
  let helpCommand = false;
  for (let i = 0; i < head.length; i++) {
    const arg = head[i] ?? '';
    if (arg.startsWith('-')) {
      const known = [...globalOptions(m), ...command.options].find((o) => o.long === arg.split('=')[0]);
      if (known?.takesValue === true && !arg.includes('=')) i++;
      continue;
    }
    // `lockstep help ca sign` is `lockstep ca sign --help`.
    if (words.length === 0 && arg === 'help' && !helpCommand && command.subcommands.length > 0) {
      helpCommand = true;
      continue;
    }
    const next: CommandData | undefined = command.subcommands.includes(arg) ? commandAt(m, [...words, arg].join(' ')) : undefined;
    if (next === undefined) {
      // A word the command takes as an argument (`cert inspect FILE`), or an unknown command.
      if (command.arguments.length > 0) break;
      if (command.subcommands.length > 0 || command.path === '') {
        return { kind: 'unknown', word: arg, parent: command, ...suggestionFor(arg, command.subcommands) };
      }
      break; // commander says what is wrong with an extra argument
    }
    words.push(arg);
    command = next;
  }
  if (helpWanted || helpCommand) return { kind: 'help', command };
  if (command.path === '' && head.includes('--version')) return { kind: 'version' };
  if (command.module === undefined && command.path !== '') return { kind: 'incomplete', command };
  return { kind: 'run', command };
}

function suggestionFor(word: string, names: readonly string[]): { suggestion?: string } {
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = editDistance(word, name);
    if (best === undefined || d < best.d) best = { name, d };
  }
  // Near enough to be a slip of the fingers (certt, sing, fierwall), not any word at all.
  if (best === undefined || best.d > Math.max(1, Math.floor(Math.max(word.length, best.name.length) / 3))) return {};
  return { suggestion: best.name };
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters costs one. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const up = d[i - 1]!;
      row[j] = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The lines the entry prints for an unknown command (exit 2). */
export function unknownCommandText(p: Extract<Parsed, { kind: 'unknown' }>): string {
  const where = p.parent.path === '' ? 'lockstep' : `lockstep ${p.parent.path}`;
  const lines = [`error: unknown command '${p.word}'${p.parent.path === '' ? '' : ` for '${where}'`}`];
  if (p.suggestion !== undefined) lines.push(`(Did you mean ${p.suggestion}? "${where} ${p.suggestion} --help" shows what it does.)`);
  else lines.push(`The commands of ${where}: ${p.parent.subcommands.join(', ')}.`, `(run "${where} --help" for usage)`);
  return `${lines.join('\n')}\n`;
}
