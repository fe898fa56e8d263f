// One line of typed text with its cursor; a secret shows one * per character.
import { Text } from 'ink';
import type { LineState } from './line-edit.js';
import { Styled } from './Styled.js';

export function LineInput({
  line,
  mask,
  placeholder,
}: {
  readonly line: LineState;
  readonly mask?: boolean;
  /** Shown dimmed while nothing is typed (the default Enter accepts). */
  readonly placeholder?: string;
}) {
  const shown = mask ? '*'.repeat(line.text.length) : line.text;
  if (shown.length === 0 && placeholder) {
    return (
      <Text>
        <Styled tone="accent">› </Styled>
        <Styled inverse>{placeholder[0]}</Styled>
        <Styled tone="muted">{placeholder.slice(1)}</Styled>
      </Text>
    );
  }
  const before = shown.slice(0, line.cursor);
  const at = shown[line.cursor] ?? ' ';
  const after = shown.slice(line.cursor + 1);
  return (
    <Text>
      <Styled tone="accent">› </Styled>
      {before}
      <Styled inverse>{at}</Styled>
      {after}
    </Text>
  );
}
