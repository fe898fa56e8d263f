// 100,000 log lines from a child through the real TUI (App on a real Session), drawn to a fake
// 120x40 terminal: wall time, frames written, and peak memory. Run by scripts/bench.ts.
import { render } from 'ink';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import React from 'react';
import { PresetAnswers } from '../../src/core/answers.js';
import type { Step } from '../../src/core/step.js';
import type { Flow } from '../../src/flows/index.js';
import { Session } from '../../src/core/session.js';
import { App } from '../../src/ui/ink/run-tui.js';

const LINES = Number(process.env.LINES ?? 100_000);

class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = 120;
  readonly rows = 40;
  writes = 0;
  bytes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.writes++;
    this.bytes += chunk.length;
    done();
  }
}

/** A keyboard nobody types on (Ink needs raw mode to listen for keys). */
class IdleKeyboard extends PassThrough {
  readonly isTTY = true;
  setRawMode(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

const step: Step = {
  id: 'bench log',
  title: 'Bench: 100,000 log lines',
  description: 'prints many lines',
  questions: [],
  facts: async () => ({}),
  plan: () => [{ kind: 'run', title: `print ${LINES} lines`, argv: ['sh', '-c', `seq 1 ${LINES} | sed 's/^/log line number /'`] }],
  verify: async () => [],
  summary: () => ['done'],
};
const flow: Flow = { command: step.id, title: step.title, description: step.description, step };

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-bench-log-'));
try {
  const session = new Session({ root, source: new PresetAnswers(new Map(), {}, {}), dryRun: false, yes: true });
  const stdout = new FakeTerminal();
  let peakRss = process.memoryUsage().rss;
  const baseRss = peakRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const code = await new Promise<number>((resolve) => {
    render(<App session={session} flows={[flow]} start={flow} onExit={resolve} color={false} />, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: new IdleKeyboard() as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
    });
  });
  const ms = performance.now() - started;
  clearInterval(sampler);
  const logFile = (await fs.readdir(path.join(root, 'var/log/lockstep'))).find((f) => f.endsWith('.log'));
  const logged = logFile ? (await fs.readFile(path.join(root, 'var/log/lockstep', logFile), 'utf8')).split('\n').length - 2 : 0;
  console.log(
    `${LINES} lines: ${(ms / 1000).toFixed(2)} s, exit ${code}, ${stdout.writes} writes to the terminal (${(stdout.bytes / 1024).toFixed(0)} KiB), ` +
      `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (${((peakRss - baseRss) / 2 ** 20).toFixed(0)} MiB above start), ${logged} lines in the run log`,
  );
} finally {
  await fs.rm(root, { recursive: true, force: true });
  process.exit(0);
}
