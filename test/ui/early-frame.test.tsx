// The home menu's first frame, written before Ink is loaded (ui/ink/early-frame.ts), against the
// App's own first frame drawn by the real Ink on a terminal of the same size: the same characters
// in the same styles, line for line, so that the App takes the screen over without a change; and
// the hand-over itself on a terminal stream: raw mode at once, the frame erased in the App's
// first write, the terminal restored when no App came.
process.env.FORCE_COLOR = '1'; // chalk (Ink's colours) decides its level when first imported

import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { tempRoot } from '../helpers.js';

const React = await import('react');
const { render } = await import('ink');
const { styledCharsFromTokens, tokenize } = await import('@alcalzone/ansi-tokenize');
const ansiEscapes = (await import('ansi-escapes')).default;
const { buildManifest } = await import('../../src/cli/manifest-build.js');
const { simpleHomeOptions } = await import('../../src/cli/early-home.js');
const { PresetAnswers } = await import('../../src/core/answers.js');
const { Session } = await import('../../src/core/session.js');
const { App } = await import('../../src/ui/ink/run-tui.js');
const { drawEarlyFrame, earlyFrame, eraseLines, releaseEarlyFrame, takeEarlyFrame } = await import('../../src/ui/ink/early-frame.js');

const menu = (await buildManifest()).menu;

class Terminal extends Writable {
  readonly isTTY = true;
  readonly writes: string[] = [];
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.writes.push(chunk.toString());
    done();
  }
}

/** A keyboard nobody types on, that records its raw mode. */
class Keyboard extends PassThrough {
  readonly isTTY = true;
  raw: boolean[] = [];
  setRawMode(on: boolean): this {
    this.raw.push(on);
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** Each line's characters with the styles that show on them (none on a space: nothing shows). */
function looks(text: string): string[] {
  return text.split('\n').map((line) =>
    styledCharsFromTokens(tokenize(line))
      .map((c) => (c.value.trim() === '' ? c.value : `${c.value}[${c.styles.map((s) => s.code).sort().join(',')}]`))
      .join('')
      .trimEnd(),
  );
}

/** The App's first frame on a `columns` × `rows` terminal, as the real Ink writes it. */
async function appFirstFrame(columns: number, rows: number): Promise<string> {
  const { root, cleanup } = await tempRoot();
  const session = new Session({ root, source: new PresetAnswers(new Map(), {}, {}), dryRun: true, yes: false });
  const stdout = new Terminal(columns, rows);
  const app = render(<App session={session} flows={menu} color={true} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: new Keyboard() as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  await new Promise((r) => setTimeout(r, 50)); // its effects run (the journal read for a resume offer)
  app.unmount();
  assert.doesNotMatch(stdout.writes.join(''), /ERROR/, 'the App drew no error');
  await cleanup();
  const frame = stdout.writes.find((w) => w.includes('lockstep: what would you like to do?'));
  assert.ok(frame !== undefined, 'the App drew the menu');
  return frame;
}

for (const [columns, rows] of [
  [120, 60],
  [120, 40],
  [80, 24],
  [90, 50],
  [200, 80],
] as const) {
  test(`the first frame looks as the App's first frame on a ${columns}×${rows} terminal`, async () => {
    const early = earlyFrame(menu, columns, rows);
    assert.ok(early !== undefined, 'every line fits');
    const app = await appFirstFrame(columns, rows);
    assert.deepEqual(looks(early.text), looks(app));
    // As tall as the terminal or taller: Ink writes no newline after it and clears the screen to draw again.
    const tall = early.text.split('\n').length >= rows;
    assert.equal(early.text.endsWith('\n'), !tall);
    assert.equal(early.erase, tall ? ansiEscapes.clearTerminal : ansiEscapes.eraseLines(early.text.split('\n').length));
  });
}

test('a terminal too narrow for a line gets no early frame (Ink would wrap it)', () => {
  assert.equal(earlyFrame(menu, 30, 60), undefined);
});

test('eraseLines writes what ansi-escapes (Ink\'s log-update) writes', () => {
  for (const n of [0, 1, 2, 33]) assert.equal(eraseLines(n), ansiEscapes.eraseLines(n));
});

test('the hand-over: raw mode at once, the frame erased in the first write with a line, Ink\'s codes before it untouched', () => {
  const stdout = new Terminal(120, 60);
  const stdin = new Keyboard();
  assert.equal(drawEarlyFrame(menu, stdout as unknown as NodeJS.WriteStream, stdin as unknown as NodeJS.ReadStream), true);
  assert.deepEqual(stdin.raw, [true]);
  const early = earlyFrame(menu, 120, 60)!;
  assert.equal(stdout.writes.join(''), `\u001B[?25l${early.text}`);
  takeEarlyFrame();
  stdout.write('\u001B[?25l');
  stdout.write('frame\nline');
  stdout.write('next\n');
  assert.deepEqual(stdout.writes.slice(1), ['\u001B[?25l', `${early.erase}frame\nline`, 'next\n']);
  takeEarlyFrame(); // once
  releaseEarlyFrame(); // taken: nothing to give back
  assert.deepEqual(stdin.raw, [true]);
});

test('no App came (the run failed first): raw mode off, the cursor shown, the frame left above', () => {
  const stdout = new Terminal(120, 60);
  const stdin = new Keyboard();
  drawEarlyFrame(menu, stdout as unknown as NodeJS.WriteStream, stdin as unknown as NodeJS.ReadStream);
  releaseEarlyFrame();
  assert.deepEqual(stdin.raw, [true, false]);
  assert.equal(stdout.writes.at(-1), '\n\u001B[?25h');
});

test('the early frame is drawn only for the options that change nothing of the menu', () => {
  assert.deepEqual(simpleHomeOptions([]), { root: '/' });
  assert.deepEqual(simpleHomeOptions(['--root', '/tmp/x', '--dry-run', '--debug', '--log=/tmp/l']), { root: '/tmp/x', dryRun: true, debug: true, log: '/tmp/l' });
  assert.deepEqual(simpleHomeOptions(['--root=/srv']), { root: '/srv' });
  for (const args of [['--json'], ['--yes'], ['--plain'], ['--answers', 'a.json'], ['--root'], ['--root', '--debug'], ['--root='], ['onboard'], ['--help']]) {
    assert.equal(simpleHomeOptions(args), undefined, args.join(' '));
  }
});
