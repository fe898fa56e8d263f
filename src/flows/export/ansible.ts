// `lockstep export ansible`: the plans as a playbook, a role per step, ansible.builtin modules
// only. Every path is under `lockstep_root` ("" on a server; a sandbox folder in a test). Each
// action becomes the module that does what the executor does with it: write → copy (content,
// mode, backup), mkdir → file (mode only when it creates), chmod → file, edit → lineinfile when
// it replaces lines one for one, else copy, run → command with argv, reloads → handlers.
// Preconditions (the files the plans were made from) are asserts before any change; the
// verification (each file holds what the plan wrote, with its mode) asserts after.
import { createHash } from 'node:crypto';
import { octal, type Action, type Arg, type RunAction } from '../../core/actions.js';
import type { ExportedPlans, ExportedStep, Precondition } from './collect.js';
import { checkPath, isReload, lineEdits, secretOf, secretsOf, secretVar, TARGET_LOCKSTEP, writtenFiles } from './common.js';
import { toYaml, unsafe, type Yaml } from './yaml.js';

type Task = { readonly [key: string]: Yaml | undefined };

const at = (path: string): string => `{{ lockstep_root }}${checkPath(path)}`;
const arg = (a: Arg): Yaml => (typeof a === 'string' ? unsafe(a) : at(a.path));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
export const roleName = (command: string): string => `lockstep_${command.replace(/[^a-z0-9]+/g, '_')}`;

/** Runs argv with stdin as its fd 3 (lockstep hands secrets on fd 3; Ansible can only give stdin). */
const ON_FD3 = ['sh', '-c', 'exec "$@" 3<&0 0</dev/null', 'lockstep-secret'];
/** Runs argv with its standard output into a new file of a given mode, put in place only on success. */
const STDOUT_TO = ['sh', '-c', 'out=$1 mode=$2; shift 2; tmp="$out.lockstep-new"; rm -f "$tmp"; (umask 077; : > "$tmp") && chmod "$mode" "$tmp" && "$@" > "$tmp" && mv -f "$tmp" "$out" && exit 0; rc=$?; rm -f "$tmp"; exit $rc', 'lockstep-stdout'];

function runTask(a: RunAction, n: number): Task {
  const { argv } = a;
  const secret = secretOf(a);
  let words: Yaml[] = argv.map(arg);
  if (a.stdoutTo !== undefined) words = [...STDOUT_TO.map(unsafe), at(a.stdoutTo.path), octal(a.stdoutTo.mode), ...words];
  if (secret !== undefined) words = [...ON_FD3.map(unsafe), ...words];
  return {
    name: unsafe(`${n}. ${a.title}`),
    'ansible.builtin.command': {
      argv: words,
      ...(secret !== undefined ? { stdin: `{{ ${secretVar(secret)} }}`, stdin_add_newline: false } : a.stdin !== undefined ? { stdin: unsafe(a.stdin), stdin_add_newline: false } : {}),
    },
    ...(secret !== undefined ? { no_log: true } : {}),
  };
}

function actionTasks(a: Action, n: number, role: string): Task[] {
  const name = unsafe(`${n}. ${a.title}`);
  switch (a.kind) {
    case 'write':
      return [{ name, 'ansible.builtin.copy': { dest: at(a.path), content: unsafe(a.content), mode: octal(a.mode), backup: true, ...(a.owner ? { owner: String(a.owner.uid), group: String(a.owner.gid) } : {}) } }];
    case 'edit': {
      const lines = lineEdits(a.before, a.after);
      // The precondition has checked the file holds `before` (or already `after`), as the executor does.
      if (lines === undefined) return [{ name, 'ansible.builtin.copy': { dest: at(a.path), content: unsafe(a.after), backup: true } }];
      return lines.map((l, i) => ({
        name: unsafe(`${n}.${i + 1}. ${a.title}: ${l.to}`),
        // backrefs: a line that is no longer there is left alone instead of added at the end.
        'ansible.builtin.lineinfile': { path: at(a.path), regexp: unsafe(`^${escapeRegex(l.from)}$`), line: unsafe(l.to.replace(/\\/g, '\\\\')), backrefs: true, backup: true },
      }));
    }
    case 'mkdir': {
      const reg = `${role}_dir_${n}`;
      // As the executor: a folder that exists keeps its mode; its parents are made 0755 (not the folder's mode).
      return [
        { name: unsafe(`${n}. ${a.title} (is it there?)`), 'ansible.builtin.stat': { path: at(a.path) }, register: reg },
        { name: unsafe(`${n}. ${a.title} (its parent)`), 'ansible.builtin.file': { path: at(parentOf(a.path)), state: 'directory' }, when: `not ${reg}.stat.exists` },
        { name, 'ansible.builtin.file': { path: at(a.path), state: 'directory', mode: octal(a.mode) }, when: `not ${reg}.stat.exists` },
      ];
    }
    case 'chmod':
      return [{ name, 'ansible.builtin.file': { path: at(a.path), mode: octal(a.mode) } }];
    case 'move':
      return [{ name, 'ansible.builtin.command': { argv: [unsafe('mv'), unsafe('-f'), at(a.from), at(a.to)], removes: at(a.from) } }];
    case 'run':
      return [runTask(a, n)];
  }
}

const parentOf = (p: string): string => p.replace(/\/[^/]+\/?$/, '') || '/';
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The tasks of one step's role, and its handlers (the reloads). */
export function stepRole(step: ExportedStep): { tasks: Task[]; handlers: Task[] } {
  const role = roleName(step.command);
  const tasks: Task[] = [];
  const handlers: Task[] = [];
  step.plan.forEach((a, i) => {
    const n = i + 1;
    if (a.kind === 'run' && isReload(a) && secretOf(a) === undefined && a.stdoutTo === undefined) {
      const handler = `${step.command}: ${n}. ${a.title}`;
      handlers.push({ name: unsafe(handler), 'ansible.builtin.command': { argv: a.argv.map(arg) } });
      // Every change of the role so far needs it; a role that changed nothing reloads nothing.
      for (let j = 0; j < tasks.length; j++) {
        const t = tasks[j]!;
        if (t['ansible.builtin.stat'] !== undefined) continue;
        const before = Array.isArray(t.notify) ? (t.notify as Yaml[]) : [];
        tasks[j] = { ...t, notify: [...before, unsafe(handler)] };
      }
      return;
    }
    tasks.push(...actionTasks(a, n, role));
  });
  // The next role must find the services reloaded, as the next step does with lockstep.
  if (handlers.length > 0) tasks.push({ name: 'Reload what this step changed, before the next step', 'ansible.builtin.meta': 'flush_handlers' });
  tasks.push(...verifyTasks(step, role));
  return { tasks, handlers };
}

function verifyTasks(step: ExportedStep, role: string): Task[] {
  return writtenFiles(step.plan).flatMap((f, i): Task[] => {
    const reg = `${role}_check_${i + 1}`;
    const that = [`${reg}.stat.exists`, `${reg}.stat.checksum == "${sha256(f.content)}"`, ...(f.mode !== undefined ? [`${reg}.stat.mode == "${octal(f.mode)}"`] : [])];
    return [
      { name: unsafe(`Check ${f.path}`), 'ansible.builtin.stat': { path: at(f.path), checksum_algorithm: 'sha256' }, register: reg, when: 'not ansible_check_mode' },
      {
        name: unsafe(`${f.path} holds what ${step.command} wrote${f.mode !== undefined ? `, mode ${octal(f.mode)}` : ''}`),
        'ansible.builtin.assert': { that, fail_msg: unsafe(`${f.path} is not as lockstep ${step.command} planned it`), quiet: true },
        when: 'not ansible_check_mode',
      },
    ];
  });
}

/** The role that runs first: the target must hold what the model held where the plans read it. */
export function preconditionRole(plans: ExportedPlans): Task[] {
  const tasks: Task[] = plans.preconditions.flatMap((p: Precondition, i): Task[] => {
    const reg = `lockstep_pre_${i + 1}`;
    const sums = [p.sha256, p.orSha256].filter((s): s is string => s !== undefined);
    const that = p.absent === true
      ? [sums.length > 0 ? `not ${reg}.stat.exists or ${reg}.stat.checksum in ${JSON.stringify(sums)}` : `not ${reg}.stat.exists`]
      : p.exists === true ? [`${reg}.stat.exists`] : [`${reg}.stat.exists`, `${reg}.stat.checksum in ${JSON.stringify(sums)}`];
    const model = p.absent === true ? 'absent, as on the model' : p.exists === true ? 'there, as on the model' : `as on the model (sha256 ${p.sha256!.slice(0, 12)}…)`;
    return [
      { name: unsafe(`Read ${p.path}`), 'ansible.builtin.stat': { path: at(p.path), checksum_algorithm: 'sha256', get_checksum: p.exists !== true }, register: reg },
      { name: unsafe(`${p.path} is ${model}`), 'ansible.builtin.assert': { that, fail_msg: unsafe(`${p.path} differs from the model machine the plans were made on (${model}): nothing was changed. Export again from a model like this server, or run lockstep on it.`), quiet: true } },
    ];
  });
  if (plans.needsLockstep) {
    tasks.push(
      { name: `${TARGET_LOCKSTEP} is installed (the .deb puts it there): some steps run lockstep`, 'ansible.builtin.command': { argv: [TARGET_LOCKSTEP, '--version'] }, register: 'lockstep_version', changed_when: false, check_mode: false },
    );
  }
  return tasks;
}

export function renderAnsible(plans: ExportedPlans, header: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const roles = ['lockstep_preconditions', ...plans.steps.map((s) => roleName(s.command))];
  const secrets = secretsOf(plans);
  const play: Yaml = [
    {
      name: 'lockstep onboard, exported',
      hosts: 'all',
      become: true,
      gather_facts: false,
      vars: { lockstep_root: '' },
      ...(secrets.length > 0
        ? { vars_prompt: secrets.map((id) => ({ name: secretVar(id), prompt: `lockstep: ${id} (or give it with -e @vault.yml)`, private: true })) }
        : {}),
      roles,
    },
  ];
  const skipped = plans.skipped.map((s) => `  skipped: ${s.title}: ${s.reason}`);
  files.set('site.yml', toYaml(play, [...header, '', 'Steps, in order:', ...plans.steps.map((s) => `  ${roleName(s.command)}: ${s.title} (lockstep ${s.command})`), ...skipped]));
  files.set('roles/lockstep_preconditions/tasks/main.yml', toYaml(preconditionRole(plans), ['The files the plans were made from, as the model machine held them: checked before anything changes.']));
  for (const step of plans.steps) {
    const { tasks, handlers } = stepRole(step);
    const role = roleName(step.command);
    files.set(`roles/${role}/tasks/main.yml`, toYaml(tasks, [`${step.title}: the plan of "lockstep ${step.command}", action by action.`]));
    if (handlers.length > 0) files.set(`roles/${role}/handlers/main.yml`, toYaml(handlers, ['Reloads: run once, after the changes of this step.']));
  }
  return files;
}
