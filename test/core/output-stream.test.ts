// A command's output a chunk at a time (core/spawn.ts readText, core/run-command.ts): every byte
// reaches the sink in order, long lines are cut in pieces and never lost, a slow sink holds the
// child back instead of piling output up, and the run log of a real run holds every line.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCommand } from '../../src/core/run-command.js';
import { runPlan } from './engine-harness.js';

const node = process.execPath;

test('chunks of whole lines: 200,000 lines arrive in order with their count; \\r\\n ends a line like \\n', async () => {
  const parts: string[] = [];
  let counted = 0;
  await runCommand({ argv: ['sh', '-c', "seq 1 200000; printf 'dos\\r\\nlast-without-newline'"] }, (stream, { text, lines }) => {
    assert.equal(stream, 'stdout');
    parts.push(text);
    counted += lines;
    return undefined;
  });
  const lines = parts.join('\n').split('\n');
  assert.equal(lines.length, 200002);
  assert.equal(counted, 200002);
  assert.deepEqual(lines.slice(0, 3), ['1', '2', '3']);
  assert.deepEqual(lines.slice(-3), ['200000', 'dos', 'last-without-newline']);
  assert.ok(parts.length < 1000, `${parts.length} chunks for 200,000 lines: one call per chunk, not per line`);
});

test('a 10 MiB line without a newline arrives whole, in 8 KiB pieces; \\r progress redraws are kept as written', async () => {
  let bytes = 0;
  let pieces = 0;
  await runCommand({ argv: ['sh', '-c', "head -c 10485760 /dev/zero | tr '\\0' x"] }, (_s, { text, lines }) => {
    for (const piece of text.split('\n')) {
      assert.ok(piece.length <= 8192 && /^x*$/.test(piece));
      bytes += piece.length;
    }
    pieces += lines;
    return undefined;
  });
  assert.equal(bytes, 10 * 1024 * 1024);
  assert.equal(pieces, 1280);
  const seen: string[] = [];
  await runCommand({ argv: ['sh', '-c', "printf ' 10%%\\r 55%%\\r100%%\\n'"] }, (_s, { text }) => void seen.push(text));
  assert.deepEqual(seen, [' 10%\r 55%\r100%']);
});

test('a slow sink pauses the reading: output is held back in the pipe, not in memory, and nothing is lost', async () => {
  let inFlight = 0;
  let most = 0;
  let total = 0;
  const started = performance.now();
  await runCommand({ argv: [node, '-e', "for (let i = 0; i < 3000; i++) process.stdout.write('y'.repeat(999) + '\\n')"] }, (_s, { text, lines }) => {
    inFlight++;
    most = Math.max(most, inFlight);
    total += lines;
    assert.ok(/^y+$/.test(text.split('\n')[0] ?? ''));
    return new Promise((resolve) => setTimeout(() => ((inFlight--), resolve()), 5));
  });
  assert.equal(total, 3000);
  assert.equal(most, 1, 'a new chunk came before the sink had taken the last');
  assert.ok(performance.now() - started >= 5 * 40, 'the child waited for the sink (3 MB come in 40 chunks or more)');
});

test('the run log of a real run holds every line of a 300,000-line command, after its prefix', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-output-'));
  try {
    const run = await runPlan(root, [{ kind: 'run', title: 'print', argv: ['sh', '-c', 'seq 1 300000; seq 1 3 >&2'] }], () => 'abort');
    assert.equal(run.error, undefined, run.error?.message);
    const dir = path.join(root, 'var/log/lockstep');
    const file = (await fs.readdir(dir)).find((f) => f.endsWith('.log'))!;
    const log = await fs.readFile(path.join(dir, file), 'utf8');
    // The command, then its output under a heading each time the stream changes: the two pipes are
    // read as they come, so stderr's three lines may land between stdout's chunks. Per stream,
    // every line, in the order the child wrote it.
    const [command, ...rest] = log.split('\n');
    assert.match(command ?? '', /^\[0\] \$ sh -c /);
    assert.equal(rest[0], '[0] stdout:', 'stdout comes first');
    const streams: Record<string, string[]> = { stdout: [], stderr: [] };
    let current: string | undefined;
    for (const line of rest) {
      const heading = /^\[0\] (stdout|stderr):$/.exec(line);
      if (heading !== null) current = heading[1];
      else if (current !== undefined && line !== '') streams[current]!.push(line);
    }
    assert.equal(streams.stdout!.length, 300000, 'every line of stdout');
    assert.ok(streams.stdout!.every((l, i) => l === String(i + 1)), 'stdout in order');
    assert.deepEqual(streams.stderr, ['1', '2', '3']);
    const outputs = run.events.filter((e) => e.type === 'output');
    assert.equal(outputs.reduce((n, e) => n + (e.type === 'output' ? e.lines : 0), 0), 300003);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
