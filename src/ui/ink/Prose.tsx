// A paragraph wrapped to the terminal at word boundaries (see wrap-words.ts for why not Ink's).
import { Box, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { Styled, type Tone } from './Styled.js';
import { wrapWords } from './wrap-words.js';

function useColumns(): number {
  const { stdout } = useStdout();
  const [columns, setColumns] = useState(stdout.columns || 80);
  useEffect(() => {
    const onResize = (): void => setColumns(stdout.columns || 80);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return columns;
}

export function Prose({
  text,
  inset = 0,
  tone,
  bold,
}: {
  readonly text: string;
  /** Columns to its left (padding, borders, a marker): the text gets the rest. */
  readonly inset?: number;
  readonly tone?: Tone;
  readonly bold?: boolean;
}) {
  const width = Math.max(20, useColumns() - inset);
  return (
    <Box flexDirection="column">
      {wrapWords(text, width).map((line, i) => (
        <Styled key={i} wrap="truncate-end" {...(tone ? { tone } : {})} {...(bold ? { bold } : {})}>
          {line === '' ? ' ' : line}
        </Styled>
      ))}
    </Box>
  );
}
