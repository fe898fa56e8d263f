// Three kinds of failure, each with its own exit code (DESIGN.md): bad input or a refused plan
// is the operator's to fix (2); a failing tool is the system's (1); anything else is a bug.

export class UserError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly tryMessage?: string,
    readonly nextSteps: readonly string[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A question had no answer and there is nobody to ask. */
export class MissingAnswerError extends UserError {
  constructor(
    readonly questionId: string,
    readonly flag: string,
    what: string,
  ) {
    super(
      `Missing answer: ${what}.`,
      `Set it with ${flag}, or the key "${questionId}" in the --answers file.`,
    );
    this.name = 'MissingAnswerError';
  }
}

/** The machine lacks what a step needs (nginx, sshd): found before its first question. */
export class UnmetNeedsError extends UserError {
  constructor(
    readonly title: string,
    readonly needs: readonly { readonly missing: string; readonly how: string }[],
  ) {
    super(
      `${title} cannot run here: ${needs.map((n) => n.missing).join('; ')}.`,
      needs.map((n) => `${n.how}.`).join(' '),
    );
    this.name = 'UnmetNeedsError';
  }

  /** The reason a sequence gives for skipping the step: what is missing, then how to get it. */
  get reason(): string {
    return this.needs.map((n) => `${n.missing}. ${n.how}`).join('. ');
  }
}

export class CommandFailedError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly argv: readonly string[],
    readonly commandExitCode: number | undefined,
    readonly stderrTail: readonly string[],
    reason?: string,
  ) {
    super(
      `${argv[0] ?? 'command'} ${reason ?? `exited with code ${commandExitCode ?? '?'}`}` +
        (stderrTail.length > 0 ? `: ${stderrTail[stderrTail.length - 1]}` : ''),
    );
    this.name = 'CommandFailedError';
  }
}

/** The operator chose to stop (abort at a failure, "no" at the confirmation, Ctrl+C). */
export class AbortedError extends Error {
  readonly exitCode = 1;
  constructor(message = 'Stopped by the operator.') {
    super(message);
    this.name = 'AbortedError';
  }
}

/** The operator said no to a plan: nothing was changed (a sequence goes on with its next stage). */
export class DeclinedError extends AbortedError {
  constructor() {
    super('Nothing was changed: the plan was not confirmed.');
    this.name = 'DeclinedError';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UserError) return 2;
  return 1;
}
