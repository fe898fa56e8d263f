// Engine events into state: the phase, the live apply view, and the transcript of what happened.
import type { LockstepEvent } from '../../core/events.js';
import type { TranscriptEntry, TranscriptItem, WizardState } from './wizard-types.js';

export function append(state: WizardState, entry: TranscriptEntry): WizardState {
  const id = state.transcript.length;
  return { ...state, transcript: [...state.transcript, { ...entry, id } as TranscriptItem] };
}

export function onEvent(state: WizardState, e: LockstepEvent): WizardState {
  const apply = state.apply;
  switch (e.type) {
    case 'sequence-start':
      return { ...state, sequence: { title: e.title, stages: e.stages.map((s) => ({ ...s, status: 'not-run' })) } };
    case 'stage': {
      const sequence = state.sequence;
      if (sequence === undefined) return state;
      // A stage event means the step before it ended: its progress view is over (and Ctrl+C at a
      // question between steps changes nothing).
      const { apply: _done, ...settled } = state;
      const { type: _t, index: _i, total: _n, ...summary } = e;
      const stages = sequence.stages.map((s, i) => (i === e.index ? summary : s));
      const next: WizardState = { ...settled, sequence: { title: sequence.title, stages } };
      const shown = e.status === 'skipped' || e.status === 'declined';
      return shown ? append(next, { kind: 'stage', stage: stages[e.index]! }) : next;
    }
    case 'sequence-done':
      return append({ ...state, sequence: { title: e.title, stages: e.stages } }, { kind: 'stages', title: e.title, stages: e.stages, ...(e.next !== undefined ? { next: e.next } : {}) });
    case 'step-start': {
      // Each stage of a sequence starts clean: no progress or failure of the one before.
      const { apply: _a, failedMessage: _f, failureOutput: _o, ...rest } = state;
      return append({ ...rest, title: e.title, phase: 'questions' }, { kind: 'heading', title: e.title });
    }
    case 'table':
      return append(state, { kind: 'table', title: e.title, columns: e.columns, rows: e.rows, ...(e.wrapAll === true ? { wrapAll: true } : {}) });
    case 'info':
    case 'warning':
      return append(state, { kind: 'note', level: e.type, message: e.message });
    case 'plan': {
      const { recap: _old, ...rest } = state;
      return append({ ...rest, phase: 'preview', plan: { actions: e.actions, unfolded: false }, ...(e.recap !== undefined ? { recap: e.recap } : {}) }, { kind: 'plan', actions: e.actions });
    }
    case 'apply-start':
      return { ...state, phase: 'applying', apply: { run: e.run, total: e.total, logFile: e.logFile, log: { lines: [], count: 0 } } };
    case 'action-start':
      if (apply === undefined) return state;
      return { ...state, apply: { ...apply, current: { index: e.index, total: e.total, title: e.title }, log: { lines: [], count: apply.log.count } } };
    case 'progress':
      return apply === undefined ? state : { ...state, apply: { ...apply, progress: { label: e.label, done: e.done, total: e.total } } };
    case 'log':
      return state; // batched by useEngineEvents into 'log' actions
    case 'action-done':
      return append({ ...state, apply: apply && { ...apply, current: undefined } }, { kind: 'action', title: e.title, outcome: e.outcome, ms: e.ms });
    case 'action-failed':
      return append({ ...state, apply: apply && { ...apply, current: undefined } }, { kind: 'action', title: e.title, outcome: 'failed', message: e.message });
    case 'deadline':
      return { ...state, deadline: { label: e.label, at: e.at } };
    case 'deadline-ended': {
      const { deadline: _gone, ...rest } = state;
      return append(rest, { kind: 'note', level: 'info', message: `⏱ ${e.message}` });
    }
    case 'verify':
      return append({ ...state, phase: 'verify' }, { kind: 'checks', checks: e.checks });
    case 'step-done':
      return append({ ...state, phase: 'summary', dryRun: e.dryRun }, { kind: 'summary', lines: e.summary, dryRun: e.dryRun });
    case 'step-failed':
      return { ...state, failedMessage: e.message };
  }
}
