// Every key goes through one handler, registered once for the app's whole life, into the
// reducer (wizard-keys.ts decides what it means). Ctrl+C comes here too: Ink's exitOnCtrlC is
// off so a run can be stopped cleanly and the exit code stays right.
import { useInput, type Key } from 'ink';
import { useCallback, type Dispatch } from 'react';
import type { KeyInfo, WizardAction } from './use-wizard-state.js';

function keyInfo(key: Key): KeyInfo {
  const { leftArrow, rightArrow, upArrow, downArrow, home, end, backspace, ctrl, meta, escape, tab } = key;
  return { leftArrow, rightArrow, upArrow, downArrow, home, end, backspace, delete: key.delete, ctrl, meta, escape, tab, return: key.return };
}

const NONE: KeyInfo = { leftArrow: false, rightArrow: false, upArrow: false, downArrow: false, home: false, end: false, backspace: false, delete: false, ctrl: false, meta: false, escape: false, tab: false, return: false };

/** One control character as the key Ink reports when it arrives alone. */
function controlKey(c: string): [string, KeyInfo] {
  if (c === '\r' || c === '\n') return ['', { ...NONE, return: true }];
  if (c === '\t') return ['', { ...NONE, tab: true }];
  if (c === '\x7f' || c === '\b') return ['', { ...NONE, backspace: true }];
  // Ctrl+A … Ctrl+Z: the letter, with ctrl.
  return [String.fromCharCode(c.charCodeAt(0) + 96), { ...NONE, ctrl: true }];
}

/**
 * Ink splits what it reads at escape sequences only, so keys typed faster than a read (or sent in
 * one write: "exam" then Ctrl+C, Space then Enter) arrive as one string and a Ctrl+C inside it
 * would be typed text. Such a chunk is split back into its keys: runs of text, and each control
 * character as the key it is. A chunk of text alone (a paste) stays one input.
 */
export function splitKeys(input: string, key: KeyInfo): Array<[string, KeyInfo]> {
  if (input.length <= 1 || key.ctrl || key.meta || key.escape || !/[\x00-\x1f\x7f]/.test(input)) return [[input, key]];
  const keys: Array<[string, KeyInfo]> = [];
  for (const part of input.split(/([\x00-\x1f\x7f])/)) {
    if (part === '') continue;
    keys.push(/^[\x00-\x1f\x7f]$/.test(part) ? controlKey(part) : [part, NONE]);
  }
  return keys;
}

export function useWizardInput(dispatch: Dispatch<WizardAction>): void {
  const handler = useCallback(
    (input: string, key: Key) => {
      for (const [i, k] of splitKeys(input, keyInfo(key))) dispatch({ type: 'key', input: i, key: k });
    },
    [dispatch],
  );
  useInput(handler);
}
