// Runs a hand-written plan through the real runner and executor (journal, backups, events) in
// this process, with a prompter the test scripts: no CLI, no front end.
import type { Action } from '../../src/core/actions.js';
import type { AnswerSource } from '../../src/core/answers.js';
import { EventBus, type LockstepEvent } from '../../src/core/events.js';
import type { FailureChoice } from '../../src/core/executor.js';
import type { Prompter } from '../../src/core/prompter.js';
import { runStep, type RunOutcome } from '../../src/core/runner.js';
import { SecretStore } from '../../src/core/secrets.js';
import type { Step } from '../../src/core/step.js';
import { System } from '../../src/core/system.js';

export interface HarnessRun {
  readonly outcome?: RunOutcome;
  readonly error?: Error;
  readonly events: LockstepEvent[];
  readonly failures: { index: number; error: Error }[];
}

export function planStep(plan: readonly Action[], id = 'test plan'): Step {
  return {
    id,
    title: 'Test plan',
    description: 'a plan written by a test',
    questions: [],
    facts: async () => ({}),
    plan: () => plan,
    verify: async () => [],
    summary: () => [],
  };
}

const noAnswers: AnswerSource = { lookup: async () => undefined };

export async function runPlan(
  root: string,
  plan: readonly Action[],
  onFailure: (index: number, error: Error) => FailureChoice = () => 'abort',
  options: { readonly signal?: AbortSignal; readonly onEvent?: (event: LockstepEvent) => void } = {},
): Promise<HarnessRun> {
  const secrets = new SecretStore();
  const bus = new EventBus(secrets);
  const events: LockstepEvent[] = [];
  bus.subscribe((e) => {
    events.push(e);
    options.onEvent?.(e);
  });
  const failures: { index: number; error: Error }[] = [];
  const prompter: Prompter = {
    interactive: false,
    ask: async (q) => {
      throw new Error(`unexpected question ${q.id}`);
    },
    confirmApply: async () => true,
    onFailure: async (index, error) => {
      failures.push({ index, error });
      return onFailure(index, error);
    },
  };
  try {
    const outcome = await runStep(planStep(plan), 'test plan', {
      sys: new System(root),
      bus,
      secrets,
      prompter,
      source: noAnswers,
      dryRun: false,
      yes: true,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    return { outcome, events, failures };
  } catch (error) {
    return { error: error as Error, events, failures };
  }
}

/** The run id the executor announced (backups live under var/backups/lockstep/<run>/). */
export function runIdOf(run: HarnessRun): string {
  const start = run.events.find((e) => e.type === 'apply-start');
  if (start?.type !== 'apply-start') throw new Error('the run never started applying');
  return start.run;
}
