// The plan before anything runs: every command as it will run, every file change as a diff.
import { Box, Text } from 'ink';
import type { ActionPreview } from '../../core/describe.js';
import { Styled, type Tone } from './Styled.js';
import { expandTabs } from './wrap-words.js';

function diffTone(line: string): Tone {
  if (line.startsWith('+++') || line.startsWith('---')) return 'strong';
  if (line.startsWith('+')) return 'ok';
  if (line.startsWith('-')) return 'bad';
  if (line.startsWith('@@')) return 'accent';
  return 'plain';
}

function PlanAction({ action }: { readonly action: ActionPreview }) {
  return (
    <Box flexDirection="column">
      <Text>
        {`${action.index + 1}. `}
        <Styled bold>{action.title}</Styled>
      </Text>
      <Box flexDirection="column" paddingLeft={3}>
        {action.command !== undefined && <Styled tone="accent">{`$ ${action.command}`}</Styled>}
        {action.details.map((d, i) => (
          <Styled key={i} tone="muted">
            {expandTabs(d)}
          </Styled>
        ))}
        {action.diff?.split('\n').map((l, i) => (
          <Styled key={i} tone={diffTone(l)}>
            {l.length > 0 ? expandTabs(l) : ' '}
          </Styled>
        ))}
      </Box>
    </Box>
  );
}

export function PlanPreview({ actions }: { readonly actions: readonly ActionPreview[] }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Styled bold>{`The plan: ${actions.length} action${actions.length === 1 ? '' : 's'}. Nothing has changed yet.`}</Styled>
      {actions.map((a) => (
        <PlanAction key={a.index} action={a} />
      ))}
    </Box>
  );
}
