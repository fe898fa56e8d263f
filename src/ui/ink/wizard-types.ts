// The wizard's state and actions as types: everything the screen shows, as data.
import type { ActionPreview } from '../../core/describe.js';
import type { Check, LockstepEvent, Table } from '../../core/events.js';
import type { StageSummary } from '../../core/sequence.js';
import type { FailureChoice } from '../../core/executor.js';
import type { AnswerValue } from '../../core/questions.js';
import type { MenuEntry } from '../../flows/index.js';
import type { Banner } from './error-banner.js';
import type { Prompt } from './ink-prompter.js';
import type { EditKey, LineState } from './line-edit.js';

export const PHASES = ['questions', 'preview', 'applying', 'verify', 'summary'] as const;
export type Phase = (typeof PHASES)[number];

export interface ResumeOffer {
  readonly run: string;
  readonly command: string;
  readonly done: number;
  readonly total: number;
}

export type TranscriptEntry =
  | { readonly kind: 'heading'; readonly title: string }
  | { readonly kind: 'answer'; readonly message: string; readonly text: string }
  | { readonly kind: 'note'; readonly level: 'info' | 'warning'; readonly message: string }
  | ({ readonly kind: 'table' } & Table)
  | { readonly kind: 'plan'; readonly actions: readonly ActionPreview[]; readonly full?: boolean }
  | {
      readonly kind: 'action';
      readonly title: string;
      readonly outcome: 'done' | 'skipped' | 'already-done' | 'failed';
      readonly ms?: number;
      readonly message?: string;
    }
  | { readonly kind: 'checks'; readonly checks: readonly Check[] }
  | { readonly kind: 'summary'; readonly lines: readonly string[]; readonly dryRun: boolean }
  /** A stage of a sequence that did not run (skipped, declined), and the sequence's closing list. */
  | { readonly kind: 'stage'; readonly stage: StageSummary }
  | { readonly kind: 'stages'; readonly title: string; readonly stages: readonly StageSummary[]; readonly next?: string };

/** What has happened: printed once above the live area (Ink's <Static>). */
export type TranscriptItem = TranscriptEntry & { readonly id: number };

export interface PromptState {
  readonly prompt: Prompt;
  readonly line: LineState;
  /** The highlighted entry of a list (select, multiselect, failure menu). */
  readonly focus: number;
  readonly checked: readonly string[];
  /** A repeated secret: the first entry, waiting for the second. */
  readonly firstSecret?: string;
  readonly error?: string;
}

export interface LiveLog {
  readonly lines: readonly string[];
  readonly count: number;
}

export interface ApplyState {
  readonly run: string;
  readonly total: number;
  readonly logFile?: string;
  readonly current?: { readonly index: number; readonly total: number; readonly title: string };
  readonly log: LiveLog;
  /** "12/20 hosts signed", when the plan counts something. */
  readonly progress?: { readonly label: string; readonly done: number; readonly total: number };
}

export interface RunResult {
  readonly ok: boolean;
  readonly code: number;
  readonly banner?: Banner;
}

export interface WizardState {
  readonly flows: readonly MenuEntry[];
  readonly screen: 'home' | 'run' | 'result';
  readonly homeFocus: number;
  readonly resumable?: ResumeOffer;
  /** Starts a fresh <Static> for each run. */
  readonly runNumber: number;
  readonly title: string;
  readonly phase: Phase;
  /** The plan shown last, and whether its folded details were asked for (d) already. */
  readonly plan?: { readonly actions: readonly ActionPreview[]; readonly unfolded: boolean };
  /** The plan's few most important lines, shown again at "Apply this plan?". */
  readonly recap?: readonly string[];
  /** The run is a sequence of steps (onboard): where each stands. */
  readonly sequence?: { readonly title: string; readonly stages: readonly StageSummary[] };
  readonly transcript: readonly TranscriptItem[];
  readonly prompt?: PromptState;
  readonly apply?: ApplyState;
  readonly failedMessage?: string;
  /** The run was a --dry-run: nothing was applied or verified. */
  readonly dryRun?: boolean;
  /** The error output of the last failed action, for the banner if the run stops there. */
  readonly failureOutput?: readonly string[];
  readonly result?: RunResult;
  /** A countdown the run started (the firewall's rollback); it stays on screen after the run. */
  readonly deadline?: { readonly label: string; readonly at: number };
  /** Ctrl+C was pressed during a run: waiting for the engine to stop. */
  readonly interrupted: boolean;
  /** Started on a command (not from the menu), or interrupted: exit when the run ends. */
  readonly exitWhenDone: boolean;
  readonly journalFile: string;
  /** Gives a command the banner suggests the run's --root (Session.advise). */
  readonly advise?: (text: string) => string;
  /** Decided, not yet done: see Effect. */
  readonly outbox: readonly Effect[];
  /** Set once: the app exits with it. */
  readonly exitCode?: number;
  /** With exitCode: the screen the command line opens next (the menu's checklist), then the menu again. */
  readonly next?: 'checklist';
}

export type RunOutcomeAction = { readonly ok: boolean; readonly failure?: { readonly title: string; readonly lines: readonly string[] } } | { readonly error: unknown };

/** The subset of Ink's Key the wizard reads. */
export type KeyInfo = EditKey & { readonly return: boolean };

/**
 * What the reducer decided that needs the outside world: settle a prompt, start or stop a run.
 * The app performs them in order (useOutbox) and takes them off the list.
 */
export type Effect =
  | { readonly kind: 'reply'; readonly id: number; readonly value: AnswerValue | FailureChoice }
  /** The flow itself, or its menu entry (loaded when it starts: FlowSource). */
  | { readonly kind: 'run'; readonly flow: MenuEntry }
  | { readonly kind: 'resume'; readonly runId?: string }
  | { readonly kind: 'interrupt'; readonly applied: boolean };

export type WizardAction =
  | { readonly type: 'key'; readonly input: string; readonly key: KeyInfo }
  | { readonly type: 'resume-offer'; readonly offer: ResumeOffer | undefined }
  | { readonly type: 'event'; readonly event: LockstepEvent }
  | { readonly type: 'log'; readonly log: LiveLog }
  | { readonly type: 'prompt'; readonly prompt: Prompt }
  | { readonly type: 'run-end'; readonly outcome: RunOutcomeAction }
  | { readonly type: 'outbox-taken'; readonly count: number }
  /** SIGINT/SIGTERM reached lockstep (the session was aborted): stop as a first Ctrl+C does, then exit. */
  | { readonly type: 'signal' };

export const FAILURE_CHOICES = [
  { value: 'retry', label: 'Retry it' },
  { value: 'skip', label: 'Skip it and go on' },
  { value: 'abort', label: 'Abort the run (what is done stays done; the journal lists it)' },
] as const;

export function listSize(prompt: Prompt): number {
  if (prompt.kind === 'failure') return FAILURE_CHOICES.length;
  if (prompt.kind === 'question' && (prompt.question.kind === 'select' || prompt.question.kind === 'multiselect')) {
    return prompt.question.choices.length;
  }
  return 0;
}
