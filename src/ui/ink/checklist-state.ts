// The checklist's state as a pure reducer: groups fill in as their checks finish, a cursor moves
// over the items, Enter opens an item's evidence, Enter again on a failing one asks for its fix
// (f asks for it at once).
import type { AuditItem, CheckGroup, CheckProgress } from '../../core/checks.js';

export interface ChecklistState {
  readonly groups: readonly { readonly prefix: string; readonly title: string; readonly running: boolean; readonly items: readonly AuditItem[] }[];
  readonly cursor: number;
  readonly open: boolean;
  /** The item whose fix the operator asked for (Enter on an open failing item). */
  readonly fix?: string;
}

export type ChecklistAction =
  | CheckProgress
  | { readonly type: 'move'; readonly by: number }
  | { readonly type: 'close' }
  /** Enter: opens or closes the item; on an open failing or warning item that has a fix flow, asks for it. */
  | { readonly type: 'enter'; readonly fixable: (item: AuditItem) => boolean }
  /** f: asks for the fix of the item under the cursor at once, open or not. */
  | { readonly type: 'fix'; readonly fixable: (item: AuditItem) => boolean };

/** `items` already known (the other groups, after a fix); the groups not among them start running. */
export const initialChecklist = (groups: readonly CheckGroup[], items: readonly AuditItem[] = []): ChecklistState => ({
  groups: groups.map((g) => {
    const mine = items.filter((i) => i.id.split('.')[0] === g.prefix);
    return { prefix: g.prefix, title: g.title, running: mine.length === 0, items: mine };
  }),
  cursor: 0,
  open: false,
});

export const allItems = (s: ChecklistState): AuditItem[] => s.groups.flatMap((g) => g.items);
export const selected = (s: ChecklistState): AuditItem | undefined => allItems(s)[s.cursor];
export const finished = (s: ChecklistState): boolean => s.groups.every((g) => !g.running);

/** A failing or warning item with a fix flow, once every group is checked (a fix re-checks its group). */
export function canFix(s: ChecklistState, item: AuditItem | undefined, fixable: (item: AuditItem) => boolean): item is AuditItem {
  return finished(s) && item !== undefined && (item.status === 'fail' || item.status === 'warn') && fixable(item);
}

export function checklistReducer(s: ChecklistState, a: ChecklistAction): ChecklistState {
  switch (a.type) {
    case 'group-start':
      return { ...s, groups: s.groups.map((g) => (g.prefix === a.prefix ? { ...g, running: true } : g)) };
    case 'group-done':
      return { ...s, groups: s.groups.map((g) => (g.prefix === a.prefix ? { ...g, running: false, items: a.items } : g)) };
    case 'move': {
      const n = allItems(s).length;
      return n === 0 ? s : { ...s, open: false, cursor: Math.min(n - 1, Math.max(0, s.cursor + a.by)) };
    }
    case 'enter': {
      const item = selected(s);
      return s.open && canFix(s, item, a.fixable) ? { ...s, fix: item.id } : { ...s, open: !s.open };
    }
    case 'fix': {
      const item = selected(s);
      return canFix(s, item, a.fixable) ? { ...s, fix: item.id } : s;
    }
    case 'close':
      return { ...s, open: false };
  }
}
