// `lockstep export ansible|script --answers FILE [--out …]`: the plans of `lockstep onboard`
// for those answers, made from the facts of --root (the model machine), written as a playbook
// or a shell script for other servers like it. Nothing on the model is changed.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AnswerSource } from '../../core/answers.js';
import { UserError } from '../../core/errors.js';
import { onboardStep } from '../onboard.js';
import { renderAnsible } from './ansible.js';
import { collectPlans, type ExportedPlans } from './collect.js';
import { refuseMachineSpecific } from './common.js';
import { renderScript } from './script.js';

export interface ExportRequest {
  readonly format: 'ansible' | 'script';
  readonly root: string;
  readonly answersFile: string;
  readonly out?: string;
  readonly source: AnswerSource;
  readonly section: (id: string) => AnswerSource;
  readonly version: string;
}

function header(r: ExportRequest, plans: ExportedPlans): string[] {
  return [
    `Made by lockstep ${r.version} (lockstep export ${r.format}) from the answers in ${path.basename(r.answersFile)}`,
    `and the facts of ${plans.root} (the model machine). Do not edit: export again.`,
    r.format === 'ansible'
      ? 'Run: ansible-playbook -i INVENTORY site.yml (--check --diff first); -e lockstep_root=DIR for a sandbox.'
      : 'Run as root: sh lockstep-onboard.sh; LOCKSTEP_ROOT=DIR for a sandbox.',
    'A target whose files differ from the model where the plans read them is refused before any change.',
  ];
}

/**
 * A patch session is planned from what is pending on the machine it runs on: the model's pending
 * list, its versions and its log's name are not a target's, so the patch part is never exported.
 */
async function refusePatchPart(r: ExportRequest): Promise<void> {
  const steps = await r.source.lookup(onboardStep.questions[0]!, {});
  if (!Array.isArray(steps) || !steps.includes('patch')) return;
  throw new UserError(
    `The answers file's "steps" names the patch part: lockstep export does not export a patch session (its pending list is the model's, not a target's: what a target has pending, and at which versions, is read on the target when the session runs).`,
    // Commands for the targets, not for this (model) machine: "of lockstep …" keeps them free of the run's --root.
    'Remove "patch" from "steps" and export again; each target then runs the session of lockstep patch (or of lockstep patch --approved FILE, with versions approved on a staging server), or the daily list of lockstep patch timer.',
  );
}

/** Writes the export; returns what it wrote, for the operator. */
export async function runExport(r: ExportRequest): Promise<string[]> {
  await refusePatchPart(r);
  const plans = await collectPlans({ root: r.root, source: r.source, section: r.section });
  if (plans.steps.length === 0) throw new UserError('Nothing to export: no step of the answers file made a plan.', plans.skipped.map((s) => `${s.title}: ${s.reason}`).join('; '));
  refuseMachineSpecific(plans);
  const lines = plans.steps.map((s) => `  ${s.command}: ${s.plan.length} actions`);
  if (r.format === 'script') {
    const script = renderScript(plans, header(r, plans));
    if (r.out === undefined) {
      process.stdout.write(script);
      return [];
    }
    await fs.writeFile(r.out, script, { mode: 0o755, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EEXIST' ? new UserError(`--out ${r.out} exists: lockstep does not overwrite it.`, 'Name a new file, or remove the old one first.') : e;
    });
    return [`Wrote ${r.out} (${plans.steps.length} steps, ${plans.preconditions.length} preconditions):`, ...lines, ...skippedLines(plans)];
  }
  const dir = r.out ?? 'lockstep-ansible';
  const existing = await fs.readdir(dir).catch(() => undefined);
  if (existing !== undefined && existing.length > 0) throw new UserError(`--out ${dir} is not empty: lockstep does not write over an earlier export.`, 'Name a new folder, or remove the old one first.');
  for (const [file, text] of renderAnsible(plans, header(r, plans))) {
    await fs.mkdir(path.join(dir, path.dirname(file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), text, { mode: 0o644 });
  }
  return [`Wrote ${path.join(dir, 'site.yml')} and a role per step (${plans.preconditions.length} preconditions first):`, ...lines, ...skippedLines(plans)];
}

const skippedLines = (plans: ExportedPlans): string[] => plans.skipped.map((s) => `  skipped ${s.title}: ${s.reason}`);

