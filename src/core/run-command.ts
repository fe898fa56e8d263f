// Runs one command: argv without a shell, output streamed line by line, secrets on extra file
// descriptors. Nothing here knows about plans or front ends.
import { execa } from 'execa';
import type { Readable, Writable } from 'node:stream';
import { CommandFailedError } from './errors.js';

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

const MAX_LINE = 8192;
const TAIL = 20;

export async function runCommand(
  spec: CommandSpec,
  onLine: LineSink,
  signal?: AbortSignal,
  onSpawn?: (pid: number | undefined) => void,
): Promise<void> {
  const [file, ...args] = spec.argv;
  if (file === undefined) throw new Error('empty command');
  const highestFd = Math.max(2, ...(spec.secretFds?.keys() ?? []));
  const stdio: (string | number)[] = [
    spec.stdin === undefined ? 'ignore' : 'pipe',
    spec.stdoutFd ?? 'pipe',
    'pipe',
  ];
  for (let fd = 3; fd <= highestFd; fd++) stdio.push(spec.secretFds?.has(fd) ? 'pipe' : 'ignore');

  const tail: string[] = [];
  const sink: LineSink = (stream, line) => {
    if (stream === 'stderr') {
      tail.push(line);
      if (tail.length > TAIL) tail.shift();
    }
    onLine(stream, line);
  };

  const child = execa(file, args, {
    stdio: stdio as never,
    input: spec.stdin,
    buffer: false,
    reject: false,
    stripFinalNewline: false,
    env: childEnv(spec.env),
    extendEnv: false,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  onSpawn?.(child.pid);
  const pipes = child.stdio as unknown as (Readable | Writable | null)[];
  for (const [fd, secret] of spec.secretFds ?? []) {
    const w = pipes[fd] as Writable | null;
    if (w === null || w === undefined) continue;
    w.on('error', () => undefined); // the child may exit without reading it
    w.end(`${secret}\n`);
  }
  if (spec.stdoutFd === undefined && child.stdout) splitLines(child.stdout, (l) => sink('stdout', l));
  if (child.stderr) splitLines(child.stderr, (l) => sink('stderr', l));

  const result = await child;
  const argv = spec.argv;
  if (result.isCanceled) throw new CommandFailedError(argv, undefined, tail, 'was stopped');
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new CommandFailedError(argv, undefined, tail, 'was not found: is it installed and on PATH?');
  }
  if (result.exitCode !== 0 || result.failed) {
    throw new CommandFailedError(argv, result.exitCode, tail, result.signal ? `was killed by ${result.signal}` : undefined);
  }
}

/**
 * lockstep's own variables carry secrets (LOCKSTEP_KEY_PASSPHRASE): a child never inherits them,
 * or any process of the same user could read them in /proc/<pid>/environ while it runs.
 */
function childEnv(extra?: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('LOCKSTEP_')) env[name] = value;
  }
  return { ...env, LC_ALL: 'C', ...extra };
}

function splitLines(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      onLine(pending.slice(0, nl).replace(/\r$/, ''));
      pending = pending.slice(nl + 1);
    }
    while (pending.length > MAX_LINE) {
      onLine(pending.slice(0, MAX_LINE));
      pending = pending.slice(MAX_LINE);
    }
  });
  stream.on('end', () => {
    if (pending.length > 0) onLine(pending);
    pending = '';
  });
}
