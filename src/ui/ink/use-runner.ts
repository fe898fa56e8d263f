// The app's side of the engine: starting runs, stopping them, settling prompts. The reducer
// decides (its outbox); this performs, in order.
import { useEffect, useMemo, type Dispatch } from 'react';
import { AbortedError } from '../../core/errors.js';
import { lastUnfinishedRun } from '../../core/journal.js';
import type { RunOutcome } from '../../core/runner.js';
import type { Session } from '../../core/session.js';
import type { Flow, MenuEntry } from '../../flows/index.js';
import type { InkPrompter } from './ink-prompter.js';
import type { Effect, WizardAction } from './use-wizard-state.js';

/**
 * Where the flows come from when the menu was drawn from their entries alone (the home menu
 * before any flow is loaded): one flow when it starts, every flow before a resume (its steps).
 */
export interface FlowSource {
  load(command: string): Promise<Flow>;
  all(): Promise<readonly Flow[]>;
}

const isFlow = (m: MenuEntry): m is Flow => 'step' in m;

export function useOutbox(outbox: readonly Effect[], session: Session, prompter: InkPrompter, dispatch: Dispatch<WizardAction>, source?: FlowSource): void {
  const perform = useMemo(() => {
    const launch = (work: () => Promise<RunOutcome>): void => {
      work().then(
        (outcome) => dispatch({ type: 'run-end', outcome: { ok: outcome.ok, ...(outcome.failure !== undefined ? { failure: outcome.failure } : {}) } }),
        (error: unknown) => dispatch({ type: 'run-end', outcome: { error } }),
      );
    };
    return (effect: Effect): void => {
      switch (effect.kind) {
        case 'reply':
          return prompter.reply(effect.id, effect.value);
        case 'run': {
          const entry = effect.flow;
          return launch(async () => session.run(isFlow(entry) ? entry : await need(source).load(entry.command), prompter));
        }
        case 'resume':
          return launch(async () => {
            await source?.all();
            return session.resume(prompter, effect.runId);
          });
        case 'interrupt':
          session.abort.abort();
          prompter.stop(new AbortedError(effect.applied ? 'Stopped by the operator.' : 'Stopped at a question: nothing was changed.'));
          return;
      }
    };
  }, [session, prompter, dispatch, source]);

  useEffect(() => {
    if (outbox.length === 0) return;
    // Taken off first: whatever the effects dispatch lands after this.
    dispatch({ type: 'outbox-taken', count: outbox.length });
    for (const effect of outbox) perform(effect);
  }, [outbox, perform, dispatch]);
}

function need(source: FlowSource | undefined): FlowSource {
  if (source === undefined) throw new Error('a menu entry without its flow, and no FlowSource to load it');
  return source;
}

/** Looks for an interrupted run to offer on the home menu; an unreadable journal offers none. */
export function useResumeOffer(active: boolean, session: Session, dispatch: Dispatch<WizardAction>): void {
  useEffect(() => {
    if (!active) return;
    lastUnfinishedRun(session.sys).then(
      (r) => dispatch({ type: 'resume-offer', offer: r && { run: r.run, command: r.command, done: r.done.size, total: r.plan.length } }),
      () => dispatch({ type: 'resume-offer', offer: undefined }),
    );
  }, [active, session, dispatch]);
}
