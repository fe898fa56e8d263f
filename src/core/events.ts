// The one event stream every front end subscribes to (Ink, plain, JSON) and the run log records.
import type { ActionPreview } from './describe.js';
import type { SecretStore } from './secrets.js';
import type { StageSummary } from './sequence.js';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  /** What was observed, so a reader can judge the verdict. */
  readonly evidence: string;
}

/** Rows under named columns: renewal's certificates (certificate, kind, days left, due, what happens). */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Every column wraps to its share of the width (ways compared side by side), not just the last. */
  readonly wrapAll?: boolean;
}

export type LockstepEvent =
  /** Several steps in a row (onboard): the list, then each stage's fate, then the list again. */
  | { readonly type: 'sequence-start'; readonly title: string; readonly stages: readonly Omit<StageSummary, 'status'>[] }
  | ({ readonly type: 'stage'; readonly index: number; readonly total: number } & StageSummary)
  | { readonly type: 'sequence-done'; readonly title: string; readonly stages: readonly StageSummary[]; readonly next?: string }
  | { readonly type: 'step-start'; readonly step: string; readonly title: string }
  | { readonly type: 'info'; readonly message: string }
  | ({ readonly type: 'table' } & Table)
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'plan'; readonly step: string; readonly actions: readonly ActionPreview[]; readonly recap?: readonly string[] }
  | { readonly type: 'apply-start'; readonly run: string; readonly total: number; readonly logFile?: string }
  | { readonly type: 'action-start'; readonly index: number; readonly total: number; readonly title: string }
  /** Of the plan's actions that count `label` ("hosts signed"), `done` of `total` are done. */
  | { readonly type: 'progress'; readonly label: string; readonly done: number; readonly total: number }
  | { readonly type: 'log'; readonly index: number; readonly stream: 'stdout' | 'stderr'; readonly line: string }
  | {
      readonly type: 'action-done';
      readonly index: number;
      readonly title: string;
      readonly ms: number;
      readonly outcome: 'done' | 'skipped' | 'already-done';
    }
  | { readonly type: 'action-failed'; readonly index: number; readonly title: string; readonly message: string; readonly stderrTail: readonly string[] }
  /** Something runs out at `at` (epoch ms) unless the operator acts: the TUI counts down, text prints it once. */
  | { readonly type: 'deadline'; readonly label: string; readonly at: number }
  /** The countdown with this label stopped: nothing runs out any more. */
  | { readonly type: 'deadline-ended'; readonly label: string; readonly message: string }
  | { readonly type: 'verify'; readonly checks: readonly Check[] }
  | { readonly type: 'step-done'; readonly step: string; readonly summary: readonly string[]; readonly dryRun: boolean }
  | { readonly type: 'step-failed'; readonly step: string; readonly message: string };

export type Listener = (event: LockstepEvent) => void;

/** The texts of an event a person may copy a command from (never a preview's commands or diffs). */
function advised(event: LockstepEvent, f: (text: string) => string): LockstepEvent {
  switch (event.type) {
    case 'info':
    case 'warning':
    case 'step-failed':
    case 'action-failed':
      return { ...event, message: f(event.message) };
    case 'sequence-done':
      return { ...event, stages: event.stages.map((s) => (s.reason !== undefined ? { ...s, reason: f(s.reason) } : s)), ...(event.next !== undefined ? { next: f(event.next) } : {}) };
    case 'stage':
      return event.reason !== undefined ? { ...event, reason: f(event.reason) } : event;
    case 'step-done':
      return { ...event, summary: event.summary.map(f) };
    case 'plan':
      return event.recap !== undefined ? { ...event, recap: event.recap.map(f) } : event;
    case 'deadline':
      return { ...event, label: f(event.label) };
    case 'deadline-ended':
      return { ...event, label: f(event.label), message: f(event.message) };
    default:
      return event;
  }
}

export class EventBus {
  readonly #listeners = new Set<Listener>();

  /** `advice` rewrites the commands an event suggests (core/run-flags.ts: the run's --root). */
  constructor(
    private readonly secrets: SecretStore,
    private readonly advice?: (text: string) => string,
  ) {}

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: LockstepEvent): void {
    const safe = this.secrets.redactDeep(this.advice !== undefined ? advised(event, this.advice) : event);
    for (const listener of this.#listeners) listener(safe);
  }
}
