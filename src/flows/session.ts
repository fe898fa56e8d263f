// Everything one invocation shares between the engine and whichever front end is in use.
import { PresetAnswers, type AnswerSource } from '../core/answers.js';
import { EventBus } from '../core/events.js';
import { lastUnfinishedRun } from '../core/journal.js';
import { UserError } from '../core/errors.js';
import type { Prompter } from '../core/prompter.js';
import { resumeRun, runStep, type RunOutcome } from '../core/runner.js';
import { runSequence } from '../core/sequence-runner.js';
import { SecretStore } from '../core/secrets.js';
import { System } from '../core/system.js';
import { stepById, type Flow } from './index.js';

export interface SessionOptions {
  readonly root: string;
  readonly source: AnswerSource;
  /** The answers file's object under a stage id (`lockstep onboard`); none by default. */
  readonly section?: (stageId: string) => AnswerSource;
  readonly dryRun: boolean;
  readonly yes: boolean;
}

export class Session {
  readonly sys: System;
  readonly secrets = new SecretStore();
  readonly bus: EventBus;
  readonly abort = new AbortController();
  /** Tests and the benchmark watch child processes through this. */
  onSpawn?: (pid: number | undefined) => void;

  constructor(readonly options: SessionOptions) {
    this.sys = new System(options.root, { signal: this.abort.signal });
    this.bus = new EventBus(this.secrets);
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

  run(flow: Flow, prompter: Prompter): Promise<RunOutcome> {
    if (flow.sequence === undefined) return runStep(flow.step, flow.command, this.runOptions(prompter));
    const none = new PresetAnswers(new Map());
    return runSequence(flow.sequence, flow.title, this.runOptions(prompter), { flat: this.options.source, section: this.options.section ?? (() => none) });
  }

  async resume(prompter: Prompter, runId?: string): Promise<RunOutcome> {
    const record = await lastUnfinishedRun(this.sys, runId);
    if (record === undefined) {
      throw new UserError(runId ? `No run ${runId} in the journal.` : 'There is no interrupted run to resume.', 'The journal is /var/log/lockstep/journal.jsonl under --root.');
    }
    if (record.status === 'done') throw new UserError(`Run ${record.run} finished; there is nothing to resume.`);
    const step = stepById(record.step);
    if (step === undefined) throw new UserError(`Run ${record.run} was made by "${record.command}", which this version of lockstep does not know.`);
    return resumeRun(step, record, this.runOptions(prompter));
  }
}
