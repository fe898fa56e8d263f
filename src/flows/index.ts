// What lockstep can do today, in the order the home menu offers it. Later flows (CA, lockdown,
// renewal) add their steps here.
import type { Step } from '../core/step.js';
import { selfSignedStep } from '../tls/self-signed.js';

export interface Flow {
  /** The command path, e.g. "cert self-signed". */
  readonly command: string;
  readonly title: string;
  readonly description: string;
  readonly step: Step;
}

export const FLOWS: readonly Flow[] = [
  { command: 'cert self-signed', title: selfSignedStep.title, description: selfSignedStep.description, step: selfSignedStep as Step },
];

export function stepById(id: string): Step | undefined {
  return FLOWS.find((f) => f.step.id === id)?.step;
}
