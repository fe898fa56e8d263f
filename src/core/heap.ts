// How much memory lockstep's own JavaScript heap may take while a child's output rushes through.
// Each read of a pipe is a buffer that dies at once (the run log has its bytes, the pane keeps a
// few lines), but V8 frees a dead buffer only when it collects the young generation, and it grows
// the young generation (up to 32 MiB a half) while the output lasts: a million lines left ~40 MiB
// of dead buffers and grown semi-spaces behind, three million ~55 MiB. A young generation that
// keeps its first size is collected every megabyte or so of allocation, and the peak stays where
// it was after start-up however long the output goes on (scripts/bench/p2-log-pane.ts measures
// it). A wizard allocates little else, so the smaller nursery costs it nothing measurable.
import { setFlagsFromString } from 'node:v8';

let applied = false;

/** The young generation stays at its first size. Call it before the heap fills (first thing when a command runs). */
export function keepYoungGenerationSmall(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}
