// The one prompting interface the three front ends implement. A front end only collects
// answers; the runner decides what to ask and what to do with the answer.
import { MissingAnswerError } from './errors.js';
import type { FailureChoice } from './executor.js';
import { answerNames } from './answers.js';
import type { AnswerValue, Answers, Question } from './questions.js';

export interface AskContext {
  readonly answers: Answers;
  readonly defaultValue?: AnswerValue;
  /** Shown before asking again after a rejected answer. */
  readonly error?: string;
}

export interface Prompter {
  readonly interactive: boolean;
  /** Returns an answer that passed `validateAnswer` (interactive prompters re-ask until it does). */
  ask(q: Question, ctx: AskContext): Promise<AnswerValue>;
  /** The plan has been shown (a `plan` event); may it be applied? */
  confirmApply(stepTitle: string): Promise<boolean>;
  onFailure(index: number, error: Error): Promise<FailureChoice>;
}

/** Scripts and CI: never waits for a person. */
export class NonInteractivePrompter implements Prompter {
  readonly interactive = false;

  async ask(q: Question): Promise<AnswerValue> {
    // Lower-case only the sentence's first letter: "(SNI)", "ACME", "CouchDB" stay as they are.
    throw new MissingAnswerError(q.id, answerNames(q), q.message.replace(/[?:]\s*$/, '').replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase()));
  }

  async confirmApply(): Promise<boolean> {
    return false;
  }

  async onFailure(): Promise<FailureChoice> {
    return 'abort';
  }
}
