// Keys into state, purely. What a key does depends only on the state it arrives in, so keys
// typed faster than the screen redraws still land where the person meant them; whatever needs
// the outside world (answer the engine, start or stop a run) is put in the outbox.
import type { FailureChoice } from '../../core/executor.js';
import type { AnswerValue } from '../../core/questions.js';
import { answerText, decideChoice, decideConfirm, decideLine, decideSecret, type Decision } from './answer-check.js';
import { homeItems } from './home-items.js';
import { editLine, emptyLine, splitAtEnter, typeChunk } from './line-edit.js';
import { append } from './wizard-events.js';
import { foldsDetails } from '../text/format.js';
import { FAILURE_CHOICES, listSize, type Effect, type KeyInfo, type PromptState, type WizardState } from './wizard-types.js';

const wrap = (n: number, size: number): number => (size <= 0 ? 0 : ((n % size) + size) % size);
const isUp = (input: string, key: KeyInfo): boolean => key.upArrow || input === 'k';
const isDown = (input: string, key: KeyInfo): boolean => key.downArrow || input === 'j';
const isEnter = (input: string, key: KeyInfo): boolean => key.return || splitAtEnter(input) !== undefined;

export const emit = (state: WizardState, effect: Effect): WizardState => ({ ...state, outbox: [...state.outbox, effect] });

/** The run screen, fresh, for a run about to start. */
export function startRun(state: WizardState, title: string): WizardState {
  const { prompt: _p, apply: _a, result: _r, failedMessage: _f, failureOutput: _o, dryRun: _d, deadline: _l, sequence: _s, ...rest } = state;
  return { ...rest, screen: 'run', title, phase: 'questions', runNumber: state.runNumber + 1, transcript: [] };
}

export function onKey(state: WizardState, input: string, key: KeyInfo): WizardState {
  if (key.ctrl && input === 'c') return onCtrlC(state);
  if (state.screen === 'home') {
    // Keys typed before the menu listened (it is drawn before Ink is loaded) come in one chunk:
    // on the menu every key is one character, so "jj" is two moves, not a paste.
    if ([...input].length > 1 && !key.ctrl && !key.meta) return [...input].reduce((s, c) => onKey(s, c, key), state);
    return onHomeKey(state, input, key);
  }
  if (state.screen === 'result') {
    if (isEnter(input, key)) return { ...state, screen: 'home', homeFocus: 0 };
    if (input === 'q' || key.escape) return { ...state, exitCode: state.result?.code ?? 0 };
    return state;
  }
  return state.prompt ? onPromptKey(state, state.prompt, input, key) : state;
}

/** A signal to lockstep: like a first Ctrl+C (the run stops, then the app exits); a second changes nothing. */
export function onSignal(state: WizardState): WizardState {
  if (state.screen === 'home' || state.screen === 'result') return { ...state, exitCode: state.result?.code ?? 1 };
  return state.interrupted ? state : onCtrlC(state);
}

function onCtrlC(state: WizardState): WizardState {
  if (state.screen === 'home') return { ...state, exitCode: 0 };
  if (state.screen === 'result') return { ...state, exitCode: state.result?.code ?? 0 };
  if (state.interrupted) return { ...state, exitCode: 1 }; // a second Ctrl+C: do not wait any longer
  const { prompt: _dropped, ...rest } = state;
  return emit({ ...rest, interrupted: true, exitWhenDone: true }, { kind: 'interrupt', applied: state.apply !== undefined });
}

function onHomeKey(state: WizardState, input: string, key: KeyInfo): WizardState {
  const items = homeItems(state.flows, state.resumable);
  if (isUp(input, key)) return { ...state, homeFocus: wrap(state.homeFocus - 1, items.length) };
  if (isDown(input, key)) return { ...state, homeFocus: wrap(state.homeFocus + 1, items.length) };
  if (input === 'q') return { ...state, exitCode: 0 };
  if (!isEnter(input, key)) return state;
  const item = items[state.homeFocus];
  if (item?.kind === 'flow' && item.flow.screen !== undefined) return { ...state, exitCode: 0, next: item.flow.screen };
  if (item?.kind === 'flow') return emit(startRun(state, item.flow.title), { kind: 'run', flow: item.flow });
  if (item?.kind === 'resume') return emit(startRun(state, 'Resuming an interrupted run'), { kind: 'resume', runId: item.offer.run });
  return { ...state, exitCode: 0 };
}

function reply(state: WizardState, id: number, value: AnswerValue | FailureChoice): WizardState {
  const { prompt: _answered, ...rest } = state;
  return emit(rest, { kind: 'reply', id, value });
}

function settle(state: WizardState, p: PromptState, d: Decision | undefined): WizardState {
  if (d === undefined || p.prompt.kind !== 'question') return state;
  if (d.kind === 'error') {
    // A secret cannot be corrected in place (it is not shown): start it over.
    const isSecret = p.prompt.question.kind === 'secret';
    const { firstSecret: _dropped, ...fresh } = p;
    return { ...state, prompt: isSecret ? { ...fresh, line: emptyLine, error: d.message } : { ...p, error: d.message } };
  }
  if (d.kind === 'repeat') return { ...state, prompt: { prompt: p.prompt, line: emptyLine, focus: 0, checked: [], firstSecret: d.first } };
  const answered = append(state, { kind: 'answer', message: p.prompt.question.message, text: answerText(p.prompt.question, d.value) });
  return reply(answered, p.prompt.id, d.value);
}

function onPromptKey(state: WizardState, p: PromptState, input: string, key: KeyInfo): WizardState {
  const { prompt } = p;
  const enter = isEnter(input, key);
  const move = (delta: number): WizardState => ({ ...state, prompt: { ...p, focus: wrap(p.focus + delta, listSize(prompt)) } });
  if (prompt.kind === 'confirm-apply') {
    const k = input.toLowerCase();
    // d unfolds a long plan's details (once: the transcript only grows).
    if (k === 'd' && state.plan !== undefined && foldsDetails(state.plan.actions) && !state.plan.unfolded) {
      return append({ ...state, plan: { ...state.plan, unfolded: true } }, { kind: 'plan', actions: state.plan.actions, full: true });
    }
    return k === 'y' || k === 'n' || enter ? reply(state, prompt.id, k === 'y') : state;
  }
  if (prompt.kind === 'failure') {
    const shortcut = FAILURE_CHOICES.find((c) => c.value[0] === input.toLowerCase());
    if (isUp(input, key)) return move(-1);
    if (isDown(input, key)) return move(1);
    if (!enter && !shortcut) return state;
    return reply(state, prompt.id, (shortcut ?? FAILURE_CHOICES[p.focus] ?? FAILURE_CHOICES[0]).value);
  }
  const { question: q, ctx } = prompt;
  switch (q.kind) {
    case 'confirm':
      return settle(state, p, decideConfirm(q, ctx, input, enter));
    case 'select':
    case 'multiselect': {
      if (isUp(input, key)) return move(-1);
      if (isDown(input, key)) return move(1);
      if (q.kind === 'multiselect' && input === ' ') return { ...state, prompt: { ...p, checked: toggle(p.checked, q.choices[p.focus]?.value) } };
      if (!enter) return state;
      const value: AnswerValue =
        q.kind === 'select' ? (q.choices[p.focus]?.value ?? '') : q.choices.filter((c) => p.checked.includes(c.value)).map((c) => c.value);
      return settle(state, p, decideChoice(q, ctx, value));
    }
    default: {
      const split = splitAtEnter(input);
      if (!key.return && split === undefined) return { ...state, prompt: { ...p, line: editLine(p.line, input, key) } };
      const text = split ? typeChunk(p.line, split.typed).text : p.line.text;
      return settle(state, p, q.kind === 'secret' ? decideSecret(q, ctx, text, p.firstSecret) : decideLine(q, ctx, text));
    }
  }
}

function toggle(checked: readonly string[], value: string | undefined): readonly string[] {
  if (value === undefined) return checked;
  return checked.includes(value) ? checked.filter((v) => v !== value) : [...checked, value];
}
