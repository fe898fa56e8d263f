// The TUI's pure parts: the log ring, the line editor, answer decisions, banners, the reducer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbortedError, CommandFailedError, UserError } from '../../src/core/errors.js';
import type { Question } from '../../src/core/questions.js';
import { decideConfirm, decideLine, decideSecret, readableError } from '../../src/ui/ink/answer-check.js';
import { bannerFor } from '../../src/ui/ink/error-banner.js';
import { editLine, emptyLine, splitAtEnter, typeChunk, type EditKey } from '../../src/ui/ink/line-edit.js';
import { cleanLogLine, LogTail } from '../../src/ui/ink/log-tail.js';
import { expandTabs, wrapWords } from '../../src/ui/ink/wrap-words.js';
import { initialState, wizardReducer, type KeyInfo, type WizardState } from '../../src/ui/ink/use-wizard-state.js';

const NO_KEY: KeyInfo = {
  leftArrow: false, rightArrow: false, upArrow: false, downArrow: false, home: false, end: false,
  backspace: false, delete: false, ctrl: false, meta: false, escape: false, tab: false, return: false,
};
const key = (k: Partial<EditKey & { return: boolean }>): KeyInfo => ({ ...NO_KEY, ...k });

test('the log ring keeps the last lines and counts all of them, however many', () => {
  const tail = new LogTail(8);
  for (let i = 1; i <= 100_000; i++) tail.push(`line ${i}`);
  assert.equal(tail.count, 100_000);
  assert.deepEqual(tail.lines(), Array.from({ length: 8 }, (_, i) => `line ${99_993 + i}`));
  tail.clearLines();
  assert.deepEqual(tail.lines(), []);
  assert.equal(tail.count, 100_000);
});

test('log lines lose colour, cursor and title sequences, and keep only the last redraw of a progress bar', () => {
  assert.equal(cleanLogLine('\u001B[1;31merror:\u001B[0m bad'), 'error: bad');
  assert.equal(cleanLogLine('\u001B]0;title\u0007text\u001B[2K'), 'text');
  assert.equal(cleanLogLine(' 10%\r 55%\r100%'), '100%');
  assert.equal(cleanLogLine('a\tb\u0000c'), 'a    bc');
  assert.equal(cleanLogLine('x'.repeat(9000)).length, 1000);
});

test('the line editor: typing, cursor moves, erasing (one key or a held key), Ctrl+U / Ctrl+W', () => {
  let s = typeChunk(emptyLine, 'example.og');
  s = editLine(s, '', key({ leftArrow: true }));
  s = editLine(s, 'r', NO_KEY);
  assert.deepEqual(s, { text: 'example.org', cursor: 10 });
  s = editLine(s, '', key({ end: true }));
  s = editLine(s, '\u007F\u007F\u007F', NO_KEY); // a held Backspace arrives as one chunk
  assert.equal(s.text, 'example.');
  s = editLine(s, '', key({ delete: true }));
  assert.equal(s.text, 'example');
  s = editLine(typeChunk(s, ' two words'), 'w', key({ ctrl: true }));
  assert.equal(s.text, 'example two ');
  s = editLine(s, 'u', key({ ctrl: true }));
  assert.deepEqual(s, emptyLine);
  assert.deepEqual(splitAtEnter('example.org\rrest'), { typed: 'example.org' });
  assert.equal(splitAtEnter('example.org'), undefined);
});

const days: Question = { kind: 'integer', id: 'days', message: 'Days', min: 1, max: 825 };
const host: Question = { kind: 'hostname', id: 'host', message: 'Host', multiple: true };
const pass = { kind: 'secret', id: 'pass', message: 'Passphrase', optional: true, repeat: true, minLength: 12 } as const;

test('answers are decided by the engine’s own parser and rules', () => {
  assert.deepEqual(decideLine(days, { answers: {}, defaultValue: 365 }, ''), { kind: 'answer', value: 365 });
  assert.deepEqual(decideLine(days, { answers: {} }, '900'), { kind: 'error', message: '900 is more than 825' });
  assert.deepEqual(decideLine(host, { answers: {} }, 'A.example, b.example.'), { kind: 'answer', value: ['a.example', 'b.example'] });
  assert.deepEqual(decideLine(host, { answers: {} }, ''), { kind: 'error', message: 'The answer needs at least one host name.' });
  assert.equal(readableError('"x y" contains a space'), '"x y" contains a space');
  assert.deepEqual(decideSecret(pass, { answers: {} }, '', undefined), { kind: 'answer', value: '' });
  assert.equal(decideSecret(pass, { answers: {} }, 'short', undefined).kind, 'error');
  assert.deepEqual(decideSecret(pass, { answers: {} }, 'long enough pass', undefined), { kind: 'repeat', first: 'long enough pass' });
  assert.deepEqual(decideSecret(pass, { answers: {} }, 'long enough pass', 'long enough pass'), { kind: 'answer', value: 'long enough pass' });
  assert.equal(decideSecret(pass, { answers: {} }, 'other', 'long enough pass').kind, 'error');
  const confirm: Question = { kind: 'confirm', id: 'ok', message: 'OK?' };
  assert.equal(decideConfirm(confirm, { answers: {} }, 'x', false), undefined);
  assert.deepEqual(decideConfirm(confirm, { answers: {}, defaultValue: true }, '', true), { kind: 'answer', value: true });
  assert.equal(decideConfirm(confirm, { answers: {} }, '', true)?.kind, 'error');
});

test('banners say what to do next for each kind of error', () => {
  const ctx = { applied: true, journalFile: '/r/var/log/lockstep/journal.jsonl', logFile: '/r/run.log', failureOutput: ['boom'] };
  const user = bannerFor(new UserError('Refusing.', 'Pass --overwrite.', ['or choose another folder']), ctx);
  assert.deepEqual(user, { title: 'Refusing.', lines: ['Pass --overwrite.', '• or choose another folder'] });
  assert.deepEqual(bannerFor(new AbortedError('Nothing was changed.'), { ...ctx, applied: false }).lines, []);
  const aborted = bannerFor(new AbortedError('Stopped after "x" failed: boom'), ctx).lines.join('\n');
  assert.match(aborted, /Its last error output:\n {2}boom\nFull output: \/r\/run\.log\n.*journal\.jsonl.*\n"lockstep resume"/);
  const failed = bannerFor(new CommandFailedError(['sh'], 3, ['boom']), ctx);
  assert.match(failed.title, /A command failed: sh exited with code 3: boom/);
  assert.match(bannerFor(new TypeError('x is undefined'), ctx).title, /^Unexpected error: x is undefined/);
});

test('the reducer: Enter on the menu starts the focused flow exactly once, keys arriving before a redraw included', () => {
  const flow = { command: 'a', title: 'A', description: '', step: {} as never };
  const other = { ...flow, command: 'b', title: 'B' };
  let s: WizardState = initialState({ flows: [flow, other], journalFile: '/j' });
  for (const [input, k] of [['j', NO_KEY], ['', key({ return: true })], ['', key({ return: true })]] as const) {
    s = wizardReducer(s, { type: 'key', input, key: k });
  }
  assert.equal(s.screen, 'run');
  assert.deepEqual(s.outbox, [{ kind: 'run', flow: other }]);
  s = wizardReducer(s, { type: 'outbox-taken', count: 1 });
  assert.deepEqual(s.outbox, []);
  s = wizardReducer(s, { type: 'key', input: 'c', key: key({ ctrl: true }) });
  assert.deepEqual(s.outbox, [{ kind: 'interrupt', applied: false }]);
  assert.equal(s.exitCode, undefined, 'waits for the engine to stop');
  s = wizardReducer(s, { type: 'run-end', outcome: { error: new AbortedError('Stopped at a question: nothing was changed.') } });
  assert.equal(s.exitCode, 1);
});

test('the reducer: keys that waited for the menu arrive in one chunk and are each a key ("jj" moves twice, then Enter)', () => {
  const flow = { command: 'a', title: 'A', description: '', step: {} as never };
  const flows = [flow, { ...flow, command: 'b', title: 'B' }, { ...flow, command: 'c', title: 'C' }];
  let s: WizardState = initialState({ flows, journalFile: '/j' });
  s = wizardReducer(s, { type: 'key', input: 'jjk', key: NO_KEY });
  assert.equal(s.homeFocus, 1);
  s = wizardReducer(s, { type: 'key', input: 'j', key: NO_KEY });
  s = wizardReducer(s, { type: 'key', input: '', key: key({ return: true }) });
  assert.deepEqual(s.outbox, [{ kind: 'run', flow: flows[2] }]);
});

test('prose wraps at spaces without starting a line with one; tabs expand to the terminal’s stops', () => {
  assert.deepEqual(wrapWords('give this file to every client that must trust your hosts', 20), [
    'give this file to',
    'every client that',
    'must trust your',
    'hosts',
  ]);
  assert.deepEqual(wrapWords('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
  assert.deepEqual(wrapWords('one\n\ntwo', 10), ['one', '', 'two']);
  assert.equal(expandTabs('-dir\t= ./demoCA\t# here'), '-dir    = ./demoCA      # here');
});

test('the log ring takes a chunk of many lines from its end: the last lines, the count of all, cleaned when shown', () => {
  const tail = new LogTail(8);
  tail.pushText(Array.from({ length: 500_000 }, (_, i) => `line ${i + 1}`).join('\n'), 500_000);
  tail.pushText('\u001B[32mgreen\u001B[0m', 1);
  assert.equal(tail.count, 500_001);
  assert.deepEqual(tail.lines(), [...Array.from({ length: 7 }, (_, i) => `line ${499_994 + i}`), 'green']);
  tail.clearLines();
  tail.pushText('a\nb', 2);
  assert.deepEqual(tail.lines(), ['a', 'b']);
});

test('the log ring decodes a chunk given as a function only if it still holds some of the last lines when they are shown', () => {
  const tail = new LogTail(8);
  const read: number[] = [];
  const chunk = (n: number, lines: number) => () => (read.push(n), Array.from({ length: lines }, (_, i) => `c${n} ${i}`).join('\n'));
  for (let n = 0; n < 1000; n++) tail.pushLater(5, chunk(n, 5));
  tail.pushLater(1, chunk(1000, 1));
  assert.equal(tail.count, 5001);
  assert.deepEqual(tail.lines(), ['c998 2', 'c998 3', 'c998 4', 'c999 0', 'c999 1', 'c999 2', 'c999 3', 'c999 4', 'c1000 0'].slice(-8));
  assert.deepEqual(read, [998, 999, 1000], 'only the chunks that hold the last 8 lines were decoded');
  tail.pushLater(2, chunk(1001, 2));
  assert.deepEqual(tail.lines().slice(-3), ['c1000 0', 'c1001 0', 'c1001 1'], 'lines shown before are kept under newer ones');
  assert.deepEqual(read, [998, 999, 1000, 1001]);
});
