// A paragraph wrapped to the terminal at word boundaries (see wrap-words.ts for why not Ink's).
import { Box, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { Styled, type Tone } from './Styled.js';
import { wrapWords } from './wrap-words.js';

// One resize listener per output stream, however many paragraphs are on screen (a listener
// each went past Node's limit of 10 and printed a warning into the TUI).
const watchers = new WeakMap<NodeJS.WriteStream, Set<() => void>>();

function onResize(stdout: NodeJS.WriteStream, callback: () => void): () => void {
  let set = watchers.get(stdout);
  if (set === undefined) {
    const fresh = new Set<() => void>();
    watchers.set(stdout, fresh);
    stdout.on('resize', () => {
      for (const f of fresh) f();
    });
    set = fresh;
  }
  set.add(callback);
  return () => set.delete(callback);
}

export function useColumns(): number {
  const { stdout } = useStdout();
  const [columns, setColumns] = useState(stdout.columns || 80);
  useEffect(() => onResize(stdout, () => setColumns(stdout.columns || 80)), [stdout]);
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
