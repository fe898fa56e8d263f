// Everything one invocation shares between the engine and whichever front end is in use.
import { PresetAnswers, type AnswerSource } from './answers.js';
import { EventBus } from './events.js';
import { lastUnfinishedRun, readJournal, sequenceRecord } from './journal.js';
import { UserError } from './errors.js';
import type { Prompter } from './prompter.js';
import { resumeRun, runStep, type RunOutcome } from './runner.js';
import { hasRunFlags, withRunFlags, type RunFlags } from './run-flags.js';
import { runSequence, type SequenceSources } from './sequence-runner.js';
import type { Sequence } from './sequence.js';
import { SecretStore } from './secrets.js';
import type { Step } from './step.js';
import { System } from './system.js';

/** What a session runs: one step, or a sequence whose first stage is that step (flows/ builds them). */
export interface Runnable {
  /** The command path, e.g. "cert self-signed". */
  readonly command: string;
  readonly title: string;
  readonly step: Step;
  readonly sequence?: Sequence;
}

export interface SessionOptions {
  readonly root: string;
  readonly source: AnswerSource;
  /** The answers file's object under a stage id (`lockstep onboard`); none by default. */
  readonly section?: (stageId: string) => AnswerSource;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** The machine as this run sees it; one per run, so what a sequence read of it is read once. */
  readonly sys?: System;
  /** The step a journaled run was made by (`lockstep resume`): flows/ knows them, core does not. */
  readonly stepById?: (id: string) => Step | undefined;
  /** The answers file (absolute), journaled with a sequence so resume reads it again for the stages after. */
  readonly answersFile?: string;
  /**
   * The sequence of a journaled sequence run and its answer sources (the answers file it read,
   * the resume command's own flags for secrets): flows/ and cli/ know them, core does not.
   */
  readonly sequenceFor?: (command: string, answersFile: string | undefined) => Promise<{ readonly flow: Runnable; readonly sources: SequenceSources } | undefined>;
  /** The run's --ca-dir and --answers, carried into the commands it suggests (with --root). */
  readonly runFlags?: Omit<RunFlags, 'root'>;
}

export class Session {
  readonly sys: System;
  readonly secrets = new SecretStore();
  readonly bus: EventBus;
  /** The run's flags in a suggested command (core/run-flags.ts), for what front ends print themselves. */
  readonly advise: (text: string) => string;
  readonly abort = new AbortController();
  /** Tests and the benchmark watch child processes through this. */
  onSpawn?: (pid: number | undefined) => void;

  constructor(readonly options: SessionOptions) {
    this.sys = options.sys ?? new System(options.root, { signal: this.abort.signal });
    const flags: RunFlags = { root: this.sys.root, ...options.runFlags };
    this.advise = hasRunFlags(flags) ? (text) => withRunFlags(text, flags) : (text) => text;
    this.bus = new EventBus(this.secrets, hasRunFlags(flags) ? this.advise : undefined);
  }

  private runOptions(prompter: Prompter) {
    return {
      sys: this.sys,
      bus: this.bus,
      secrets: this.secrets,
      prompter,
      source: this.options.source,
      dryRun: this.options.dryRun,
      yes: this.options.yes,
      signal: this.abort.signal,
      ...(this.onSpawn ? { onSpawn: this.onSpawn } : {}),
    };
  }

  run(flow: Runnable, prompter: Prompter): Promise<RunOutcome> {
    if (flow.sequence === undefined) return runStep(flow.step, flow.command, this.runOptions(prompter));
    const none = new PresetAnswers(new Map());
    return runSequence(flow.sequence, flow.title, this.runOptions(prompter), { flat: this.options.source, section: this.options.section ?? (() => none) }, {
      command: flow.command,
      ...(this.options.answersFile !== undefined ? { answersFile: this.options.answersFile } : {}),
    });
  }

  async resume(prompter: Prompter, runId?: string): Promise<RunOutcome> {
    const record = await lastUnfinishedRun(this.sys, runId);
    if (record === undefined) {
      throw new UserError(runId ? `No run ${runId} in the journal.` : 'There is no interrupted run to resume.', 'The journal is /var/log/lockstep/journal.jsonl under --root.');
    }
    if (record.status === 'done') throw new UserError(`Run ${record.run} finished; there is nothing to resume.`);
    // A stage of a sequence (onboard): the interrupted stage is resumed, then the stages after it run.
    if (record.sequence !== undefined && this.options.sequenceFor !== undefined) {
      const seq = sequenceRecord(await readJournal(this.sys), record.sequence);
      const found = seq === undefined ? undefined : await this.options.sequenceFor(seq.command, seq.answersFile);
      if (seq !== undefined && found?.flow.sequence !== undefined) {
        return runSequence(found.flow.sequence, `${found.flow.title} (resuming ${record.run})`, this.runOptions(prompter), found.sources, { resume: { record: seq, interrupted: record } });
      }
    }
    const step = this.options.stepById?.(record.step);
    if (step === undefined) throw new UserError(`Run ${record.run} was made by "${record.command}", which this version of lockstep does not know.`);
    return resumeRun(step, record, this.runOptions(prompter));
  }
}
