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

export function useWizardInput(dispatch: Dispatch<WizardAction>): void {
  const handler = useCallback((input: string, key: Key) => dispatch({ type: 'key', input, key: keyInfo(key) }), [dispatch]);
  useInput(handler);
}
