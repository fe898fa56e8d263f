// A command line that runs something: the registry entry of its command loaded (and no other),
// registered on a fresh program, and parsed by commander.
import { keepYoungGenerationSmall } from '../core/heap.js';
import type { Manifest } from './manifest.js';
import { contextFor, newProgram } from './program.js';
import { REGISTRY } from './registry.js';
import { checkGlobalPaths, reportError, type GlobalOptions } from './run.js';

export async function dispatch(manifest: Manifest, module: string, argv: readonly string[]): Promise<number> {
  keepYoungGenerationSmall(); // before the command's flow, React and Ink fill the heap
  const entry = REGISTRY.find((e) => e.id === module);
  if (entry === undefined) throw new Error(`the manifest names module "${module}", which the registry does not have: run npm run build`);
  let code = 0;
  const program = newProgram();
  // Bad global paths (--root naming a file, an unwritable --log) are the operator's to fix: exit 2, before any command runs.
  program.hook('preAction', (_program, action) => checkGlobalPaths(action.optsWithGlobals() as GlobalOptions));
  (await entry.load())(program, contextFor(program, (c) => (code = c), async () => manifest));
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    const e = error as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    return reportError(error, program.opts() as GlobalOptions);
  }
  return code;
}
