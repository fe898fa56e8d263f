// Runs one plan command through the spawn path: output streamed a chunk of whole lines at a time, secrets on extra
// file descriptors, a failure as a CommandFailedError with the last lines of stderr. Nothing here
// knows about plans or front ends.
import { CommandFailedError } from './errors.js';
import type { OutputChunk } from './output-chunk.js';
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
 * Output as it is read, a chunk of whole lines at a time: their bytes, their count and their
 * text (decoded when read). A returned promise holds the child's output back until it settles
 * (the run log is being written).
 */
export type TextSink = (stream: 'stdout' | 'stderr', chunk: OutputChunk) => Promise<void> | undefined;

const TAIL = 20;

/** The command was stopped by the abort signal (its whole process group ended). */
export class InterruptedCommandError extends CommandFailedError {
  constructor(argv: readonly string[], tail: readonly string[]) {
    super(argv, undefined, tail, 'was interrupted (its process group was ended)');
    this.name = 'InterruptedCommandError';
  }
}

/**
 * The chunks of stderr that hold its last TAIL lines, decoded only if the command fails (a
 * command that prints a million lines to stderr and succeeds is not decoded here at all).
 */
class StderrTail {
  #chunks: OutputChunk[] = [];
  #lines = 0;

  push(chunk: OutputChunk): void {
    this.#chunks.push(chunk);
    this.#lines += chunk.lines;
    while (this.#chunks.length > 1 && this.#lines - this.#chunks[0]!.lines >= TAIL) this.#lines -= this.#chunks.shift()!.lines;
  }

  lines(): string[] {
    return this.#chunks.flatMap((c) => c.text.split('\n')).slice(-TAIL);
  }
}

export async function runCommand(
  spec: CommandSpec,
  onText: TextSink,
  signal?: AbortSignal,
  onSpawn?: (pid: number | undefined) => void,
): Promise<void> {
  const stderr = new StderrTail();
  const result = await spawnChild({
    argv: spec.argv,
    ...(spec.stdin !== undefined ? { input: spec.stdin } : {}),
    ...(spec.secretFds !== undefined ? { secretFds: spec.secretFds } : {}),
    ...(spec.stdoutFd !== undefined ? { stdoutFd: spec.stdoutFd } : {}),
    ...(spec.env !== undefined ? { env: spec.env } : {}),
    ...(signal !== undefined ? { signal } : {}),
    ...(onSpawn !== undefined ? { onSpawn } : {}),
    onText: (stream, chunk) => {
      if (stream === 'stderr') stderr.push(chunk);
      return onText(stream, chunk);
    },
  });
  const argv = spec.argv;
  const tail = result.interrupted || result.missing || result.exitCode !== 0 ? stderr.lines() : [];
  if (result.interrupted) throw new InterruptedCommandError(argv, tail);
  if (result.missing) throw new CommandFailedError(argv, undefined, tail, 'was not found: is it installed and on PATH?');
  if (result.exitCode !== 0) {
    throw new CommandFailedError(argv, result.exitCode, tail, result.signal ? `was killed by ${result.signal}` : undefined);
  }
}
