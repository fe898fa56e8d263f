// Draws the checklist once: all the checks (or, after a fix, the fixed item's group again with
// the others kept). Returns what the operator chose: leave, or fix an item.
import { render } from 'ink';
import type { AuditItem } from '../../core/checks.js';
import { Checklist, type ChecklistProps } from './Checklist.js';

export interface ChecklistRound extends Pick<ChecklistProps, 'groups' | 'start' | 'initial' | 'fixOf'> {
  readonly cursor?: number;
  /** Aborted (a signal to lockstep), the checklist is taken down as q would leave it. */
  readonly signal?: AbortSignal;
}

export async function checklistRound(r: ChecklistRound): Promise<{ readonly items: readonly AuditItem[]; readonly fix?: AuditItem; readonly cursor: number }> {
  let result: { items: readonly AuditItem[]; fix?: AuditItem; cursor: number } = { items: r.initial ?? [], cursor: 0 };
  const app = render(
    <Checklist groups={r.groups} start={r.start} {...(r.initial !== undefined ? { initial: r.initial } : {})} {...(r.cursor !== undefined ? { initialCursor: r.cursor } : {})} fixOf={r.fixOf} onDone={(d) => (result = d)} />,
    { exitOnCtrlC: false },
  );
  const stop = (): void => app.unmount();
  r.signal?.addEventListener('abort', stop, { once: true });
  if (r.signal?.aborted === true) stop();
  try {
    await app.waitUntilExit();
  } finally {
    r.signal?.removeEventListener('abort', stop);
  }
  return result;
}
