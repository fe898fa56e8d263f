// The Ink front end's entry, imported lazily by cli.ts only when it will be drawn.
import { render } from 'ink';
import type { Flow, MenuEntry } from '../../flows/index.js';
import type { Session } from '../../core/session.js';
import { colorWanted } from '../text/colors.js';
import { App } from './App.js';
import { takeEarlyFrame } from './early-frame.js';
import type { FlowSource } from './use-runner.js';

export { App, type AppProps } from './App.js';

export interface TuiOptions {
  readonly session: Session;
  readonly flows: readonly (Flow | MenuEntry)[];
  readonly source?: FlowSource;
  readonly start?: Flow;
  readonly resume?: string | true;
}

/**
 * Draws the wizard until it exits; returns the exit code (0 done, 1 failed or stopped, 2 bad
 * input) and, when the menu's entry was a screen of its own, that screen for the caller to open.
 */
export async function runTui(options: TuiOptions): Promise<{ readonly code: number; readonly next?: 'checklist' }> {
  let code = 1;
  let next: 'checklist' | undefined;
  // The home menu's first frame may be on screen already (cli/early-home.ts): erased as the App draws.
  takeEarlyFrame();
  const app = render(<App {...options} color={colorWanted(process.stdout)} onExit={(c, n) => ((code = c), (next = n))} />, {
    // Ctrl+C is the app's to handle: it stops a run cleanly and sets the exit code.
    exitOnCtrlC: false,
  });
  // The menu is on screen: now the flows behind it, while the operator reads it.
  if (options.source !== undefined) setTimeout(() => void options.source?.all().catch(() => undefined), 0);
  try {
    await app.waitUntilExit();
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\nThis is a bug in lockstep; --plain avoids the full-screen interface.\n`);
    return { code: 1 };
  }
  return next === undefined ? { code } : { code, next };
}
