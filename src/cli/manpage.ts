// lockstep(1), made from the manifest: every command with its options, their defaults and
// answers-file keys, as --help gives them (one source: the commands' own definitions).
import { globalOptions, type CommandData, type Manifest, type OptionData } from './manifest.js';

/** Text as roff reads it: backslashes doubled, dashes as \-, no line starting with . or '. */
function esc(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

function optionItem(o: OptionData): string[] {
  const d = o.defaultValue;
  const shownDefault = d === undefined || d === '' || d === false || (Array.isArray(d) && d.length === 0) ? undefined : Array.isArray(d) ? d.join(',') : String(d);
  // Question options already name their default and key in their description, as in --help.
  const extra = o.answersKey === undefined && shownDefault !== undefined ? ` (default: ${shownDefault})` : '';
  return ['.TP', `.B ${esc(o.flags)}`, esc(`${o.description}${extra}`)];
}

/** The text after the option (or command) list in --help: examples, exit codes, the answers file. */
function helpAfter(c: CommandData): string | undefined {
  const lines = c.help.split('\n');
  const lastList = Math.max(...['Options:', 'Commands:', 'Arguments:'].map((h) => lines.lastIndexOf(h)));
  const at = lines.findIndex((l, i) => i > lastList && l !== '' && !l.startsWith(' '));
  return at < 0 ? undefined : lines.slice(at).join('\n').trimEnd();
}

function commandSection(c: CommandData): string[] {
  const args = c.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ');
  const lines = ['.SS', `.B lockstep ${esc(c.path)}${c.options.length > 0 ? ' [options]' : ''}${args !== '' ? ` ${esc(args)}` : ''}`, esc(c.description)];
  for (const a of c.arguments) lines.push('.TP', `.I ${esc(a.name)}`, esc(a.description));
  for (const o of c.options) lines.push(...optionItem(o));
  const after = helpAfter(c);
  if (after !== undefined) lines.push('.PP', '.nf', esc(after), '.fi');
  return lines;
}

export function manPage(m: Manifest): string {
  const program = m.commands.find((c) => c.path === '');
  const runnable = m.commands.filter((c) => c.path !== '' && c.module !== undefined);
  const envs = [...new Set(m.commands.flatMap((c) => c.options).flatMap((o) => [...o.description.matchAll(/set (LOCKSTEP_[A-Z_]+)/g)].map((x) => x[1] ?? '')))].sort();
  return `${[
    `.TH LOCKSTEP 1 "" "lockstep ${esc(m.version)}" "User Commands"`,
    '.SH NAME',
    'lockstep \\- a careful terminal wizard that takes a Linux server from bare to locked down',
    '.SH SYNOPSIS',
    '.B lockstep',
    '[\\fIglobal options\\fR] [\\fIcommand\\fR [\\fIoptions\\fR]]',
    '.SH DESCRIPTION',
    esc(program?.description ?? ''),
    '.PP',
    'Without a command on a terminal, lockstep opens its home menu. Each step is asked, previewed, applied with a live log, verified and journaled; nothing changes before its plan has been shown.',
    'Every option of a step is also a key of the \\-\\-answers file (its camelCase name, given with each option below).',
    '.SH GLOBAL OPTIONS',
    'These are accepted by every command.',
    ...globalOptions(m).flatMap(optionItem),
    '.TP',
    '.B \\-h, \\-\\-help',
    'print the help of lockstep or of the command',
    '.SH COMMANDS',
    ...runnable.flatMap(commandSection),
    '.SH EXIT STATUS',
    '.TP',
    '.B 0',
    'done',
    '.TP',
    '.B 1',
    'a step or check failed',
    '.TP',
    '.B 2',
    'bad usage or input (a missing answer with \\-\\-yes, an unknown command or option)',
    '.SH ENVIRONMENT',
    '.TP',
    '.B NO_COLOR',
    'turns colour off.',
    ...envs.flatMap((e) => ['.TP', `.B ${esc(e)}`, 'a secret given by the environment instead of a file (see the options that name it); never inherited by the commands lockstep runs.']),
    '.SH FILES',
    '.TP',
    '.I /var/log/lockstep/journal.jsonl',
    'every action of every run, under \\-\\-root; "lockstep resume" continues an interrupted run from it.',
    '.TP',
    '.I /var/log/lockstep/RUN.log',
    'the full output of the commands of one run.',
    '.SH SEE ALSO',
    '.BR openssl (1),',
    '.BR nginx (8),',
    '.BR nft (8),',
    '.BR ufw (8),',
    '.BR sshd_config (5)',
  ].join('\n')}\n`;
}
