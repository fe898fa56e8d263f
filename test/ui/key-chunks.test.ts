// Keys that reach Ink in one read (typed fast, or sent in one write) are one string to Ink: the
// wizard splits them back into their keys, so a Ctrl+C after typing stops the run and Space
// then Enter ticks before it confirms. The splitter here; test/e2e/tui-tmux.test.ts sends "exam"
// and Ctrl+C in one write to the real TUI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitKeys } from '../../src/ui/ink/use-wizard-input.js';
import type { KeyInfo } from '../../src/ui/ink/wizard-types.js';

const NONE: KeyInfo = { leftArrow: false, rightArrow: false, upArrow: false, downArrow: false, home: false, end: false, backspace: false, delete: false, ctrl: false, meta: false, escape: false, tab: false, return: false };

test('a chunk of text with control characters is split into its keys; text alone (a paste) stays whole', () => {
  assert.deepEqual(splitKeys('exam\x03', NONE), [['exam', NONE], ['c', { ...NONE, ctrl: true }]]);
  assert.deepEqual(splitKeys(' \r', NONE), [[' ', NONE], ['', { ...NONE, return: true }]]);
  assert.deepEqual(splitKeys('ab\x7fc\r', NONE), [['ab', NONE], ['', { ...NONE, backspace: true }], ['c', NONE], ['', { ...NONE, return: true }]]);
  assert.deepEqual(splitKeys('www.example.org', NONE), [['www.example.org', NONE]]);
  assert.deepEqual(splitKeys('c', { ...NONE, ctrl: true }), [['c', { ...NONE, ctrl: true }]]);
  assert.deepEqual(splitKeys('\t', { ...NONE, tab: true }), [['\t', { ...NONE, tab: true }]], 'one key as Ink reported it');
});
