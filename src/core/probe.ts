// Read-only commands a step's facts and checks run (`sshd -T`, `nft list ruleset`, `apt-config
// dump`), through the spawn path. A System asks its Prober; tests give it one that answers
// from recorded output, so a test cannot silently read the real machine.
import { spawnChild } from './spawn.js';

export interface ProbeOptions {
  /** Ends the probe's process group after this long (exit code 124, `timedOut`). Default 60 s. */
  readonly timeoutMs?: number;
  /** Variables for this child (APT_CONFIG...), on top of the cleaned environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string | Buffer;
  readonly cwd?: string;
  /** latin1 for binary output (DER). */
  readonly encoding?: BufferEncoding;
  /** Each output line as it comes, besides the captured text (a live log of `apt-get update`). */
  readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface ProbeResult {
  /** 0 is success; 127 the tool is missing (as a shell says), 124 timed out, 128+n killed by signal n. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The program is not installed (or not executable): `exitCode` is 127. */
  readonly missing: boolean;
  readonly timedOut: boolean;
}

export type Prober = (argv: readonly string[], options?: ProbeOptions) => Promise<ProbeResult>;

export const DEFAULT_PROBE_TIMEOUT_MS = 60_000;

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Probes the real machine; an aborted `signal` (the session's) ends a running probe's group. */
export function spawnProber(signal?: AbortSignal): Prober {
  return async (argv, options = {}) => {
    const r = await spawnChild({
      argv,
      capture: true,
      timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
      ...(options.onLine !== undefined ? { onLine: options.onLine } : {}),
      ...(signal !== undefined ? { signal } : {}),
    });
    const stderr = r.missing ? `${argv[0] ?? ''}: not found (is it installed and on PATH?)` : r.stderr;
    const exitCode = r.missing ? 127 : r.timedOut ? 124 : (r.exitCode ?? 128 + (SIGNAL_NUMBERS[r.signal ?? ''] ?? 0));
    return { exitCode, stdout: r.stdout, stderr, missing: r.missing, timedOut: r.timedOut };
  };
}

/** One recorded answer: the exact argv, and what the tool printed (a missing tool: `missing: true`). */
export interface RecordedProbe {
  readonly argv: readonly string[];
  readonly exitCode?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly missing?: boolean;
}

/** A probe no recording answers: the test would have read the real machine. */
export class UnrecordedProbeError extends Error {
  constructor(readonly argv: readonly string[]) {
    super(`no recorded output for the probe ${JSON.stringify(argv)}: add it to the test's table`);
    this.name = 'UnrecordedProbeError';
  }
}

/** Answers from a table (argv → recorded output); an argv not in it throws UnrecordedProbeError. */
export function recordedProber(table: readonly RecordedProbe[], onProbe?: (argv: readonly string[]) => void): Prober {
  const byArgv = new Map(table.map((r) => [JSON.stringify(r.argv), r] as const));
  return async (argv) => {
    onProbe?.(argv);
    const r = byArgv.get(JSON.stringify(argv));
    if (r === undefined) throw new UnrecordedProbeError(argv);
    const missing = r.missing === true;
    return { exitCode: missing ? 127 : (r.exitCode ?? 0), stdout: r.stdout ?? '', stderr: r.stderr ?? '', missing, timedOut: false };
  };
}

/** The last non-empty line a probe printed (stderr first when it failed): evidence for a check. */
export function lastLine(r: ProbeResult): string {
  const text = r.exitCode === 0 ? r.stdout || r.stderr : r.stderr || r.stdout;
  return text.trim().split('\n').pop() ?? '';
}
