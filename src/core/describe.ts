// What the operator sees before anything runs: each command exactly as it will run, each file
// change as a unified diff. Secrets appear only as their name.
import { createTwoFilesPatch } from 'diff';
import { argvOn, octal, type Action, type Arg } from './actions.js';
import { actionFile } from './paths.js';
import type { System } from './system.js';

export interface ActionPreview {
  readonly index: number;
  readonly kind: Action['kind'];
  readonly title: string;
  /** The command line as it will run (shell-quoted for reading; it is not run by a shell). */
  readonly command?: string;
  /** A unified diff (write / edit). */
  readonly diff?: string;
  readonly details: readonly string[];
}

export function argText(arg: Arg, sys: System): string {
  return typeof arg === 'string' ? arg : `${arg.prefix ?? ''}${sys.real(arg.path)}`;
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  if (word.length > 0 && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly Arg[], sys: System): string {
  return argv.map((a) => shellQuote(argText(a, sys))).join(' ');
}

export function describe(action: Action, index: number, sys: System, current?: string): ActionPreview {
  const base = { index, kind: action.kind, title: action.title };
  switch (action.kind) {
    case 'run': {
      const env = Object.entries(action.env ?? {}).map(([k, v]) => `${k}=${shellQuote(argText(v, sys))} `).join('');
      let command = env + commandLine(argvOn(action, sys.root), sys);
      const details: string[] = [];
      if (sys.root !== '/' && action.sandbox !== undefined) details.push(action.sandbox.note);
      for (const s of action.secretFds ?? []) {
        command += ` ${s.fd}<(secret: ${s.secret})`;
        details.push(`the secret "${s.secret}" is passed on file descriptor ${s.fd}, never on the command line`);
      }
      if (action.stdoutTo !== undefined) {
        command += ` > ${shellQuote(sys.real(action.stdoutTo.path))}`;
        details.push(`output file created with mode ${octal(action.stdoutTo.mode)} before the command starts`);
      }
      if (action.stdin !== undefined) details.push('standard input:', ...indent(action.stdin));
      return { ...base, command, details };
    }
    case 'write': {
      const from = current === undefined && action.basedOn !== undefined ? action.basedOn : undefined;
      const what =
        current !== undefined ? 'replaces the file (a backup is kept)' : from ? `new file, a copy of ${sys.real(from.path)} with the changes shown` : 'new file';
      return {
        ...base,
        diff: from ? unifiedDiff(actionFile(sys, action), from.content, action.content, sys.real(from.path)) : unifiedDiff(actionFile(sys, action), current, action.content),
        details: [`${what}, mode ${octal(action.mode)}` + (action.owner ? `, owner ${action.owner.uid}:${action.owner.gid}` : '')],
      };
    }
    case 'edit':
      return {
        ...base,
        diff: unifiedDiff(actionFile(sys, action), action.before, action.after),
        details: [...action.changes, 'a backup of the current file is kept'],
      };
    case 'mkdir':
      return { ...base, command: `mkdir -p -m ${octal(action.mode)} ${shellQuote(sys.real(action.path))}`, details: [] };
    case 'chmod':
      return { ...base, command: `chmod ${octal(action.mode)} ${shellQuote(sys.real(action.path))}`, details: [] };
    case 'move':
      return {
        ...base,
        command: `mv ${shellQuote(sys.real(action.from))} ${shellQuote(sys.real(action.to))}`,
        details: ['a file already at the destination is backed up first'],
      };
  }
}

function indent(text: string): string[] {
  return text.replace(/\n$/, '').split('\n').map((l) => `    ${l}`);
}

function unifiedDiff(file: string, before: string | undefined, after: string, beforeName = file): string {
  return createTwoFilesPatch(before === undefined ? '/dev/null' : beforeName, file, before ?? '', after, '', '', { context: 3 })
    .split('\n')
    .filter((l) => !l.startsWith('====='))
    .join('\n')
    .trimEnd();
}
