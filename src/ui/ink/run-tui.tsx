import type { Flow } from '../../flows/index.js';
import type { Session } from '../../flows/session.js';

export interface TuiOptions {
  readonly session: Session;
  readonly flows: readonly Flow[];
  readonly start?: Flow;
  readonly resume?: string | true;
}

export async function runTui(_options: TuiOptions): Promise<number> {
  throw new Error('TUI not built yet');
}
