// How a plan names lockstep itself when an action runs one of its internal helpers: the node
// binary and the script that is running now, so the preview shows exactly what will run; in the
// single executable (scripts/build-exe.mjs), the executable alone.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

declare const LOCKSTEP_EXE: boolean | undefined;

export function selfCommand(): string[] {
  if (typeof LOCKSTEP_EXE === 'boolean' && LOCKSTEP_EXE) return [process.execPath];
  const script = process.argv[1];
  if (script !== undefined && /lockstep(\.js)?$/.test(script)) return [process.execPath, fs.realpathSync(script)];
  // Under tsx (plan tests): the repository's bin, two levels above src/core/.
  return [process.execPath, path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'lockstep.js')];
}
