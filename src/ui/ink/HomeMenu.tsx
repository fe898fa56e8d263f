// The first screen without a command: what lockstep can do, an interrupted run to resume, quit.
import { Box, Text } from 'ink';
import type { HomeItem } from './home-items.js';
import { Prose } from './Prose.js';
import { Styled } from './Styled.js';

function label(item: HomeItem): { title: string; description: string } {
  switch (item.kind) {
    case 'flow':
      return { title: item.flow.title, description: item.flow.description };
    case 'resume':
      return {
        title: 'Resume an interrupted run',
        description: `"${item.offer.command}" (run ${item.offer.run}) stopped after ${item.offer.done} of ${item.offer.total} actions; continue it without repeating them.`,
      };
    case 'quit':
      return { title: 'Quit', description: '' };
  }
}

export function HomeMenu({ items, focus }: { readonly items: readonly HomeItem[]; readonly focus: number }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Styled bold tone="accent">
        lockstep: what would you like to do?
      </Styled>
      <Styled tone="muted">Nothing changes on this server before you have seen the plan and said yes.</Styled>
      <Box flexDirection="column" marginTop={1}>
        {items.map((item, i) => {
          const { title, description } = label(item);
          const focused = i === focus;
          const group = item.kind === 'flow' ? item.flow.group : undefined;
          const previous = items[i - 1];
          const grouped = previous?.kind === 'flow' && previous.flow.group !== undefined;
          const heading = group !== undefined && (previous?.kind !== 'flow' || previous.flow.group !== group) ? group : undefined;
          // After the groups, the resume offer and Quit stand apart again.
          const apart = item.kind !== 'flow' && grouped;
          return (
            <Box key={i} flexDirection="column">
              {heading !== undefined && (
                <Box marginTop={1}>
                  <Styled tone="muted">{heading}</Styled>
                </Box>
              )}
              {apart && <Text> </Text>}
              <Text>
                <Styled tone="accent">{focused ? '❯ ' : '  '}</Styled>
                <Styled bold={focused}>{title}</Styled>
              </Text>
              {/* Only the focused entry's description: the menu stays short as flows are added. */}
              {focused && description !== '' && (
                <Box paddingLeft={4}>
                  <Prose text={description} inset={4} tone="muted" />
                </Box>
              )}
            </Box>
          );
        })}
      </Box>
      <Box marginTop={1}>
        <Styled tone="muted">↑/↓ or j/k to move · Enter to choose · q to quit</Styled>
      </Box>
    </Box>
  );
}
