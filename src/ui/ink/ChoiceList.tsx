// A list to move through with the arrow keys: one choice (select) or several (checkboxes).
import { Box, Text } from 'ink';
import { Styled } from './Styled.js';

export interface ListEntry {
  readonly value: string;
  readonly label: string;
  readonly hint?: string;
}

export function ChoiceList({
  entries,
  focus,
  checked,
}: {
  readonly entries: readonly ListEntry[];
  readonly focus: number;
  /** Given for a multiselect: which entries are ticked. */
  readonly checked?: readonly string[];
}) {
  return (
    <Box flexDirection="column">
      {entries.map((e, i) => {
        const focused = i === focus;
        return (
          <Text key={e.value} wrap="truncate-end">
            <Styled tone="accent">{focused ? '❯ ' : '  '}</Styled>
            {checked && <Styled tone={checked.includes(e.value) ? 'ok' : 'plain'}>{checked.includes(e.value) ? '[x] ' : '[ ] '}</Styled>}
            <Styled bold={focused}>{e.label}</Styled>
            {focused && e.hint && <Styled tone="muted">{`  ${e.hint}`}</Styled>}
          </Text>
        );
      })}
    </Box>
  );
}
