// The one pure reducer that changes what the screen shows. Engine events, prompts, keys and
// the end of a run all arrive here as actions; nothing in here has effects (those it decides
// on go into the outbox, see Effect).
import { useReducer } from 'react';
import { exitCodeOf } from '../../core/errors.js';
import type { MenuEntry } from '../../flows/index.js';
import { bannerFor, verificationBanner } from './error-banner.js';
import type { Prompt } from './ink-prompter.js';
import { emptyLine } from './line-edit.js';
import { emit, onKey, onSignal, startRun } from './wizard-keys.js';
import { onEvent } from './wizard-events.js';
import type { PromptState, RunOutcomeAction, RunResult, WizardAction, WizardState } from './wizard-types.js';

export * from './wizard-types.js';

export interface WizardOptions {
  readonly flows: readonly MenuEntry[];
  /** Run this flow at once, and exit when it ends (a command was given). */
  readonly start?: MenuEntry;
  /** Resume the last interrupted run (true) or this one, and exit when it ends. */
  readonly resume?: string | true;
  readonly journalFile: string;
  readonly advise?: (text: string) => string;
}

export function initialState(options: WizardOptions): WizardState {
  const home: WizardState = {
    flows: options.flows,
    screen: 'home',
    homeFocus: 0,
    runNumber: 0,
    title: '',
    phase: 'questions',
    transcript: [],
    interrupted: false,
    exitWhenDone: false,
    journalFile: options.journalFile,
    ...(options.advise !== undefined ? { advise: options.advise } : {}),
    outbox: [],
  };
  if (options.start) return emit(startRun({ ...home, exitWhenDone: true }, options.start.title), { kind: 'run', flow: options.start });
  if (options.resume === undefined) return home;
  const runId = options.resume === true ? {} : { runId: options.resume };
  return emit(startRun({ ...home, exitWhenDone: true }, 'Resuming an interrupted run'), { kind: 'resume', ...runId });
}

function promptState(prompt: Prompt): PromptState {
  const base = { prompt, line: emptyLine, focus: 0, checked: [] as readonly string[] };
  if (prompt.kind !== 'question') return base;
  const { question: q, ctx } = prompt;
  const withError = ctx.error !== undefined ? { ...base, error: ctx.error } : base;
  if (q.kind === 'select') return { ...withError, focus: Math.max(0, q.choices.findIndex((c) => c.value === ctx.defaultValue)) };
  if (q.kind === 'multiselect' && Array.isArray(ctx.defaultValue)) return { ...withError, checked: ctx.defaultValue as readonly string[] };
  return withError;
}

function endRun(state: WizardState, outcome: RunOutcomeAction): WizardState {
  let result: RunResult;
  if ('error' in outcome) {
    const ctx = {
      applied: state.apply !== undefined,
      journalFile: state.journalFile,
      ...(state.advise !== undefined ? { advise: state.advise } : {}),
      ...(state.apply?.logFile ? { logFile: state.apply.logFile } : {}),
      ...(state.failureOutput ? { failureOutput: state.failureOutput } : {}),
    };
    result = { ok: false, code: exitCodeOf(outcome.error), banner: bannerFor(outcome.error, ctx) };
  } else {
    result = outcome.ok ? { ok: true, code: 0 } : { ok: false, code: 1, banner: outcome.failure ?? verificationBanner(state.failedMessage) };
  }
  const { prompt: _gone, ...rest } = state;
  const ended: WizardState = { ...rest, screen: 'result', result };
  return state.exitWhenDone ? { ...ended, exitCode: result.code } : ended;
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  if (state.exitCode !== undefined) return state;
  switch (action.type) {
    case 'key':
      return onKey(state, action.input, action.key);
    case 'resume-offer':
      return { ...state, resumable: action.offer };
    case 'event':
      return onEvent(state, action.event);
    case 'log':
      return state.apply ? { ...state, apply: { ...state.apply, log: action.log } } : state;
    case 'prompt': {
      const next = { ...state, prompt: promptState(action.prompt) };
      return action.prompt.kind === 'failure' ? { ...next, failureOutput: action.prompt.stderrTail } : next;
    }
    case 'run-end':
      return endRun(state, action.outcome);
    case 'outbox-taken':
      return { ...state, outbox: state.outbox.slice(action.count) };
    case 'signal':
      return onSignal(state);
  }
}

export function useWizardState(options: WizardOptions) {
  return useReducer(wizardReducer, options, initialState);
}
