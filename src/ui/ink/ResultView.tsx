// The end of a run: done, or a banner saying what went wrong and what to do next.
import { Box } from 'ink';
import { Prose } from './Prose.js';
import { Styled, useColor } from './Styled.js';
import type { RunResult } from './use-wizard-state.js';

export function ResultView({ result, exiting, dryRun }: { readonly result: RunResult; readonly exiting: boolean; readonly dryRun: boolean }) {
  const color = useColor();
  const next = exiting ? undefined : 'Press Enter to return to the menu, or q to quit.';
  if (result.banner === undefined) {
    return (
      <Box flexDirection="column">
        <Styled tone="ok" bold>
          {dryRun ? '✓ Dry run finished: the plan above is what a real run would do.' : '✓ Finished: the summary above says where everything is.'}
        </Styled>
        {next && <Styled tone="muted">{next}</Styled>}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Box flexDirection="column" borderStyle="round" paddingX={1} {...(color ? { borderColor: 'red' } : {})}>
        <Prose text={`✗ ${result.banner.title}`} inset={4} tone="bad" bold />
        {result.banner.lines.map((l, i) => (
          <Prose key={i} text={l} inset={4} />
        ))}
      </Box>
      {next && <Styled tone="muted">{next}</Styled>}
    </Box>
  );
}
