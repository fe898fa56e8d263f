// The engine asks; the screen answers. Each call becomes a prompt shown by the app and a
// promise that the app settles when the person answers (or stops the run).
import { CommandFailedError } from '../../core/errors.js';
import type { FailureChoice } from '../../core/executor.js';
import type { AskContext, Prompter } from '../../core/prompter.js';
import type { AnswerValue, Question } from '../../core/questions.js';

export type PromptRequest =
  | { readonly kind: 'question'; readonly question: Question; readonly ctx: AskContext }
  | { readonly kind: 'confirm-apply'; readonly stepTitle: string }
  | { readonly kind: 'failure'; readonly index: number; readonly message: string; readonly stderrTail: readonly string[] };

export type Prompt = PromptRequest & { readonly id: number };

type Reply = AnswerValue | FailureChoice;

export class InkPrompter implements Prompter {
  readonly interactive = true;
  #nextId = 1;
  #pending: { id: number; resolve: (value: Reply) => void; reject: (error: Error) => void } | undefined;
  #show: ((prompt: Prompt) => void) | undefined;
  #stopped: Error | undefined;

  /** The app shows each prompt through this; returns the disconnect. */
  connect(show: (prompt: Prompt) => void): () => void {
    this.#show = show;
    return () => {
      if (this.#show === show) this.#show = undefined;
    };
  }

  ask(q: Question, ctx: AskContext): Promise<AnswerValue> {
    return this.#request({ kind: 'question', question: q, ctx }) as Promise<AnswerValue>;
  }

  confirmApply(stepTitle: string): Promise<boolean> {
    return this.#request({ kind: 'confirm-apply', stepTitle }) as Promise<boolean>;
  }

  onFailure(index: number, error: Error): Promise<FailureChoice> {
    const stderrTail = error instanceof CommandFailedError ? error.stderrTail : [];
    return this.#request({ kind: 'failure', index, message: error.message, stderrTail }) as Promise<FailureChoice>;
  }

  /** Settles the prompt `id` if it is still the one waiting. */
  reply(id: number, value: Reply): void {
    const pending = this.#pending;
    if (pending === undefined || pending.id !== id) return;
    this.#pending = undefined;
    pending.resolve(value);
  }

  /** Ctrl+C: the waiting prompt and every later one fail with `error`. */
  stop(error: Error): void {
    this.#stopped = error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }

  #request(request: PromptRequest): Promise<Reply> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    const show = this.#show;
    if (show === undefined) return Promise.reject(new Error('The screen is not ready to ask anything.'));
    return new Promise<Reply>((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending = { id, resolve, reject };
      show({ ...request, id });
    });
  }
}
