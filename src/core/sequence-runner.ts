// Runs a sequence: each stage that applies is a whole run of its step (runner.ts), with the
// answers earlier stages settled. A stage whose plan the operator declines changed nothing, so
// the next one goes on; one the machine cannot run (nginx missing) is skipped with what it lacks
// before anything is asked; a failing stage stops the sequence, and the closing list says what ran.
import type { AnswerSource } from './answers.js';
import { DeclinedError, UnmetNeedsError, UserError } from './errors.js';
import type { Check } from './events.js';
import type { Answers } from './questions.js';
import { appendJournal, newRunId, type RunRecord, type SequenceRecord } from './journal.js';
import { checkNeeds, resumeRun, runStep, type RunOptions, type RunOutcome } from './runner.js';
import { GivenAnswers, givenText, withProposals, withSettledPaths, type Sequence, type SequenceResult, type Stage, type StageContext, type StageStatus, type StageSummary } from './sequence.js';

export interface SequenceSources {
  /** The command's flags and the top level of the answers file. */
  readonly flat: AnswerSource;
  /** The answers-file object under a stage's id (for `sections` sequences). */
  section(stageId: string): AnswerSource;
}

/** Going on with a sequence whose stage `interrupted` was stopped: the stages that ended keep their outcome. */
export interface SequenceResume {
  readonly record: SequenceRecord;
  readonly interrupted: RunRecord;
}

export interface SequenceRunOptions {
  /** The command (`onboard`), journaled so `lockstep resume` finds the sequence again. */
  readonly command?: string;
  /** The answers file the run read (absolute), journaled for the same reason. */
  readonly answersFile?: string;
  readonly resume?: SequenceResume;
}

export async function runSequence(seq: Sequence, title: string, opts: RunOptions, sources: SequenceSources, o: SequenceRunOptions = {}): Promise<RunOutcome> {
  const { bus } = opts;
  // The sequence's own journal records (not in a dry run, which writes nothing).
  const seqId = o.resume?.record.run ?? newRunId();
  const journaling = !opts.dryRun && (o.command !== undefined || o.resume !== undefined);
  let written: Promise<void> = Promise.resolve();
  let replaying = false;
  // Held back until a stage journals a run of its own: a sequence that changes nothing (a choice, all declined) writes no journal.
  const held: Parameters<typeof appendJournal>[3][] = [];
  let flowing = o.resume !== undefined;
  const record = (r: Parameters<typeof appendJournal>[3]): void => {
    if (!journaling) return;
    if (!flowing) {
      held.push(r);
      return;
    }
    written = written.then(() => appendJournal(opts.sys, opts.secrets, seqId, r));
  };
  const beforeJournal = async (): Promise<void> => {
    if (!flowing) {
      flowing = true;
      for (const r of held.splice(0)) record(r);
    }
    await written;
  };
  if (o.resume === undefined && o.command !== undefined) record({ t: 'sequence-start', command: o.command, ...(o.answersFile !== undefined ? { answersFile: o.answersFile } : {}) });
  const stages = await seq.stages(opts.sys);
  const summaries: StageSummary[] = stages.map((s) => ({ id: s.id, title: s.title ?? s.step.title, ...(s.part !== undefined ? { part: s.part } : {}), status: 'not-run' }));
  const answers = new Map<string, Answers>();
  const status = new Map<string, StageStatus>();
  const ctx: StageContext = { answers, status, stages: summaries, interactive: opts.prompter.interactive, yes: opts.yes, dryRun: opts.dryRun, sys: opts.sys };
  const failedIn = new Map<string, string>(); // part → title of its failed stage (partsIndependent)
  const mark = (i: number, st: StageStatus, reason?: string, blocked = false): void => {
    const s = summaries[i]!;
    const { reason: _old, blocked: _was, ...base } = s;
    summaries[i] = { ...base, status: st, ...(reason !== undefined ? { reason } : {}), ...(blocked ? { blocked } : {}) };
    status.set(s.id, st);
    bus.emit({ type: 'stage', index: i, total: stages.length, ...summaries[i]! });
    if (st !== 'running' && !replaying) {
      const a = answers.get(s.id);
      record({ t: 'stage', id: s.id, status: st, ...(reason !== undefined ? { reason } : {}), ...(a !== undefined ? { answers: a } : {}) });
    }
  };
  const checks: Check[] = [];
  let ok = true;
  let refused: UserError | undefined;
  let result: SequenceResult | undefined;
  /** Under partsIndependent, a failure ends its part only: true to go on with the next stage. */
  const partFailed = (stage: Stage): boolean => {
    if (seq.partsIndependent !== true || stage.part === undefined || stage.part === '') return false;
    failedIn.set(stage.part, stage.title ?? stage.step.title);
    ok = false;
    return true;
  };
  bus.emit({ type: 'sequence-start', title, stages: summaries.map(({ status: _s, ...rest }) => rest) });
  const sourceOf = (i: number, stage: Stage): AnswerSource => (seq.answers === 'sections' && i > 0 ? sources.section(stage.id) : sources.flat);
  // What each stage needs of the machine, read once before the first question: a stage that
  // cannot run here shows as skipped at once, with what is missing, and the others go on.
  // All at once: the first question waits for the slowest check, not for their sum.
  const checked = await Promise.all(stages.map((stage, i) => checkNeeds(stage.step, sourceOf(i, stage), opts.sys).then(() => undefined, (error: unknown) => error)));
  const unmet = new Map<string, UnmetNeedsError>();
  for (const [i, error] of checked.entries()) {
    if (error === undefined) continue;
    // A command grown into a few steps (lockstep firewall) whose own step cannot run is that
    // step refused, as on its own: exit 2, before anything is asked.
    if (!(error instanceof UnmetNeedsError) || (seq.answers === 'flat' && i === 0)) throw error;
    unmet.set(stages[i]!.id, error);
  }
  const leaveOut = (): void => {
    for (const [j, later] of stages.entries()) {
      // A stage skipped for what the machine lacks may since have been left out by a choice: say that instead.
      if (status.has(later.id) && summaries[j]?.blocked !== true) continue;
      const chosen = later.chosen?.(ctx) ?? true;
      const blocked = unmet.get(later.id);
      if (chosen !== true) mark(j, 'skipped', chosen);
      else if (blocked !== undefined && summaries[j]?.blocked !== true) mark(j, 'skipped', blocked.reason, true);
    }
  };
  try {
    for (const [i, stage] of stages.entries()) {
      // Resumed: a stage that ended in the interrupted run keeps its outcome and answers.
      const before = o.resume?.record.stages.get(stage.id);
      if (before !== undefined && stage.id !== o.resume?.interrupted.command) {
        if (before.answers !== undefined) answers.set(stage.id, before.answers);
        replaying = true;
        mark(i, before.status as StageStatus, before.reason);
        replaying = false;
        continue;
      }
      leaveOut();
      if (status.get(stage.id) === 'skipped') continue;
      const stoppedAt = stage.part !== undefined ? failedIn.get(stage.part) : undefined;
      if (stoppedAt !== undefined) {
        mark(i, 'skipped', `${stage.part} stopped at "${stoppedAt}"`);
        continue;
      }
      const applies = (await stage.when?.(ctx)) ?? true;
      if (applies !== true) {
        mark(i, 'skipped', applies);
        continue;
      }
      // The stage the interrupted run was in had passed its gate then: resume goes on with it.
      const resuming = o.resume !== undefined && stage.id === o.resume.interrupted.command;
      const unattended = stage.gate === undefined || ctx.interactive || resuming ? undefined : typeof stage.gate.unattended === 'function' ? stage.gate.unattended(ctx) : stage.gate.unattended;
      if (typeof unattended === 'string') {
        mark(i, 'skipped', unattended);
        continue;
      }
      if (stage.gate !== undefined && unattended === undefined && !resuming) {
        const q = typeof stage.gate.question === 'function' ? stage.gate.question(ctx) : stage.gate.question;
        mark(i, 'running'); // its part is the one being asked about
        const go = await opts.prompter.ask(q, { answers: {}, ...(typeof q.default === 'boolean' ? { defaultValue: q.default } : {}) });
        if (go !== true) {
          const instead = stage.gate.declinedStep;
          if (instead !== undefined) {
            const done = await runStep(instead, instead.id, { ...opts, source: sources.flat, yes: true, sequence: seqId, beforeJournal });
            checks.push(...done.checks);
            if (!done.ok) {
              mark(i, 'failed', `"${instead.title}" did not pass verification`);
              ok = false;
              break;
            }
          }
          mark(i, 'declined', stage.gate.declined ?? 'you chose not to');
          continue;
        }
      }
      if (status.get(stage.id) !== 'running') mark(i, 'running');
      const given = stage.given?.(ctx) ?? {};
      const rest = sourceOf(i, stage);
      const source = new GivenAnswers(given, rest, (id) => (opts.secrets.has(id) ? opts.secrets.get(id) : undefined));
      const settled = givenText(given, stage.step);
      if (settled !== '') bus.emit({ type: 'info', message: `From ${stage.givenFrom ?? 'the earlier steps'}: ${settled}.` });
      let outcome: RunOutcome;
      try {
        const step = withProposals(withSettledPaths(stage.title === undefined ? stage.step : { ...stage.step, title: stage.title }, given), stage.proposed?.(ctx) ?? {});
        const stageOpts = { ...opts, source, sequence: seqId, beforeJournal, ...(stage.gate?.confirmsPlan === true ? { yes: true } : {}) };
        outcome =
          o.resume !== undefined && stage.id === o.resume.interrupted.command
            ? await resumeRun(step, o.resume.interrupted, stageOpts)
            : await runStep(step, stage.id, stageOpts);
      } catch (error) {
        if (error instanceof UnmetNeedsError) {
          mark(i, 'skipped', error.reason, true);
          continue;
        }
        if (error instanceof DeclinedError) {
          mark(i, 'declined', 'its plan was not confirmed; nothing was changed');
          continue;
        }
        mark(i, 'failed', (error as Error).message);
        // A dry run shows every step's plan it can, so one refusal does not hide the next.
        if (opts.dryRun && error instanceof UserError) {
          refused ??= error;
          continue;
        }
        // An interruption (Ctrl+C, SIGTERM) stops the whole run; a failing action ends its part.
        if (opts.signal?.aborted !== true && partFailed(stage)) continue;
        throw error;
      }
      if (outcome.answers !== undefined) answers.set(stage.id, outcome.answers);
      checks.push(...outcome.checks);
      if (!outcome.ok) {
        mark(i, 'failed', 'its result did not pass verification');
        if (partFailed(stage)) continue;
        ok = false;
        break;
      }
      mark(i, opts.dryRun && stage.step.advisory !== true ? 'previewed' : 'done');
    }
    result = await seq.result?.(ctx, summaries);
    if (result?.table !== undefined) bus.emit({ type: 'table', ...result.table });
  } finally {
    const stopped = summaries.some((s) => s.status === 'failed' || s.status === 'running' || s.blocked === true);
    const next = stopped ? seq.next?.(summaries) : undefined;
    // The journal is complete before a front end shows the end (and a test may remove the root).
    await written;
    bus.emit({ type: 'sequence-done', title, stages: summaries, ...(next !== undefined ? { next } : {}) });
  }
  if (refused !== undefined && seq.partsIndependent !== true) throw refused;
  const whole = ok && (result?.ok ?? true) && refused === undefined;
  return { ok: whole, checks, ...(result !== undefined ? { result: result.data } : {}), ...(!whole && ok && result?.failure !== undefined ? { failure: result.failure } : {}) };
}
