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
    case 'step-start':
      return append({ ...state, title: e.title, phase: 'questions' }, { kind: 'heading', title: e.title });
    case 'info':
    case 'warning':
      return append(state, { kind: 'note', level: e.type, message: e.message });
    case 'plan':
      return append({ ...state, phase: 'preview' }, { kind: 'plan', actions: e.actions });
    case 'apply-start':
      return { ...state, phase: 'applying', apply: { run: e.run, total: e.total, logFile: e.logFile, log: { lines: [], count: 0 } } };
    case 'action-start':
      if (apply === undefined) return state;
      return { ...state, apply: { ...apply, current: { index: e.index, total: e.total, title: e.title }, log: { lines: [], count: apply.log.count } } };
    case 'log':
      return state; // batched by useEngineEvents into 'log' actions
    case 'action-done':
      return append({ ...state, apply: apply && { ...apply, current: undefined } }, { kind: 'action', title: e.title, outcome: e.outcome, ms: e.ms });
    case 'action-failed':
      return append({ ...state, apply: apply && { ...apply, current: undefined } }, { kind: 'action', title: e.title, outcome: 'failed', message: e.message });
    case 'deadline':
      return { ...state, deadline: { label: e.label, at: e.at } };
    case 'verify':
      return append({ ...state, phase: 'verify' }, { kind: 'checks', checks: e.checks });
    case 'step-done':
      return append({ ...state, phase: 'summary', dryRun: e.dryRun }, { kind: 'summary', lines: e.summary, dryRun: e.dryRun });
    case 'step-failed':
      return { ...state, failedMessage: e.message };
  }
}
