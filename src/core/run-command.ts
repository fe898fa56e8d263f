// Runs one plan command through the spawn path: output streamed line by line, secrets on extra
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

export type LineSink = (stream: 'stdout' | 'stderr', line: string) => void;

const TAIL = 20;

/** The command was stopped by the abort signal (its whole process group ended). */
export class InterruptedCommandError extends CommandFailedError {
  constructor(argv: readonly string[], tail: readonly string[]) {
    super(argv, undefined, tail, 'was interrupted (its process group was ended)');
    this.name = 'InterruptedCommandError';
  }
}

export async function runCommand(
  spec: CommandSpec,
  onLine: LineSink,
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
    onLine: (stream, line) => {
      if (stream === 'stderr') {
        tail.push(line);
        if (tail.length > TAIL) tail.shift();
      }
      onLine(stream, line);
    },
  });
  const argv = spec.argv;
  if (result.interrupted) throw new InterruptedCommandError(argv, tail);
  if (result.missing) throw new CommandFailedError(argv, undefined, tail, 'was not found: is it installed and on PATH?');
  if (result.exitCode !== 0) {
    throw new CommandFailedError(argv, result.exitCode, tail, result.signal ? `was killed by ${result.signal}` : undefined);
  }
}
