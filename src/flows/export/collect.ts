// The plans `lockstep export` renders: the onboard sequence run as `lockstep onboard --dry-run
// --yes --answers FILE` runs it — the same stages, answers, facts and plans — with each plan
// taken as data, and every file the steps' facts read on the model machine (--root) noted, so
// that the export can require a target to hold the same before it changes anything.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Action } from '../../core/actions.js';
import type { AnswerSource } from '../../core/answers.js';
import { UserError } from '../../core/errors.js';
import { EventBus } from '../../core/events.js';
import { NonInteractivePrompter } from '../../core/prompter.js';
import { runSequence } from '../../core/sequence-runner.js';
import type { StageSummary } from '../../core/sequence.js';
import { SecretStore } from '../../core/secrets.js';
import { System } from '../../core/system.js';
import { onboardSequence } from '../onboard.js';
import { planOnTarget } from './common.js';

export interface ExportedStep {
  /** The stage id, which is the step's command ("cert self-signed"). */
  readonly command: string;
  readonly title: string;
  readonly plan: readonly Action[];
}

/** What a target must hold for the plans to be right there: a file's content as on the model, or no file. */
export interface Precondition {
  readonly path: string;
  readonly sha256?: string;
  readonly absent?: true;
  /** Only its existence was read (a stat): any content will do. */
  readonly exists?: true;
  /** Also right: the content a plan writes there (the export already ran on this target). */
  readonly orSha256?: string;
}

export interface ExportedPlans {
  readonly steps: readonly ExportedStep[];
  /** The stages that did not make a plan, and why (not chosen, not applicable, a person's choice). */
  readonly skipped: readonly { readonly title: string; readonly reason: string }[];
  readonly preconditions: readonly Precondition[];
  /** The model machine the facts were read on. */
  readonly root: string;
  /** Some step runs lockstep itself (`lockstep internal …`, the renewal timer): it must be on the target. */
  readonly needsLockstep: boolean;
}

/** The machine as the steps read it, remembering each file looked at before any plan exists. */
class RecordingSystem extends System {
  /** By path: the content's sha256, or only whether it was there. */
  readonly seen = new Map<string, string>();
  /** Off between a plan and the next step: the preview reads the files it diffs, which are no facts. */
  recording = true;

  private note(target: string, what: string): void {
    // lockstep's own journal is read to warn about an interrupted run, not to plan.
    if (!this.recording || target.startsWith('/var/log/lockstep/')) return;
    const known = this.seen.get(target);
    // A read after a stat learns more than it; the first content read is the one planned from.
    if (known === undefined || (known === EXISTS && what !== ABSENT)) this.seen.set(target, what);
  }

  override async readText(target: string): Promise<string | undefined> {
    const text = await super.readText(target);
    this.note(target, text === undefined ? ABSENT : sha256(text));
    return text;
  }

  override async stat(target: string): Promise<import('node:fs').Stats | undefined> {
    const st = await super.stat(target);
    // A folder's existence is all a plan learns from it; a file's, unless it is read too.
    this.note(target, st === undefined ? ABSENT : EXISTS);
    return st;
  }
}

const ABSENT = 'absent';
const EXISTS = 'exists';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export async function collectPlans(o: { readonly root: string; readonly source: AnswerSource; readonly section: (id: string) => AnswerSource }): Promise<ExportedPlans> {
  // The model's facts, for plans that run on the targets: no live firewall here is theirs.
  const sys = new RecordingSystem(o.root, { model: true });
  const secrets = new SecretStore();
  const bus = new EventBus(secrets);
  const steps: ExportedStep[] = [];
  let needsLockstep = false;
  let stages: readonly StageSummary[] = [];
  bus.subscribe((e) => {
    if (e.type === 'sequence-done') stages = e.stages;
    if (e.type === 'step-start') sys.recording = true;
  });
  const onPlan = (step: { readonly title: string }, command: string, plan: readonly Action[]): void => {
    sys.recording = false;
    // lockstep is named as on the targets, in commands and in the files that run it.
    const onTarget = planOnTarget(plan);
    needsLockstep ||= onTarget.self;
    if (plan.length > 0) steps.push({ command, title: step.title, plan: onTarget.plan });
  };
  try {
    await runSequence(onboardSequence, 'Export', { sys, bus, secrets, prompter: new NonInteractivePrompter(), source: o.source, dryRun: true, yes: true, onPlan }, { flat: o.source, section: o.section });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const failed = stages.filter((s) => s.status === 'failed').map((s) => `${s.id}: ${s.reason ?? 'refused'}`);
    throw new UserError(
      `Nothing was exported: ${failed.length > 0 ? failed.join('; ') : error.message}`,
      error.tryMessage ?? 'Each step is planned from the facts of --root (the model machine), as "lockstep onboard --dry-run --yes --answers FILE" plans it; that command shows the same refusal.',
      error.nextSteps,
    );
  }
  // A part the model cannot run (no nginx there) would be missing from every target: refuse, as its plan would have.
  const blocked = stages.filter((s) => s.blocked === true);
  if (blocked.length > 0) {
    throw new UserError(
      `Nothing was exported: ${blocked.map((s) => `${s.id}: ${s.reason ?? 'cannot run on the model'}`).join('; ')}`,
      'Each step is planned from the facts of --root (the model machine): install what it lacks there, or leave the part out of "steps".',
    );
  }
  const skipped = stages
    .filter((s) => s.status === 'skipped' || s.status === 'declined')
    .filter((s) => s.id !== 'onboard')
    .map((s) => ({ title: `${s.title} (${s.id})`, reason: s.reason ?? s.status }));
  // A file a plan writes whole may also hold that content already (the export ran there before).
  const planned = new Map<string, string>();
  for (const a of steps.flatMap((s) => s.plan)) {
    if (a.kind === 'write') planned.set(a.path, sha256(a.content));
    if (a.kind === 'edit') planned.set(a.path, sha256(a.after));
  }
  // A folder a plan makes, or makes something in, is made whether or not it is there (mkdir keeps
  // an existing one as it is; parents are made as needed): its absence on the model is no fact to hold.
  const made = new Set<string>();
  for (const a of steps.flatMap((s) => s.plan)) {
    const created = a.kind === 'mkdir' ? a.path : a.kind === 'write' ? a.path : a.kind === 'move' ? a.to : a.kind === 'run' ? a.stdoutTo?.path : undefined;
    if (created === undefined) continue;
    if (a.kind === 'mkdir') made.add(created);
    for (let d = path.dirname(created); d !== '/'; d = path.dirname(d)) made.add(d);
  }
  const preconditions = [...sys.seen.entries()]
    .filter(([p, seen]) => !(made.has(p) && seen === ABSENT))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, seen]): Precondition => ({
      path,
      ...(seen === ABSENT ? { absent: true } : seen === EXISTS ? { exists: true } : { sha256: seen }),
      ...(planned.has(path) && seen !== EXISTS ? { orSha256: planned.get(path)! } : {}),
    }));
  return { steps, skipped, preconditions, root: sys.root, needsLockstep };
}
