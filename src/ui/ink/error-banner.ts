// What the end-of-run banner says for each kind of failure (STYLE.md "Errors"): what happened,
// then what to do next.
import { AbortedError, CommandFailedError, UserError } from '../../core/errors.js';

export interface Banner {
  readonly title: string;
  readonly lines: readonly string[];
}

export interface BannerContext {
  /** Whether anything was applied (the apply phase started). */
  readonly applied: boolean;
  readonly logFile?: string;
  readonly journalFile: string;
  /** The error output of the action whose failure led to this (the operator chose Abort). */
  readonly failureOutput?: readonly string[];
  /** Gives a suggested command the run's --root (Session.advise). */
  readonly advise?: (text: string) => string;
}

const STDERR_LINES = 6;

export function bannerFor(error: unknown, ctx: BannerContext): Banner {
  const banner = bannerOf(error, ctx);
  const advise = ctx.advise;
  return advise === undefined ? banner : { title: banner.title, lines: banner.lines.map(advise) };
}

function bannerOf(error: unknown, ctx: BannerContext): Banner {
  const resume = `"lockstep resume" continues the run from where it stopped; finished actions are not repeated.`;
  const journal = `Every action done so far is listed in ${ctx.journalFile}.`;
  if (error instanceof UserError) {
    return {
      title: error.message,
      lines: [...(error.tryMessage ? [error.tryMessage] : []), ...error.nextSteps.map((s) => `• ${s}`)],
    };
  }
  const output = (tail: readonly string[]): string[] => [
    ...(tail.length > 0 ? ['Its last error output:', ...tail.slice(-STDERR_LINES).map((l) => `  ${l}`)] : []),
    ...(ctx.logFile ? [`Full output: ${ctx.logFile}`] : []),
  ];
  if (error instanceof AbortedError) {
    if (!ctx.applied) return { title: error.message, lines: [] };
    return { title: error.message, lines: [...output(ctx.failureOutput ?? []), journal, resume] };
  }
  if (error instanceof CommandFailedError) {
    return { title: `A command failed: ${error.message}`, lines: [...output(error.stderrTail), `Fix the cause, then ${resume}`] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    title: `Unexpected error: ${message}`,
    lines: ['This is a bug in lockstep. Run the same command with --plain --debug to see where it happened.', ...(ctx.applied ? [journal] : [])],
  };
}

export function verificationBanner(message: string | undefined): Banner {
  return {
    title: message ?? 'The result did not pass verification.',
    lines: ['The checks above show what was found. Fix the cause and run the step again.'],
  };
}
