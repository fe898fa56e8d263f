// A child's output through the real TUI (App on a real Session), drawn to a fake 120x40
// terminal. Bundled and run by scripts/bench/p2-log-pane.ts as its own process (as users run
// lockstep: bundled), one scenario a run (SCENARIO, LINES):
//   lines     LINES lines of `seq | sed` (the default, 1,000,000);
//   long      one 10 MiB line with no newline;
//   progress  \r progress bars redrawn at 10 kHz for one second.
// Prints one JSON line: the run's wall time, the command's (and lockstep's CPU time meanwhile), the process's peak RSS (VmHWM), what
// reached the terminal, and what reached the run log (which must hold every byte).
import { render } from 'ink';
import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import React from 'react';
import { PresetAnswers } from '../../src/core/answers.js';
import type { Step } from '../../src/core/step.js';
import type { Flow } from '../../src/flows/index.js';
import { keepYoungGenerationSmall } from '../../src/core/heap.js';
import { Session } from '../../src/core/session.js';
import { App } from '../../src/ui/ink/run-tui.js';

const LINES = Number(process.env.LINES ?? 1_000_000);
const SCENARIO = process.env.SCENARIO ?? 'lines';

/** The child of each scenario, as argv: the same one the bench runs alone into a file. */
export function childArgv(scenario: string, lines: number): string[] {
  switch (scenario) {
    case 'long':
      return ['sh', '-c', "head -c 10485760 /dev/zero | tr '\\0' x"];
    case 'progress':
      // 10,000 redraws, one every 100 µs (busy-waiting: timers are too coarse), then a newline.
      return [
        process.execPath,
        '-e',
        "const t0=process.hrtime.bigint();for(let i=0;i<10000;i++){while(process.hrtime.bigint()-t0<BigInt(i)*100000n);process.stdout.write('\\r['+'#'.repeat(i%50).padEnd(50)+'] '+(i%100)+'%')}process.stdout.write('\\n')",
      ];
    default:
      return ['sh', '-c', `seq 1 ${lines} | sed 's/^/log line number /'`];
  }
}

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

/** This process's peak resident set (VmHWM), in MiB. */
function peakRssMiB(): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function main(): Promise<void> {
  keepYoungGenerationSmall(); // as src/cli/dispatch.ts does before a command runs
  const argv = childArgv(SCENARIO, LINES);
  const step: Step = {
    id: 'bench log',
    title: `Bench: ${SCENARIO}`,
    description: 'prints a lot',
    questions: [],
    facts: async () => ({}),
    plan: () => [{ kind: 'run', title: `print (${SCENARIO})`, argv }],
    verify: async () => [],
    summary: () => ['done'],
  };
  const flow: Flow = { command: step.id, title: step.title, description: step.description, step };
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-bench-log-'));
  try {
    const session = new Session({ root, source: new PresetAnswers(new Map(), {}, {}), dryRun: false, yes: true });
    // The command's own run through lockstep (spawn, output to the pane and the run log, exit),
    // as the executor times it: the journal's synced records around it are the whole run's.
    let actionMs = 0;
    // lockstep's own CPU time (this process's, user + system) while the command ran.
    let cpuAt = process.cpuUsage();
    let actionCpuMs = 0;
    session.bus.subscribe((e) => {
      if (e.type === 'action-start') cpuAt = process.cpuUsage();
      if (e.type === 'action-done') {
        actionMs = e.ms;
        const cpu = process.cpuUsage(cpuAt);
        actionCpuMs = (cpu.user + cpu.system) / 1000;
      }
    });
    const stdout = new FakeTerminal();
    const baseRss = process.memoryUsage().rss / 2 ** 20;
    const started = performance.now();
    const code = await new Promise<number>((resolve) => {
      render(<App session={session} flows={[flow]} start={flow} onExit={resolve} color={false} />, {
        stdout: stdout as unknown as NodeJS.WriteStream,
        stdin: new IdleKeyboard() as unknown as NodeJS.ReadStream,
        exitOnCtrlC: false,
        patchConsole: false,
      });
    });
    const wallMs = performance.now() - started;
    const peak = peakRssMiB(); // before the log is read back below
    const dir = path.join(root, 'var/log/lockstep');
    const logFile = (await fs.readdir(dir)).find((f) => f.endsWith('.log'));
    const log = logFile ? await fs.readFile(path.join(dir, logFile), 'latin1') : '';
    // The action's output, under its heading: every line the child wrote (long ones cut in pieces).
    const heading = '[0] stdout:\n';
    const at = log.indexOf(heading);
    const output = at < 0 ? '' : log.slice(at + heading.length);
    let outputLines = 0;
    for (let nl = output.indexOf('\n'); nl !== -1; nl = output.indexOf('\n', nl + 1)) outputLines++;
    const outputBytes = output.length - outputLines;
    process.stdout.write(
      `${JSON.stringify({ scenario: SCENARIO, lines: LINES, exit: code, wallMs, actionMs, actionCpuMs, peakRssMiB: peak, baseRssMiB: baseRss, terminalWrites: stdout.writes, terminalBytes: stdout.bytes, outputLines, outputBytes })}\n`,
    );
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  process.exit(0);
}

if (process.env.LOCKSTEP_BENCH_CHILD === '1') await main();
