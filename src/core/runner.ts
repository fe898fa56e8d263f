// question → answers → facts → plan → preview → confirm → apply → verify → summary
import fs from 'node:fs/promises';
import type { Action } from './actions.js';
import type { AnswerSource } from './answers.js';
import { describe, type ActionPreview } from './describe.js';
import { AbortedError, DeclinedError, UnmetNeedsError, UserError } from './errors.js';
import type { Check, EventBus } from './events.js';
import { applyPlan } from './executor.js';
import { Journal, lastUnfinishedRun, newRunId, type RunRecord } from './journal.js';
import { actionFile } from './paths.js';
import type { Prompter } from './prompter.js';
import { defaultOf, flagOf, SECRET_TRIES, type AnswerValue, type Answers, type SecretQuestion } from './questions.js';
import { MASK, type SecretStore } from './secrets.js';
import type { Step } from './step.js';
import type { System } from './system.js';

export interface RunOptions {
  readonly sys: System;
  readonly bus: EventBus;
  readonly secrets: SecretStore;
  readonly prompter: Prompter;
  readonly source: AnswerSource;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly signal?: AbortSignal;
  readonly onSpawn?: (pid: number | undefined) => void;
  /** Told each plan as data before its preview (`lockstep export` renders the plans of a dry run). */
  readonly onPlan?: (step: Step, command: string, plan: readonly Action[]) => void;
  /** The sequence run this step is a stage of: its run-start record names it, so resume can go on with the rest. */
  readonly sequence?: string;
  /** Called before the step's run opens the journal (the sequence writes its own records first). */
  readonly beforeJournal?: () => Promise<void>;
}

export interface RunOutcome {
  readonly ok: boolean;
  readonly checks: readonly Check[];
  /** What the step was answered (secrets as the mask): later stages of a sequence draw on it. */
  readonly answers?: Answers;
  /** What the command reports besides its checks (a sequence's `result`): --json's result document carries it. */
  readonly result?: Readonly<Record<string, unknown>>;
  /** Why the outcome is not ok, when a sequence's own verdict says so (renewal: what was not renewed). */
  readonly failure?: { readonly title: string; readonly lines: readonly string[] };
}

/**
 * The step's facts for these answers, read again only when the answers changed since the last
 * read: the machine does not change while questions are asked, so one set of answers is one
 * read of it (a step with eight questions given in full reads its facts once, not eight times).
 */
function factsReader(step: Step, opts: RunOptions): (answers: Answers) => Promise<unknown> {
  let last: { key: string; facts: Promise<unknown> } | undefined;
  return (answers) => {
    const key = `${JSON.stringify(answers)}\u0000${opts.secrets.version}`;
    if (last?.key !== key) last = { key, facts: step.facts(answers, opts.sys, opts.secrets) };
    return last.facts;
  };
}

/**
 * What the machine lacks for the step, read before its first question with the answers already
 * given (flags, the answers file, earlier stages): nobody is asked eight questions for a plan
 * that cannot be made. A preset answer that is bad is left to collectAnswers to report.
 */
export async function checkNeeds(step: Step, source: AnswerSource, sys: System): Promise<void> {
  if (step.needs === undefined) return;
  const preset: Record<string, AnswerValue> = {};
  for (const q of step.questions) {
    if (q.kind === 'secret') continue;
    const value = await source.lookup(q, preset).catch(() => undefined);
    if (value !== undefined) preset[q.id] = value;
  }
  const needs = await step.needs(preset, sys);
  if (needs.length > 0) throw new UnmetNeedsError(step.title, needs);
}

/** A typed secret that must open something: asked again while it does not, SECRET_TRIES times in all. */
async function askSecretThatOpens(q: SecretQuestion, answers: Answers, opts: RunOptions): Promise<string> {
  let why: string | undefined;
  for (let attempt = 1; attempt <= SECRET_TRIES; attempt++) {
    const error = why === undefined ? undefined : `${why}. Try ${attempt} of ${SECRET_TRIES}.`;
    const value = (await opts.prompter.ask(q, { answers, ...(error !== undefined ? { error } : {}) })) as string;
    why = await q.opens!(value, answers, (file) => opts.sys.readText(file));
    if (why === undefined) return value;
  }
  throw new UserError(
    `Nothing was changed: ${SECRET_TRIES} tries did not open it (${why}).`,
    `Find the ${q.message.replace(/[?:]\s*$/, '').toLowerCase()}, then run this again (a file with it: ${flagOf(q)}).`,
  );
}

export async function collectAnswers(step: Step, opts: RunOptions, readFacts = factsReader(step, opts)): Promise<Answers> {
  const answers: Record<string, AnswerValue> = {};
  for (const q of step.questions) {
    const needsFacts = q.when !== undefined || typeof q.default === 'function';
    const facts = needsFacts ? await readFacts({ ...answers }) : undefined;
    if (q.when !== undefined && !q.when(answers, facts)) continue;
    let value = await opts.source.lookup(q, answers);
    if (value === undefined && q.unasked === true) continue;
    if (value === undefined) {
      const defaultValue = defaultOf(q, answers, facts);
      if (!opts.prompter.interactive && (defaultValue !== undefined || q.optional === true)) {
        value = defaultValue;
      } else if (q.kind === 'secret' && q.opens !== undefined) {
        value = await askSecretThatOpens(q, answers, opts);
      } else {
        value = await opts.prompter.ask(q, { answers, ...(defaultValue !== undefined ? { defaultValue } : {}) });
      }
    }
    if (value === undefined || (q.optional === true && value === '')) continue;
    if (q.kind === 'secret') {
      opts.secrets.set(q.id, value as string);
      value = MASK;
    }
    answers[q.id] = value;
  }
  return answers;
}

export function previewPlan(plan: readonly Action[], sys: System, currentFiles: ReadonlyMap<string, string>): ActionPreview[] {
  // A new file with the content of one shown above (the root certificate beside each host) is
  // named, not shown again: the same 33 lines twice only hide what differs.
  const shown = new Map<string, number>();
  return plan.map((action, i) => {
    const current = action.kind === 'write' ? currentFiles.get(action.path) : undefined;
    const preview = describe(action, i, sys, current);
    if (action.kind !== 'write' || current !== undefined || action.basedOn !== undefined || action.content === '') return preview;
    const first = shown.get(action.content);
    if (first === undefined) {
      shown.set(action.content, i);
      return preview;
    }
    const lines = action.content.replace(/\n$/, '').split('\n').length;
    const { diff: _same, ...rest } = preview;
    return { ...rest, details: [...preview.details, `content: the same ${lines} line${lines === 1 ? '' : 's'} as ${first + 1}. above (${sys.real((plan[first] as { path: string }).path)})`] };
  });
}

async function currentContents(plan: readonly Action[], sys: System): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const a of plan) {
    if (a.kind !== 'write') continue;
    const text = a.operator === true ? await fs.readFile(actionFile(sys, a), 'utf8').catch(() => undefined) : await sys.readText(a.path);
    if (text !== undefined) map.set(a.path, text);
  }
  return map;
}

export async function runStep(step: Step, command: string, opts: RunOptions): Promise<RunOutcome> {
  opts.bus.emit({ type: 'step-start', step: step.id, title: step.title });
  const unfinished = await lastUnfinishedRun(opts.sys);
  if (unfinished !== undefined && unfinished.step === step.id) {
    opts.bus.emit({
      type: 'warning',
      message:
        `An earlier run of "${unfinished.command}" (${unfinished.run}) stopped after ${unfinished.done.size} of ` +
        `${unfinished.plan.length} actions. "lockstep resume" continues it; this run plans again from what is on disk now.`,
    });
  }
  await checkNeeds(step, opts.source, opts.sys);
  if (step.intro !== undefined) opts.bus.emit({ type: 'table', ...step.intro });
  const readFacts = factsReader(step, opts);
  const answers = await collectAnswers(step, opts, readFacts);
  const facts = await readFacts(answers);
  const plan = step.plan(answers, facts);
  const table = step.table?.(answers, facts);
  if (table !== undefined) opts.bus.emit({ type: 'table', ...table });
  for (const note of step.notes?.(answers, facts) ?? []) opts.bus.emit({ type: 'info', message: note });
  return applyAndVerify(step, command, answers, plan, opts, undefined, step.recap?.(answers, facts));
}

export async function resumeRun(step: Step, record: RunRecord, opts: RunOptions): Promise<RunOutcome> {
  opts.bus.emit({ type: 'step-start', step: step.id, title: `${step.title} (resuming ${record.run})` });
  // Secrets were never journaled: ask for them again.
  const answers: Record<string, AnswerValue | undefined> = { ...record.answers };
  for (const q of step.questions) {
    if (q.kind !== 'secret' || answers[q.id] !== MASK) continue;
    // The secret must open what the run already made: asking twice would only add typing.
    const once = q.kind === 'secret' ? { ...q, repeat: false } : q;
    const value = (await opts.source.lookup(q, answers)) ?? (await opts.prompter.ask(once, { answers }));
    opts.secrets.set(q.id, value as string);
  }
  if (step.replanOnResume === true) {
    opts.bus.emit({
      type: 'info',
      message: `Run ${record.run} stopped after ${record.done.size} of ${record.plan.length} actions; "${step.id}" is planned again from what is on disk now, keeping what was done.`,
    });
    const facts = await step.facts(answers as Answers, opts.sys, opts.secrets);
    const plan = step.plan(answers as Answers, facts);
    for (const note of step.notes?.(answers as Answers, facts) ?? []) opts.bus.emit({ type: 'info', message: note });
    return applyAndVerify(step, record.command, answers as Answers, plan, opts);
  }
  opts.bus.emit({
    type: 'info',
    message: `Resuming run ${record.run}: ${record.done.size} of ${record.plan.length} actions were done and are not repeated.`,
  });
  return applyAndVerify(step, record.command, answers, record.plan, opts, record);
}

async function applyAndVerify(
  step: Step,
  command: string,
  answers: Answers,
  plan: readonly Action[],
  opts: RunOptions,
  resumed?: RunRecord,
  recap?: readonly string[],
): Promise<RunOutcome> {
  const { bus, sys } = opts;
  // An advisory step's answer is its summary: an empty plan would only say "0 actions".
  if (step.advisory === true && plan.length === 0) {
    // Advice is the same in a dry run: it changes nothing either way.
    bus.emit({ type: 'step-done', step: step.id, summary: step.summary(answers), dryRun: false });
    return { ok: true, checks: [], answers };
  }
  opts.onPlan?.(step, command, plan);
  const actions = previewPlan(plan, sys, await currentContents(plan, sys));
  bus.emit({ type: 'plan', step: step.id, actions, ...(recap !== undefined && recap.length > 0 ? { recap } : {}) });
  if (opts.dryRun) {
    bus.emit({ type: 'step-done', step: step.id, summary: ['Dry run: nothing was changed.'], dryRun: true });
    return { ok: true, checks: [], answers };
  }
  if (!opts.yes) {
    if (!opts.prompter.interactive) {
      throw new UserError(
        'Nothing was changed: this run needs your confirmation.',
        'Review the plan above, then run again with --yes to apply it (or --dry-run to only preview it).',
      );
    }
    if (!(await opts.prompter.confirmApply(step.title))) throw new DeclinedError();
  }

  await opts.beforeJournal?.();
  const journal = await Journal.open(sys, opts.secrets, resumed?.run ?? newRunId());
  try {
    if (resumed === undefined) await journal.write({ t: 'run-start', command, step: step.id, answers, plan, ...(opts.sequence !== undefined ? { sequence: opts.sequence } : {}) });
    else await journal.write({ t: 'resume' });
    bus.emit({ type: 'apply-start', run: journal.run, total: plan.length, logFile: journal.logFile });
    try {
      await applyPlan(plan, {
        sys,
        bus,
        journal,
        secrets: opts.secrets,
        onFailure: (index, error) => opts.prompter.onFailure(index, error),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onSpawn ? { onSpawn: opts.onSpawn } : {}),
        ...(resumed ? { alreadyDone: resumed.done } : {}),
      });
    } catch (error) {
      await journal.write({ t: 'run-end', status: error instanceof AbortedError ? 'aborted' : 'failed' });
      bus.emit({ type: 'step-failed', step: step.id, message: (error as Error).message });
      throw error;
    }
    const checks = await step.verify(answers, sys, opts.secrets, plan);
    await journal.write({ t: 'verify', checks });
    bus.emit({ type: 'verify', checks });
    const ok = checks.every((c) => c.ok);
    await journal.write({ t: 'run-end', status: ok ? 'done' : 'failed' });
    if (ok) bus.emit({ type: 'step-done', step: step.id, summary: step.summary(answers), dryRun: false });
    else bus.emit({ type: 'step-failed', step: step.id, message: 'The result did not pass verification (see the checks above).' });
    return { ok, checks, answers };
  } finally {
    await journal.close();
  }
}
