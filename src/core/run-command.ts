// Runs one plan command through the spawn path: output streamed a chunk of whole lines at a time, secrets on extra
// file descriptors, a failure as a CommandFailedError with the last lines of stderr. Nothing here
// knows about plans or front ends.
import { CommandFailedError } from './errors.js';
import { spawnChild } from './spawn.js';

export interface CommandSpec {
  readonly argv: readonly string[];
  readonly stdin?: string;
  /** fd number → secret value, written once and closed. */
  readonly secretFds?: ReadonlyMap<number, string>;
  /** An open file descriptor that receives standard output instead of the log. */
  readonly stdoutFd?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Output as it is read: whole lines joined by newlines, how many, and the same lines as bytes
 * (each ending in a newline). A returned promise holds the child's output back until it
 * settles (the run log is being written).
 */
export type TextSink = (stream: 'stdout' | 'stderr', text: string, lines: number, bytes: Buffer) => Promise<void> | undefined;

const TAIL = 20;

/** The command was stopped by the abort signal (its whole process group ended). */
export class InterruptedCommandError extends CommandFailedError {
  constructor(argv: readonly string[], tail: readonly string[]) {
    super(argv, undefined, tail, 'was interrupted (its process group was ended)');
    this.name = 'InterruptedCommandError';
  }
}

/** The last TAIL lines of stderr, from the end of each chunk (never every line of a long one). */
function keepTail(tail: string[], text: string): void {
  let end = text.length;
  const last: string[] = [];
  while (last.length < TAIL) {
    const nl = text.lastIndexOf('\n', end - 1);
    last.unshift(text.slice(nl + 1, end));
    if (nl < 0) break;
    end = nl;
  }
  tail.push(...last);
  if (tail.length > TAIL) tail.splice(0, tail.length - TAIL);
}

export async function runCommand(
  spec: CommandSpec,
  onText: TextSink,
  signal?: AbortSignal,
  onSpawn?: (pid: number | undefined) => void,
): Promise<void> {
  const tail: string[] = [];
  const result = await spawnChild({
    argv: spec.argv,
    ...(spec.stdin !== undefined ? { input: spec.stdin } : {}),
    ...(spec.secretFds !== undefined ? { secretFds: spec.secretFds } : {}),
    ...(spec.stdoutFd !== undefined ? { stdoutFd: spec.stdoutFd } : {}),
    ...(spec.env !== undefined ? { env: spec.env } : {}),
    ...(signal !== undefined ? { signal } : {}),
    ...(onSpawn !== undefined ? { onSpawn } : {}),
    onText: (stream, text, lines, bytes) => {
      if (stream === 'stderr') keepTail(tail, text);
      return onText(stream, text, lines, bytes);
    },
  });
  const argv = spec.argv;
  if (result.interrupted) throw new InterruptedCommandError(argv, tail);
  if (result.missing) throw new CommandFailedError(argv, undefined, tail, 'was not found: is it installed and on PATH?');
  if (result.exitCode !== 0) {
    throw new CommandFailedError(argv, result.exitCode, tail, result.signal ? `was killed by ${result.signal}` : undefined);
  }
}
