// The checklist on a terminal: groups fill in live (a spinner while a group runs), totals at the
// bottom; ↑/↓ move, Enter shows an item's evidence, Enter again on a failing item runs its fix
// (the evidence says so), f runs it at once (the caller runs the normal step, then re-checks the
// group), q leaves.
import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import { summarize, type AuditItem, type CheckGroup, type CheckProgress } from '../../core/checks.js';
import { allItems, canFix, checklistReducer, finished, initialChecklist, selected } from './checklist-state.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK = { pass: '✔', warn: '!', fail: '✘', skip: '–' } as const;
const COLOUR = { pass: 'green', warn: 'yellow', fail: 'red', skip: 'gray' } as const;

export interface ChecklistProps {
  readonly groups: readonly CheckGroup[];
  /** Starts the checks (or the re-check of one group) and reports each group as it finishes. */
  readonly start: (onProgress: (p: CheckProgress) => void) => void;
  /** Items already known (after a fix, the other groups keep theirs). */
  readonly initial?: readonly AuditItem[];
  readonly initialCursor?: number;
  /** The fix command for an item, when lockstep has a flow for it. */
  readonly fixOf: (item: AuditItem) => string | undefined;
  readonly onDone: (result: { readonly items: readonly AuditItem[]; readonly fix?: AuditItem; readonly cursor: number }) => void;
  /** Rows to draw in (default: the terminal's). */
  readonly height?: number;
}

export function Checklist(props: ChecklistProps) {
  const { exit } = useApp();
  const [state, dispatch] = useReducer(checklistReducer, initialChecklist(props.groups, props.initial));
  const [frame, setFrame] = useState(0);
  const fixable = (i: AuditItem): boolean => props.fixOf(i) !== undefined;
  // Input handlers may hold an earlier render's closure: leaving reads the latest state.
  const latest = useRef(state);
  latest.current = state;
  useEffect(() => {
    if (props.initialCursor !== undefined) dispatch({ type: 'move', by: props.initialCursor });
    props.start((p) => dispatch(p));
  }, []);
  const done = finished(state);
  useEffect(() => {
    if (done) return;
    const t = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 100);
    return () => clearInterval(t);
  }, [done]);
  const leave = (fix?: AuditItem): void => {
    props.onDone({ items: allItems(latest.current), cursor: latest.current.cursor, ...(fix !== undefined ? { fix } : {}) });
    exit();
  };
  useInput((input, key) => {
    if (key.upArrow) dispatch({ type: 'move', by: -1 });
    else if (key.downArrow) dispatch({ type: 'move', by: 1 });
    else if (key.escape) dispatch({ type: 'close' });
    else if (input === 'q' || (key.ctrl && input === 'c')) leave();
    else if (key.return) dispatch({ type: 'enter', fixable });
    else if (input === 'f') dispatch({ type: 'fix', fixable });
  });
  useEffect(() => {
    if (state.fix !== undefined) leave(allItems(state).find((i) => i.id === state.fix));
  }, [state.fix]);
  const cur = selected(state);
  const s = summarize(allItems(state));
  // A long list scrolls: the rows around the cursor, within the terminal's height.
  const rows = state.groups.flatMap((g) => [{ group: g } as const, ...g.items.map((item) => ({ item }) as const)]);
  const at = rows.findIndex((r) => 'item' in r && r.item === cur);
  const room = Math.max(8, (props.height ?? process.stdout.rows ?? 40) - (state.open ? 14 : 6));
  const from = rows.length <= room ? 0 : Math.min(Math.max(0, at - Math.floor(room / 2)), rows.length - room);
  const shown = rows.slice(from, from + room);
  return (
    <Box flexDirection="column">
      <Text bold>lockstep check — the lockdown checklist (read-only)</Text>
      {from > 0 ? <Text dimColor>  … {from} more above</Text> : null}
      {shown.map((r) => {
        if ('group' in r) {
          const g = r.group;
          return <Text key={`g-${g.prefix}`} bold>{g.running ? <Text color="cyan">{FRAMES[frame]} </Text> : '  '}{g.title}{g.running ? <Text dimColor> checking…</Text> : null}</Text>;
        }
        const i = r.item;
        const mine = i === cur;
        return (
          <Box key={i.id} flexDirection="column">
            <Text inverse={mine}>    <Text color={COLOUR[i.status]}>{MARK[i.status]} {i.status.toUpperCase().padEnd(4)}</Text> {i.title} <Text dimColor>{i.id}</Text></Text>
            {mine && state.open ? <ItemDetail item={i} fix={canFix(state, i, fixable) ? props.fixOf(i) : undefined} /> : null}
          </Box>
        );
      })}
      {from + room < rows.length ? <Text dimColor>  … {rows.length - from - room} more below</Text> : null}
      <Text> </Text>
      <Text><Text color="green">{s.pass} pass</Text>  <Text color="yellow">{s.warn} warn</Text>  <Text color="red">{s.fail} fail</Text>  <Text color="gray">{s.skip} skip</Text>{done ? '' : '  (checking…)'}</Text>
      <Text dimColor>↑/↓ move · {keysHint(state.open, canFix(state, cur, fixable) ? props.fixOf(cur) : undefined)} · q: quit</Text>
    </Box>
  );
}

function keysHint(open: boolean, fix: string | undefined): string {
  if (fix === undefined) return open ? 'Enter: close' : 'Enter: evidence';
  return open ? `Enter or f: fix with lockstep ${fix} · Esc: close` : `Enter: evidence · f: fix with lockstep ${fix}`;
}

function ItemDetail({ item, fix }: { readonly item: AuditItem; readonly fix: string | undefined }) {
  return (
    <Box flexDirection="column" marginLeft={6} borderStyle="single" paddingX={1}>
      <Text><Text bold>evidence:</Text> {item.evidence}</Text>
      {item.reason !== undefined ? <Text><Text bold>skipped:</Text> {item.reason}</Text> : null}
      <Text><Text bold>fix:</Text> {item.fix}</Text>
      <Text dimColor>seed {item.seed.file}: “{item.seed.sentence}”</Text>
      {fix !== undefined ? <Text color="cyan">Enter: fix with `lockstep {fix}` (its questions, its plan and your yes), then this group is checked again. Esc: close.</Text> : null}
    </Box>
  );
}
