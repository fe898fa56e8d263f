// An action failed: what it said, and what to do about it.
import { Box, Text } from 'ink';
import { ChoiceList } from './ChoiceList.js';
import type { Prompt } from './ink-prompter.js';
import { Prose } from './Prose.js';
import { Styled } from './Styled.js';
import { FAILURE_CHOICES } from './use-wizard-state.js';

const TAIL_SHOWN = 8;

export function FailurePrompt({ prompt, focus }: { readonly prompt: Prompt & { kind: 'failure' }; readonly focus: number }) {
  const tail = prompt.stderrTail.slice(-TAIL_SHOWN);
  return (
    <Box flexDirection="column">
      <Prose text={`✗ Action ${prompt.index + 1} failed: ${prompt.message}`} tone="bad" />
      {tail.length > 0 && (
        <Box flexDirection="column" paddingLeft={2}>
          <Styled tone="muted">Its last error output:</Styled>
          {tail.map((l, i) => (
            <Text key={i} wrap="truncate-end">
              <Styled tone="muted">{'│ '}</Styled>
              {l}
            </Text>
          ))}
        </Box>
      )}
      <Box flexDirection="column" marginTop={1}>
        <Styled bold>What now?</Styled>
        <ChoiceList entries={FAILURE_CHOICES} focus={focus} />
        <Styled tone="muted">↑/↓ and Enter, or r / s / a.</Styled>
      </Box>
    </Box>
  );
}
