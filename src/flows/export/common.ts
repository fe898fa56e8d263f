// What the Ansible and the shell renderings of a plan share: how lockstep names itself on a
// target, which commands are reloads, which edits are single-line changes, the secrets a plan
// needs, and the plans that cannot leave the model machine.
import type { Action, Arg, RunAction } from '../../core/actions.js';
import { UserError } from '../../core/errors.js';
import { selfCommand } from '../../core/self-command.js';
import type { ExportedPlans } from './collect.js';

/** lockstep on a target: where the .deb installs it (the playbook and the script check it is there when a step runs it). */
export const TARGET_LOCKSTEP = '/usr/bin/lockstep';

/** The argv with lockstep's own command (node + script, or the executable) as it is named on a target. */
export function onTarget(argv: readonly Arg[]): { readonly argv: readonly Arg[]; readonly self: boolean } {
  const self = selfCommand();
  const starts = self.every((w, i) => argv[i] === w);
  return starts ? { argv: [TARGET_LOCKSTEP, ...argv.slice(self.length)], self: true } : { argv, self: false };
}

/** A file that runs lockstep (the renewal timer's unit, its cron line) names it as on a target. */
export function contentOnTarget(content: string): { readonly content: string; readonly self: boolean } {
  const self = selfCommand().join(' ');
  return content.includes(self) ? { content: content.split(self).join(TARGET_LOCKSTEP), self: true } : { content, self: false };
}

/** The plan with lockstep's own name as on a target, in commands and in the files it writes. */
export function planOnTarget(plan: readonly Action[]): { readonly plan: readonly Action[]; readonly self: boolean } {
  let self = false;
  const out = plan.map((a): Action => {
    if (a.kind === 'run') {
      const t = onTarget(a.argv);
      self ||= t.self;
      return { ...a, argv: t.argv };
    }
    if (a.kind === 'write') {
      const t = contentOnTarget(a.content);
      self ||= t.self;
      return { ...a, content: t.content };
    }
    return a;
  });
  return { plan: out, self };
}

/** A reload or restart of a service (an Ansible handler: run once, after the changes that need it). */
export function isReload(a: RunAction): boolean {
  const [cmd, verb] = a.argv;
  if (cmd === 'systemctl') return ['reload', 'restart', 'try-restart', 'reload-or-restart', 'try-reload-or-restart', 'daemon-reload'].includes(String(verb));
  return cmd === 'nginx' && a.argv.includes('-s') && a.argv.includes('reload');
}

/** A run action's secret (lockstep's plans hand one at most, always on fd 3). */
export function secretOf(a: RunAction): string | undefined {
  const fds = a.secretFds ?? [];
  if (fds.length > 1 || (fds[0] !== undefined && fds[0].fd !== 3)) {
    throw new UserError(`"${a.title}" hands its command ${fds.length} secrets (${fds.map((s) => `fd ${s.fd}`).join(', ')}); an export hands one, on fd 3.`);
  }
  return fds[0]?.secret;
}

export const secretVar = (id: string): string => `lockstep_${id.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
export const secretEnv = (id: string): string => `LOCKSTEP_${id.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_FILE`;

export function secretsOf(plans: ExportedPlans): string[] {
  return [...new Set(plans.steps.flatMap((s) => s.plan).flatMap((a) => (a.kind === 'run' ? [secretOf(a)] : [])).filter((s): s is string => s !== undefined))];
}

/**
 * Stops the export where a plan names something of the model machine that means nothing on
 * another (a process id); the step says how to do without it.
 */
export function refuseMachineSpecific(plans: ExportedPlans): void {
  for (const s of plans.steps) {
    for (const a of s.plan) {
      if (a.kind === 'run' && a.argv[0] === 'kill' && a.argv.some((w) => typeof w === 'string' && /^\d+$/.test(w))) {
        throw new UserError(
          `Cannot export "${s.command}": its plan "${a.title}" signals a process of the model machine by its pid, which another server does not have.`,
          `Make the plans on a model where that service is not running (a copy of the server's files given as --root), or run "${s.command}" with lockstep on each server.`,
        );
      }
    }
  }
}

/** The changed lines of an edit that only replaces lines one for one, each old line once in the file; otherwise undefined (the whole file is written). */
export function lineEdits(before: string, after: string): { readonly from: string; readonly to: string }[] | undefined {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length !== b.length) return undefined;
  const edits = a.flatMap((line, i) => (line === b[i] ? [] : [{ from: line, to: b[i]! }]));
  const count = (line: string): number => a.filter((l) => l === line).length;
  if (edits.length === 0 || edits.some((e) => count(e.from) !== 1 || e.from.trim() === '' || edits.some((o) => o.from === e.to))) return undefined;
  return edits;
}

/** The paths a plan writes whole or edits, with the content they must hold afterwards (the verification). */
export function writtenFiles(plan: readonly Action[]): { readonly path: string; readonly content: string; readonly mode?: number }[] {
  return plan.flatMap((a) => (a.kind === 'write' ? [{ path: a.path, content: a.content, mode: a.mode }] : a.kind === 'edit' ? [{ path: a.path, content: a.after }] : []));
}

/** Ansible and sh put `lockstep_root` / `$ROOT` before every path: a path must be plain text to be put there. */
export function checkPath(path: string): string {
  if (/[{}$`"\\\n]/.test(path)) throw new UserError(`Cannot export the path ${JSON.stringify(path)}: it holds characters an Ansible template or a shell would read.`);
  return path;
}
