// `lockstep` alone on a terminal: the home menu's first frame written before commander, the
// session, the flows and Ink are loaded (ui/ink/early-frame.ts); the run that follows takes the
// screen over. Written only when the run would draw the same menu: a command line of the options
// that change nothing of it (--root, --log, --dry-run, --debug), the Ink front end
// (cli/front-end.ts), and paths the run will accept. Anything else goes the usual way, where
// commander and the run report it.
import { drawEarlyFrame, releaseEarlyFrame } from '../ui/ink/early-frame.js';
import { colorWanted } from '../ui/text/colors.js';
import type { Manifest } from './manifest.js';
import { checkGlobalPaths, checkWritableRoot, pickFrontEnd, type GlobalOptions } from './front-end.js';

/** The global options of `args` when they are only those above, each well formed; else undefined. */
export function simpleHomeOptions(args: readonly string[]): GlobalOptions | undefined {
  const g: GlobalOptions = { root: '/' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--debug') g.debug = true;
    else if (arg === '--dry-run') g.dryRun = true;
    else {
      const m = /^--(root|log)(?:=(.*))?$/.exec(arg);
      if (m === null) return undefined;
      const value = m[2] ?? args[++i];
      if (value === undefined || value === '' || (m[2] === undefined && value.startsWith('-'))) return undefined;
      if (m[1] === 'root') g.root = value;
      else g.log = value;
    }
  }
  return g;
}

/**
 * Writes the home menu now when the run of `argv` would draw it (and with colour: the frame is
 * Ink's with colour on); true when it did.
 */
export function drawHomeEarly(m: Manifest, argv: readonly string[]): boolean {
  const g = simpleHomeOptions(argv.slice(2));
  if (g === undefined || pickFrontEnd(g) !== 'ink' || !colorWanted(process.stdout)) return false;
  try {
    checkGlobalPaths(g);
    checkWritableRoot(g);
  } catch {
    return false; // the run says what is wrong
  }
  return drawEarlyFrame(m.menu);
}

export { releaseEarlyFrame as releaseEarlyHome };
