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
  /**
   * A command's output as it was read: whole lines joined by newlines (`lines` of them). --json
   * prints each line as its own {"type":"log","index","stream","line"} document (logLines).
   */
  | { readonly type: 'output'; readonly index: number; readonly stream: 'stdout' | 'stderr'; readonly text: string; readonly lines: number }
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

export class EventBus {
  readonly #listeners = new Set<Listener>();

  constructor(private readonly secrets: SecretStore) {}

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: LockstepEvent): void {
    const safe = this.secrets.redactDeep(event);
    for (const listener of this.#listeners) listener(safe);
  }
}

/** An output event's lines, one {"type":"log"} document each, as --json prints them. */
export function logLines(e: Extract<LockstepEvent, { type: 'output' }>): { type: 'log'; index: number; stream: 'stdout' | 'stderr'; line: string }[] {
  return e.text.split('\n').map((line) => ({ type: 'log', index: e.index, stream: e.stream, line }));
}
