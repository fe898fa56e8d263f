// `lockstep export script`: the same plans as one POSIX shell script, in the order lockstep runs
// them. Paths are under $LOCKSTEP_ROOT (empty on a server); secrets are read from the files named
// by LOCKSTEP_<ID>_FILE and reach the command on fd 3, as with lockstep. Preconditions first
// (nothing changes on a target unlike the model), each step's verification after it.
import { createHash } from 'node:crypto';
import { octal, type Action, type Arg, type RunAction } from '../../core/actions.js';
import { shellQuote } from '../../core/describe.js';
import type { ExportedPlans, ExportedStep } from './collect.js';
import { checkPath, secretEnv, secretOf, secretsOf, writtenFiles } from './common.js';

const at = (path: string): string => `"$ROOT"${shellQuote(checkPath(path))}`;
const word = (a: Arg): string => (typeof a === 'string' ? shellQuote(a) : at(a.path));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
/** printf '%s' of any text, exactly (no trailing newline added, none lost). */
const text = (t: string): string => `'${t.replace(/'/g, `'\\''`)}'`;

const PRELUDE = `set -eu
umask 022
ROOT=\${LOCKSTEP_ROOT:-}
BACKUPS="$ROOT/var/backups/lockstep/export-$(date -u +%Y%m%dT%H%M%SZ)-$$"

lockstep_fail() { printf 'lockstep export: %s\\n' "$*" >&2; exit 1; }
lockstep_sum() { sha256sum "$1" | cut -d' ' -f1; }
# PATH WHAT SUM...: the file must hold one of the contents, or be absent when a SUM is "absent".
lockstep_expect() {
  f=$1 what=$2; shift 2
  if [ -e "$f" ]; then s=$(lockstep_sum "$f"); else s=absent; fi
  for want in "$@"; do [ "$s" = "$want" ] && return 0; done
  lockstep_fail "$f is not $what"
}
lockstep_mode() { [ "$(stat -c %a "$1")" = "$2" ] || lockstep_fail "$1 has mode $(stat -c %a "$1"), not $2"; }
# A copy of a file about to be replaced, as lockstep keeps it (/var/backups/lockstep/…).
lockstep_backup() {
  [ -e "$1" ] || return 0
  b="$BACKUPS\${1#"$ROOT"}"; mkdir -p "$(dirname "$b")"; chmod 700 "$ROOT/var/backups/lockstep"; cp -p "$1" "$b"
}
# PATH MODE TEXT: a new file in place at once, with its mode from the start.
lockstep_write() {
  lockstep_backup "$1"; tmp="$1.lockstep-new"; rm -f "$tmp"
  (umask 077; printf '%s' "$3" > "$tmp") && chmod "$2" "$tmp" && mv -f "$tmp" "$1"
}
# PATH TEXT: new content for an existing file, keeping its mode and owner.
lockstep_edit() {
  lockstep_backup "$1"; tmp="$1.lockstep-new"; rm -f "$tmp"
  cp -p "$1" "$tmp" && printf '%s' "$2" > "$tmp" && mv -f "$tmp" "$1"
}
# PATH MODE: a folder that exists keeps its mode; a new one gets MODE, its parents 0755.
lockstep_mkdir() { [ -d "$1" ] || { mkdir -p "$(dirname "$1")" && mkdir -m "$2" "$1"; }; }
# PATH MODE COMMAND...: the command's output into a new file of that mode, in place only if it succeeds.
lockstep_stdout_to() {
  out=$1 mode=$2; shift 2; tmp="$out.lockstep-new"; rm -f "$tmp"
  (umask 077; : > "$tmp") && chmod "$mode" "$tmp" || return 1
  if "$@" > "$tmp"; then lockstep_backup "$out"; mv -f "$tmp" "$out"; else rc=$?; rm -f "$tmp"; return $rc; fi
}`;

function runLine(a: RunAction): string {
  const { argv } = a;
  let line = argv.map(word).join(' ');
  if (a.stdoutTo !== undefined) line = `lockstep_stdout_to ${at(a.stdoutTo.path)} ${octal(a.stdoutTo.mode)} ${line}`;
  const secret = secretOf(a);
  if (secret !== undefined) line += ` 3<"$${secretEnv(secret)}"`;
  if (a.stdin !== undefined) line = `printf '%s' ${text(a.stdin)} | ${line}`;
  return line;
}

function actionLines(a: Action): string[] {
  switch (a.kind) {
    case 'write':
      return [`lockstep_write ${at(a.path)} ${octal(a.mode)} ${text(a.content)}`, ...(a.owner ? [`chown ${a.owner.uid}:${a.owner.gid} ${at(a.path)}`] : [])];
    case 'edit':
      // The preconditions checked it holds what the plan was made from, or this already.
      return [`[ "$(lockstep_sum ${at(a.path)})" = ${sha256(a.after)} ] || lockstep_edit ${at(a.path)} ${text(a.after)}`];
    case 'mkdir':
      return [`lockstep_mkdir ${at(a.path)} ${octal(a.mode)}`];
    case 'chmod':
      return [`chmod ${octal(a.mode)} ${at(a.path)}`];
    case 'move':
      return [`if [ -e ${at(a.from)} ]; then lockstep_backup ${at(a.to)}; mv -f ${at(a.from)} ${at(a.to)}; fi`];
    case 'run':
      return [runLine(a)];
  }
}

function stepLines(step: ExportedStep): string[] {
  const out = ['', `# ── ${step.title} (lockstep ${step.command}) ──`, `echo ${shellQuote(`lockstep export: ${step.title}`)}`];
  step.plan.forEach((a, i) => out.push(`# ${i + 1}. ${a.title.replace(/\n/g, ' ')}`, ...actionLines(a)));
  out.push(`# Check: each file holds what ${step.command} wrote, with its mode.`);
  for (const f of writtenFiles(step.plan)) {
    out.push(`lockstep_expect ${at(f.path)} ${shellQuote(`as lockstep ${step.command} planned it`)} ${sha256(f.content)}`);
    if (f.mode !== undefined) out.push(`lockstep_mode ${at(f.path)} ${(f.mode & 0o7777).toString(8)}`);
  }
  return out;
}

export function renderScript(plans: ExportedPlans, header: readonly string[]): string {
  const secrets = secretsOf(plans);
  const lines = ['#!/bin/sh', ...header.map((h) => `# ${h}`.trimEnd()), ...plans.skipped.map((s) => `#   skipped: ${s.title}: ${s.reason}`), PRELUDE, '', '# ── Preconditions: the files the plans were made from, as the model held them ──'];
  for (const id of secrets) lines.push(`[ -r "\${${secretEnv(id)}:-}" ] || lockstep_fail 'set ${secretEnv(id)} to a file holding the ${id} (its first line; never in this script)'`);
  if (plans.needsLockstep) {
    lines.push(`[ -x /usr/bin/lockstep ] || lockstep_fail '/usr/bin/lockstep is not installed (the .deb puts it there): some steps run lockstep'`);
  }
  for (const p of plans.preconditions) {
    if (p.exists === true) {
      lines.push(`[ -e ${at(p.path)} ] || lockstep_fail ${shellQuote(`${p.path} is missing; the model the plans were made on has it: nothing was changed`)}`);
      continue;
    }
    const sums = [p.absent === true ? 'absent' : p.sha256!, ...(p.orSha256 !== undefined ? [p.orSha256] : [])];
    lines.push(`lockstep_expect ${at(p.path)} ${shellQuote(`${p.absent === true ? 'absent' : 'the same'} as on the model the plans were made on; nothing was changed`)} ${sums.join(' ')}`);
  }
  for (const step of plans.steps) lines.push(...stepLines(step));
  lines.push('', "echo 'lockstep export: done'", '');
  return lines.join('\n');
}
