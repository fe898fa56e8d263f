// core/output-chunk.ts: the bytes of a command's output cut in whole lines without copying them,
// a long line cut in pieces that never split a UTF-8 character (even across two reads), and the
// text decoded only when read. The run log writes the bytes undecoded only when no secret is set.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { test } from 'node:test';
import { EventBus, type LockstepEvent } from '../../src/core/events.js';
import { Journal } from '../../src/core/journal.js';
import { LineCutter, MAX_LINE, OutputChunk } from '../../src/core/output-chunk.js';
import { MASK, SecretStore } from '../../src/core/secrets.js';
import { System } from '../../src/core/system.js';
import { tempRoot } from '../helpers.js';

/** Every chunk the cutter hands on for `reads`, then its end. */
function cut(reads: readonly Buffer[], encoding: BufferEncoding = 'utf8'): OutputChunk[] {
  const cutter = new LineCutter(encoding);
  const out = reads.map((r) => cutter.take(r));
  return [...out, cutter.end()].filter((c): c is OutputChunk => c !== undefined);
}

test('lines across reads: the bytes as read (no copy of the pipe buffers), the count, the text when asked', () => {
  const a = Buffer.from('one\ntw');
  const b = Buffer.from('o\r\nthree\nfou');
  const chunks = cut([a, b, Buffer.from('r')]);
  assert.deepEqual(chunks.map((c) => c.lines), [1, 2, 1]);
  assert.equal(chunks[1]!.bytes[0]!.buffer, a.buffer, 'the unfinished line is the read buffer itself');
  assert.equal(Buffer.concat(chunks.flatMap((c) => c.bytes)).toString(), 'one\ntwo\r\nthree\nfour\n', 'every byte, in order');
  assert.deepEqual(chunks.map((c) => c.text), ['one', 'two\nthree', 'four'], '\\r\\n ends a line like \\n');
});

test('a line longer than MAX_LINE is cut in pieces; a UTF-8 character on the cut stays whole, even when it spans two reads', () => {
  // 8190 ASCII bytes then "é" (2 bytes) and "€" (3 bytes): the cut at 8192 falls inside the "€".
  const line = `${'x'.repeat(8190)}é€${'y'.repeat(9000)}`;
  const bytes = Buffer.from(line);
  for (const at of [1, 8191, 8192, 8193, 8194, bytes.length - 1]) {
    const chunks = cut([bytes.subarray(0, at), bytes.subarray(at)]);
    const pieces = chunks.flatMap((c) => c.text.split('\n'));
    assert.equal(pieces.join(''), line, `read split at ${at}: the line is whole`);
    assert.ok(pieces.every((p) => Buffer.byteLength(p) <= MAX_LINE && !p.includes('\uFFFD')), `read split at ${at}: no piece too long or broken`);
    assert.equal(pieces[0], `${'x'.repeat(8190)}é`);
    assert.equal(chunks.reduce((n, c) => n + c.lines, 0), pieces.length);
  }
});

test('a progress bar written in many small reads is joined into few buffers, its redraws kept as written', () => {
  const reads = Array.from({ length: 5000 }, (_, i) => Buffer.from(`\r[${'#'.repeat(i % 50)}] ${i % 100}%`));
  const chunks = cut([...reads, Buffer.from('\n')]);
  const all = Buffer.concat(chunks.flatMap((c) => c.bytes)).toString().replace(/\n/g, '');
  assert.equal(all, Buffer.concat(reads).toString());
  assert.ok(chunks.every((c) => c.bytes.length <= 2 * 66), 'a piece is a few dozen buffers, not thousands');
});

test('the text is decoded only when read, once; the run log writes the bytes undecoded unless a secret is set', async () => {
  class Counted extends OutputChunk {
    reads = 0;
    override get text(): string {
      this.reads++;
      return super.text;
    }
  }
  const { root, cleanup } = await tempRoot();
  try {
    const secrets = new SecretStore();
    const journal = await Journal.open(new System(root), secrets, 'run-1');
    const plain = new Counted([Buffer.from('a\nb\n')], 2);
    journal.logOutput('[0] stdout:', plain);
    assert.equal(plain.reads, 0, 'no secret: written as bytes, never decoded');

    const bus = new EventBus(secrets);
    const seen: LockstepEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    secrets.set('keyPassphrase', 'hunter2-but-longer');
    const secret = new Counted([Buffer.from('the key is hunter2-but-longer\n')], 1);
    journal.logOutput('[0] stdout:', secret);
    bus.emit({
      type: 'output',
      index: 0,
      stream: 'stdout',
      lines: 1,
      get text() {
        return secret.text;
      },
    });
    assert.ok(secret.reads >= 1, 'a secret is set: decoded, to be redacted');
    assert.deepEqual(seen.map((e) => e.type === 'output' && e.text), [`the key is ${MASK}`], 'the event is redacted');
    await journal.close();
    assert.equal(await fs.readFile(journal.logFile, 'utf8'), `[0] stdout:\na\nb\nthe key is ${MASK}\n`);
  } finally {
    await cleanup();
  }
});
