// Shell completion from the manifest: subcommands after each command, its options (global ones
// too) after a dash, file names after an option that takes a file, folder or path, and the
// choices of an option that has a fixed list.
import { globalOptions, type Manifest, type OptionData } from './manifest.js';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

const FILE_VALUE = /<(file|dir|path)>$/;

/** What an option's value is completed with: file names, a word list, or nothing to offer. */
function valueKind(o: OptionData): { files: true } | { words: readonly string[] } | undefined {
  if (o.choices !== undefined) return { words: o.choices };
  if (FILE_VALUE.test(o.flags) || /file|dir|folder|path|conf/i.test(o.long)) return { files: true };
  return undefined;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

interface Table {
  readonly subs: (path: string) => string;
  readonly opts: (path: string) => string;
  readonly values: readonly { path: string; option: string; kind: 'files' | 'words'; words: string }[];
}

function tableOf(m: Manifest): { paths: readonly string[]; table: Table } {
  const globals = globalOptions(m);
  const byPath = new Map(m.commands.map((c) => [c.path, c]));
  const values: Table['values'][number][] = [];
  for (const c of m.commands) {
    for (const o of c.path === '' ? c.options : [...c.options, ...globals]) {
      const kind = valueKind(o);
      if (!o.takesValue || kind === undefined) continue;
      values.push({ path: c.path, option: o.long, kind: 'files' in kind ? 'files' : 'words', words: 'words' in kind ? kind.words.join(' ') : '' });
    }
  }
  const table: Table = {
    subs: (p) => byPath.get(p)?.subcommands.join(' ') ?? '',
    opts: (p) => [...new Set([...(byPath.get(p)?.options ?? []), ...(p === '' ? [] : globals)].map((o) => o.long)), '--help'].join(' '),
    values,
  };
  return { paths: m.commands.map((c) => c.path), table };
}

function caseLines(paths: readonly string[], of: (p: string) => string, close: string): string[] {
  return paths.map((p) => `    ${quote(p)}) echo ${quote(of(p))} ${close}`);
}

export function completionScript(m: Manifest, shell: Shell): string {
  const { paths, table } = tableOf(m);
  const valueCases = table.values.map((v) => `    ${quote(`${v.path}|${v.option}`)}) echo ${quote(v.kind === 'files' ? 'files' : `words ${v.words}`)} ;;`);
  const functions = [
    `# lockstep ${m.version} completion for ${shell}, generated from its commands (lockstep completion ${shell}).`,
    '_lockstep_subs() {',
    '  case "$1" in',
    ...caseLines(paths, table.subs, ';;'),
    '  esac',
    '}',
    '_lockstep_opts() {',
    '  case "$1" in',
    ...caseLines(paths, table.opts, ';;'),
    '  esac',
    '}',
    '# "files", "words W…" or nothing: what the value of option $2 of command $1 is completed with.',
    '_lockstep_value() {',
    '  case "$1|$2" in',
    ...valueCases,
    '  esac',
    '}',
  ];
  if (shell === 'bash') {
    return `${[
      ...functions,
      '_lockstep() {',
      '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmdpath="" w i',
      '  for ((i = 1; i < COMP_CWORD; i++)); do',
      '    w=${COMP_WORDS[i]}',
      '    [[ $w == -* ]] && continue',
      '    [[ " $(_lockstep_subs "$cmdpath") " == *" $w "* ]] && cmdpath=${cmdpath:+$cmdpath }$w',
      '  done',
      '  local value',
      '  value=$(_lockstep_value "$cmdpath" "$prev")',
      '  [[ -z $value ]] && value=$(_lockstep_value "" "$prev")',
      '  case $value in',
      '    files) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;',
      '    words\\ *) COMPREPLY=($(compgen -W "${value#words }" -- "$cur")); return ;;',
      '  esac',
      '  if [[ $cur == -* ]]; then',
      '    COMPREPLY=($(compgen -W "$(_lockstep_opts "$cmdpath")" -- "$cur"))',
      '  else',
      '    COMPREPLY=($(compgen -W "$(_lockstep_subs "$cmdpath")" -- "$cur"))',
      '  fi',
      '}',
      'complete -F _lockstep lockstep',
    ].join('\n')}\n`;
  }
  return `${[
    '#compdef lockstep',
    ...functions,
    '_lockstep() {',
    // zsh's $path is PATH as an array: the command's words are cmdpath here too.
    '  local cmdpath="" w i value prev=${words[CURRENT-1]}',
    '  for ((i = 2; i < CURRENT; i++)); do',
    '    w=${words[i]}',
    '    [[ $w == -* ]] && continue',
    '    [[ " $(_lockstep_subs "$cmdpath") " == *" $w "* ]] && cmdpath=${cmdpath:+$cmdpath }$w',
    '  done',
    '  value=$(_lockstep_value "$cmdpath" "$prev")',
    '  [[ -z $value ]] && value=$(_lockstep_value "" "$prev")',
    '  case $value in',
    '    files) _files; return ;;',
    '    words\\ *) compadd -- ${=value#words }; return ;;',
    '  esac',
    '  if [[ ${words[CURRENT]} == -* ]]; then',
    '    compadd -- ${=$(_lockstep_opts "$cmdpath")}',
    '  else',
    '    compadd -- ${=$(_lockstep_subs "$cmdpath")}',
    '  fi',
    '}',
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _lockstep "$@"; else compdef _lockstep lockstep; fi',
  ].join('\n')}\n`;
}
