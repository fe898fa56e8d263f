// The first screen without a command: what lockstep can do, an interrupted run to resume, quit.
// Its lines are home-lines.ts's, which the first frame also writes before Ink is loaded.
import { Box, Text } from 'ink';
import type { HomeItem } from './home-items.js';
import { homeLines } from './home-lines.js';
import { useColumns } from './Prose.js';
import { Styled } from './Styled.js';

export function HomeMenu({ items, focus }: { readonly items: readonly HomeItem[]; readonly focus: number }) {
  const columns = useColumns();
  return (
    <Box flexDirection="column">
      {homeLines(items, focus, columns).map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line.length === 0
            ? ' '
            : line.map((s, j) => (
                <Styled key={j} {...(s.tone ? { tone: s.tone } : {})} {...(s.bold ? { bold: true } : {})}>
                  {s.text}
                </Styled>
              ))}
        </Text>
      ))}
    </Box>
  );
}
