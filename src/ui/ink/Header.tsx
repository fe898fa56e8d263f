// The top of the live area: which flow, and where in it we are.
import { Box, Text } from 'ink';
import { Fragment } from 'react';
import { Styled } from './Styled.js';
import { PHASES, type Phase } from './use-wizard-state.js';

export function Header({ title, phase, stopped, dryRun }: { readonly title: string; readonly phase: Phase; readonly stopped: boolean; readonly dryRun: boolean }) {
  const at = PHASES.indexOf(phase);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Styled bold tone="accent">
        {title}
      </Styled>
      <Text>
        {PHASES.map((p, i) => (
          <Fragment key={p}>
            {i > 0 && <Styled tone="muted">{'  '}</Styled>}
            {dryRun && (p === 'applying' || p === 'verify') ? (
              <Styled tone="muted">{`- ${p} (dry run)`}</Styled>
            ) : i < at || (i === at && p === 'summary' && !stopped) ? (
              <Styled tone="ok">{`✓ ${p}`}</Styled>
            ) : i === at ? (
              <Styled bold tone={stopped ? 'bad' : 'plain'}>{`${stopped ? '✗' : '▸'} ${p}`}</Styled>
            ) : (
              <Styled tone="muted">{`· ${p}`}</Styled>
            )}
          </Fragment>
        ))}
      </Text>
    </Box>
  );
}
