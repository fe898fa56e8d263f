// The program every command is registered on: lockstep's global options, and the context a
// command's registration gets (cli/registry.ts). The full program (every command, for the
// manifest and its help texts) and the one a run parses (only the named command's module
// loaded) are made here alike, so that both parse the same way.
import { Command } from 'commander';
import type { Manifest } from './manifest.js';

declare const LOCKSTEP_VERSION: string;
export const VERSION = typeof LOCKSTEP_VERSION === 'string' ? LOCKSTEP_VERSION : '0.0.0-dev';

/** The groups' own lines in --help (a group is a word with subcommands and no action of its own). */
const GROUPS: Readonly<Record<string, string>> = {
  ca: 'private certificate authority: init, sign, revoke, crl, list, distribute',
  cert: 'application certificates: choose, get (Let\'s Encrypt, purchased, self-signed), install, inspect',
  web: 'web server configuration: HTTPS only, HTTP redirected',
  export: 'the plans of lockstep onboard for an answers file, as an Ansible playbook or a shell script for servers like this one; nothing here changes',
};

export interface CommandContext {
  /** The exit code of the command that ran (its action sets it). */
  setCode(code: number): void;
  /**
   * The command at `path` (`ca list`), made if missing; the groups above it are made as well
   * (`ca`), or found when another registration made them (the `cert` flow leads its group).
   */
  command(path: string): Command;
  /** The manifest (the completion command prints from it). */
  manifest(): Promise<Manifest>;
}

/** One registry entry's commands, added to the program. */
export type Register = (program: Command, ctx: CommandContext) => void;

export function newProgram(): Command {
  const program = new Command('lockstep')
    .description('Takes a Linux server from bare to locked down, one reviewed step at a time:\nevery step is asked, previewed, applied with a live log, verified and journaled.')
    .version(VERSION, '--version', 'print the version')
    .option('--root <dir>', 'take every path on the server under DIR (try things in a sandbox)', '/')
    .option('--answers <file>', 'JSON file of answers, keyed by question id (camelCase of the flag)')
    .option('--yes', 'apply without asking; a missing answer is an error (exit 2), never a prompt')
    .option('--dry-run', 'show the plan and change nothing')
    .option('--plain', 'plain prompts, no full-screen UI (dumb terminals, screen readers)')
    .option('--json', 'events as JSON lines on stdout; never prompts')
    .option('--log <file>', 'also append the run as text to FILE')
    .option('--debug', 'show stack traces of unexpected errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (s, write) => write(s) })
    .exitOverride();
  program.addHelpText(
    'after',
    '\nExit codes: 0 done, 1 a step or check failed, 2 bad usage or input.\n' +
      'Without a command on a terminal, lockstep opens its home menu. NO_COLOR turns colour off.\n' +
      'An interrupted run is continued with "lockstep resume"; every action is in /var/log/lockstep/journal.jsonl under --root.\n' +
      '"lockstep completion bash|zsh" prints a completion script; the manual is "man lockstep".',
  );
  return program;
}

/** The context for registrations on `program`. */
export function contextFor(program: Command, setCode: (code: number) => void, manifest: () => Promise<Manifest>): CommandContext {
  return {
    setCode,
    manifest,
    command(path: string): Command {
      let parent = program;
      for (const word of path.split(' ')) {
        parent = parent.commands.find((c) => c.name() === word) ?? parent.command(word).description(GROUPS[word] ?? `${word} commands`);
      }
      return parent;
    },
  };
}
