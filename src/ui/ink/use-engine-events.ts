// The engine's event stream into the reducer. Output is the exception: a command may print
// a million lines in a second, so its last lines go into a small buffer and reach React at most
// every LOG_FLUSH_MS, never one render per line.
import { useEffect, type Dispatch } from 'react';
import type { EventBus } from '../../core/events.js';
import { LogTail } from './log-tail.js';
import type { WizardAction } from './use-wizard-state.js';

export const LOG_FLUSH_MS = 80;
export const LIVE_LOG_LINES = 8;

export function useEngineEvents(bus: EventBus, dispatch: Dispatch<WizardAction>): void {
  useEffect(() => {
    const tail = new LogTail(LIVE_LOG_LINES);
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      clearTimeout(timer);
      timer = undefined;
      dispatch({ type: 'log', log: { lines: tail.lines(), count: tail.count } });
    };
    const unsubscribe = bus.subscribe((event) => {
      if (event.type === 'output') {
        tail.pushLater(event.lines, () => event.text); // decoded only if shown
        timer ??= setTimeout(flush, LOG_FLUSH_MS);
        return;
      }
      // Lines of an action are shown before the action is marked done.
      if (timer !== undefined) flush();
      if (event.type === 'apply-start') tail.reset();
      if (event.type === 'action-start') tail.clearLines();
      dispatch({ type: 'event', event });
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [bus, dispatch]);
}
