// The journal: one JSON object per line, appended and synced before the run moves on, so an
// interrupted run can be audited and resumed. Secrets never reach it (records are redacted).
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, writeSync, writevSync } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Action } from './actions.js';
import type { Check } from './events.js';
import type { OutputChunk } from './output-chunk.js';
import type { Answers } from './questions.js';
import type { SecretStore } from './secrets.js';
import { isCode, type System } from './system.js';

export const JOURNAL_DIR = '/var/log/lockstep';
export const JOURNAL_FILE = `${JOURNAL_DIR}/journal.jsonl`;
export const BACKUP_DIR = '/var/backups/lockstep';

/** `interrupted`: the action was stopped by a signal (its process group ended); it did not finish. */
export type ActionStatus = 'start' | 'done' | 'failed' | 'skipped' | 'interrupted';
export type RunStatus = 'done' | 'failed' | 'aborted';

export type JournalRecord =
  | {
      readonly t: 'run-start';
      readonly run: string;
      readonly ts: string;
      readonly command: string;
      readonly step: string;
      readonly answers: Answers;
      readonly plan: readonly Action[];
      /** The sequence run (`lockstep onboard`) this step's run is a stage of. */
      readonly sequence?: string;
    }
  | { readonly t: 'resume'; readonly run: string; readonly ts: string }
  | {
      readonly t: 'action';
      readonly run: string;
      readonly ts: string;
      readonly index: number;
      readonly status: ActionStatus;
      readonly title: string;
      readonly message?: string;
      readonly ms?: number;
      readonly backup?: string;
    }
  | { readonly t: 'verify'; readonly run: string; readonly ts: string; readonly checks: readonly Check[] }
  | { readonly t: 'run-end'; readonly run: string; readonly ts: string; readonly status: RunStatus }
  /** A sequence began (its `run` is the sequence's id): what `lockstep resume` needs to go on with the stages after an interrupted one. */
  | { readonly t: 'sequence-start'; readonly run: string; readonly ts: string; readonly command: string; readonly answersFile?: string }
  /** A stage of a sequence ended: how, and what it was answered (secrets as the mask). */
  | { readonly t: 'stage'; readonly run: string; readonly ts: string; readonly id: string; readonly status: string; readonly reason?: string; readonly answers?: Answers };

type Unstamped<R> = R extends JournalRecord ? Omit<R, 'ts' | 'run'> : never;

export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export class Journal {
  private constructor(
    readonly run: string,
    private readonly handle: FileHandle,
    private readonly secrets: SecretStore,
    readonly logFile: string,
    private readonly logFd: number,
  ) {}

  static async open(sys: System, secrets: SecretStore, run: string): Promise<Journal> {
    const dir = sys.real(JOURNAL_DIR);
    // Only lockstep's own folder is private: a missing /var or /var/log is made as usual (0755).
    await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await fs.open(sys.real(JOURNAL_FILE), 'a', 0o600);
    await handle.chmod(0o600); // whatever the umask: root must be able to append next time
    // A SIGKILL can cut a write at a page boundary, leaving the last line without its newline:
    // end it, or this run's first record would be glued to it and lost with it when read.
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      const reader = await fs.open(sys.real(JOURNAL_FILE), 'r');
      try {
        await reader.read(last, 0, 1, size - 1);
      } finally {
        await reader.close();
      }
      if (last[0] !== 0x0a) await handle.write('\n');
    }
    const logFile = sys.real(`${JOURNAL_DIR}/${run}.log`);
    // Written synchronously, as it comes (into the page cache, not synced; the journal is): in
    // order, no write in flight to wait for, and the child held back while a write lasts.
    const logFd = openSync(logFile, 'a', 0o600);
    try {
      fchmodSync(logFd, 0o600);
    } catch (error) {
      closeSync(logFd);
      throw error;
    }
    return new Journal(run, handle, secrets, logFile, logFd);
  }

  async write(record: Unstamped<JournalRecord>): Promise<void> {
    const full = this.secrets.redactDeep({ ...record, run: this.run, ts: new Date().toISOString() });
    await this.handle.write(`${JSON.stringify(full)}\n`);
    await this.handle.datasync();
  }

  /** The full, redacted output of every command of the run (the screen shows only a tail). */
  log(line: string): void {
    this.#heading = undefined;
    this.#append([Buffer.from(`${this.secrets.redact(line)}\n`)]);
  }

  /** The heading the last output went under; a heading again only when the command or stream changes. */
  #heading: string | undefined;

  /**
   * A chunk of a command's output (whole lines) under `heading` ("[2] stdout:"), written as the
   * bytes came, in one write: a million lines are one heading and a few thousand writes, not a
   * million. With no secret to redact the bytes are written undecoded; with one, the text is
   * redacted, and written instead of the bytes where that changed it. The write is done when
   * this returns: the reading of the child's output waits for it, so nothing piles up in memory
   * and no line is dropped.
   */
  logOutput(heading: string, chunk: OutputChunk): void {
    const parts: Buffer[] = [];
    if (heading !== this.#heading) parts.push(Buffer.from(`${heading}\n`));
    this.#heading = heading;
    const text = this.secrets.empty ? undefined : chunk.text;
    const redacted = text === undefined ? undefined : this.secrets.redact(text);
    if (redacted === text) parts.push(...chunk.bytes);
    else parts.push(Buffer.from(`${redacted}\n`));
    this.#append(parts);
  }

  /** Every byte of `parts`, in order (a short write goes on from where it stopped). */
  #append(parts: readonly Buffer[]): void {
    let left = parts;
    while (left.length > 0) {
      let written = left.length === 1 ? writeSync(this.logFd, left[0]!) : writevSync(this.logFd, left as Buffer[]);
      const rest: Buffer[] = [];
      for (const b of left) {
        if (written >= b.length) written -= b.length;
        else {
          rest.push(written === 0 ? b : b.subarray(written));
          written = 0;
        }
      }
      left = rest;
    }
  }

  backupPath(sys: System, target: string): string {
    return sys.real(path.join(BACKUP_DIR, this.run, target));
  }

  async close(): Promise<void> {
    await this.handle.close();
    closeSync(this.logFd);
  }
}

/** One record outside a step's run (a sequence's own), appended and synced like the others. */
export async function appendJournal(sys: System, secrets: SecretStore, run: string, record: Unstamped<JournalRecord>): Promise<void> {
  const dir = sys.real(JOURNAL_DIR);
  await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const handle = await fs.open(sys.real(JOURNAL_FILE), 'a', 0o600);
  try {
    await handle.write(`${JSON.stringify(secrets.redactDeep({ ...record, run, ts: new Date().toISOString() }))}\n`);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** What a sequence run recorded: its command and answers file, and how each stage that ended ended. */
export interface SequenceRecord {
  readonly run: string;
  readonly command: string;
  readonly answersFile?: string;
  readonly stages: ReadonlyMap<string, { readonly status: string; readonly reason?: string; readonly answers?: Answers }>;
}

export function sequenceRecord(records: readonly JournalRecord[], run: string): SequenceRecord | undefined {
  const start = records.find((r): r is Extract<JournalRecord, { t: 'sequence-start' }> => r.t === 'sequence-start' && r.run === run);
  if (start === undefined) return undefined;
  const stages = new Map<string, { status: string; reason?: string; answers?: Answers }>();
  for (const r of records) {
    if (r.t !== 'stage' || r.run !== run) continue;
    stages.set(r.id, { status: r.status, ...(r.reason !== undefined ? { reason: r.reason } : {}), ...(r.answers !== undefined ? { answers: r.answers } : {}) });
  }
  return { run, command: start.command, ...(start.answersFile !== undefined ? { answersFile: start.answersFile } : {}), stages };
}

export async function readJournal(sys: System): Promise<JournalRecord[]> {
  let text: string;
  try {
    text = await fs.readFile(sys.real(JOURNAL_FILE), 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return [];
    throw error;
  }
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // A line cut short by a crash: everything before it is intact and that is what counts.
    }
  }
  return records;
}

export interface RunRecord {
  readonly run: string;
  readonly command: string;
  readonly step: string;
  readonly answers: Answers;
  readonly plan: readonly Action[];
  readonly done: ReadonlySet<number>;
  readonly status: RunStatus | 'interrupted';
  readonly started: string;
  readonly sequence?: string;
}

export function summariseRuns(records: readonly JournalRecord[]): RunRecord[] {
  const runs = new Map<string, { start: Extract<JournalRecord, { t: 'run-start' }>; done: Set<number>; status: RunStatus | 'interrupted' }>();
  for (const r of records) {
    if (r.t === 'run-start') runs.set(r.run, { start: r, done: new Set(), status: 'interrupted' });
    const entry = runs.get(r.run);
    if (entry === undefined) continue;
    if (r.t === 'resume') entry.status = 'interrupted';
    if (r.t === 'action' && (r.status === 'done' || r.status === 'skipped')) entry.done.add(r.index);
    if (r.t === 'run-end') entry.status = r.status;
  }
  return [...runs.values()].map(({ start, done, status }) => ({
    run: start.run,
    command: start.command,
    step: start.step,
    answers: start.answers,
    plan: start.plan,
    done,
    status,
    started: start.ts,
    ...(start.sequence !== undefined ? { sequence: start.sequence } : {}),
  }));
}

/**
 * The newest run that did not finish (interrupted, failed or aborted part-way). A later run with
 * nothing to do that failed or was aborted (a rerun that adopted what the interrupted one left,
 * 0 of 0 actions, and failed its checks) has nothing to continue: the unfinished run before it is
 * the one to resume. A run that finished ends the search.
 */
export async function lastUnfinishedRun(sys: System, runId?: string): Promise<RunRecord | undefined> {
  const runs = summariseRuns(await readJournal(sys));
  if (runId !== undefined) return runs.find((r) => r.run === runId);
  const empty = (r: RunRecord): boolean => r.status !== 'done' && r.status !== 'interrupted' && r.plan.length === 0;
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i]!;
    if (r.status === 'done') break;
    // All actions done but no verdict (killed before verification) still counts: resume verifies it.
    if (!empty(r)) return r;
  }
  // Nothing but empty runs since the last that finished: the newest of them, as before.
  const last = runs[runs.length - 1];
  return last !== undefined && last.status !== 'done' ? last : undefined;
}
