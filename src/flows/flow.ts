// A flow: what one command (or one entry of the home menu) runs — a step, or a sequence of steps
// whose first stage is the command's own step (its flags).
import type { Sequence } from '../core/sequence.js';
import type { Runnable } from '../core/session.js';
import type { Step } from '../core/step.js';

export interface Flow extends Runnable {
  readonly description: string;
  /** Offered in the home menu, but its command is written by hand in cli/ (renew). */
  readonly menuOnly?: boolean;
  /** The home menu's heading it is listed under. */
  readonly group?: string;
  /** A screen of its own the command line opens (the checklist), not a run of the wizard. */
  readonly screen?: 'checklist';
}

/** What the home menu shows of a flow: drawn from the manifest before any flow is loaded. */
export type MenuEntry = Pick<Flow, 'command' | 'title' | 'description' | 'group' | 'screen'>;

export const flow = <F>(step: Step<F>, sequence?: Sequence, group?: string): Flow => ({
  command: step.id,
  title: step.title,
  description: step.description,
  step: step as unknown as Step,
  ...(sequence !== undefined ? { sequence } : {}),
  ...(group !== undefined ? { group } : {}),
});
