// The home menu's entries, shared by the menu (to draw them) and the input hook (to act on them).
import type { MenuEntry } from '../../flows/index.js';
import type { ResumeOffer } from './use-wizard-state.js';

export type HomeItem =
  | { readonly kind: 'flow'; readonly flow: MenuEntry }
  | { readonly kind: 'resume'; readonly offer: ResumeOffer }
  | { readonly kind: 'quit' };

export function homeItems(flows: readonly MenuEntry[], offer: ResumeOffer | undefined): HomeItem[] {
  return [
    ...flows.map((flow) => ({ kind: 'flow', flow }) as const),
    ...(offer ? [{ kind: 'resume', offer } as const] : []),
    { kind: 'quit' },
  ];
}
