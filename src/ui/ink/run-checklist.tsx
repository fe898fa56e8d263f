// Draws the checklist once: all the checks (or, after a fix, the fixed item's group again with
// the others kept). Returns what the operator chose: leave, or fix an item.
import { render } from 'ink';
import type { AuditItem, CheckGroup, CheckProgress } from '../../core/checks.js';
import { Checklist } from './Checklist.js';

export interface ChecklistRound {
  readonly groups: readonly CheckGroup[];
  readonly start: (onProgress: (p: CheckProgress) => void) => void;
  readonly initial?: readonly AuditItem[];
  readonly cursor?: number;
  readonly fixOf: (item: AuditItem) => string | undefined;
}

export async function checklistRound(r: ChecklistRound): Promise<{ readonly items: readonly AuditItem[]; readonly fix?: AuditItem; readonly cursor: number }> {
  let result: { items: readonly AuditItem[]; fix?: AuditItem; cursor: number } = { items: r.initial ?? [], cursor: 0 };
  const app = render(
    <Checklist groups={r.groups} start={r.start} {...(r.initial !== undefined ? { initial: r.initial } : {})} {...(r.cursor !== undefined ? { initialCursor: r.cursor } : {})} fixOf={r.fixOf} onDone={(d) => (result = d)} />,
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  return result;
}
