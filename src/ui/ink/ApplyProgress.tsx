// The running action and the last few lines of its output: never the whole log, however long
// (the full output is in the run's log file, named here).
import { Box, Text, useStdout } from 'ink';
import { progressBar, thousands } from '../text/format.js';
import { Styled } from './Styled.js';
import { useElapsedSeconds } from './use-elapsed.js';
import type { ApplyState } from './use-wizard-state.js';

export function ApplyProgress({ apply }: { readonly apply: ApplyState }) {
  const { current, log } = apply;
  const seconds = useElapsedSeconds(current);
  const { progress } = apply;
  // No more characters than the terminal has columns: Ink measures and truncates each one, and
  // a line of a command's output may be thousands long (a 10 MiB line arrives in 8 KiB pieces).
  const width = useStdout().stdout.columns || 120;
  return (
    <Box flexDirection="column">
      {progress && (
        <Text>
          <Styled tone="accent">{progressBar(progress.done, progress.total)}</Styled>
          <Styled bold>{` ${progress.done}/${progress.total} ${progress.label}`}</Styled>
        </Text>
      )}
      {current ? (
        <Text>
          <Styled tone="accent">▸ </Styled>
          <Styled bold>{`[${current.index + 1}/${current.total}] ${current.title}…`}</Styled>
          {seconds >= 2 && <Styled tone="muted">{` ${seconds} s`}</Styled>}
        </Text>
      ) : (
        <Styled tone="muted">Working…</Styled>
      )}
      {current &&
        log.lines.map((line, i) => (
          <Text key={i} wrap="truncate-end">
            <Styled tone="muted">{'  │ '}</Styled>
            {line.slice(0, width)}
          </Text>
        ))}
      <Styled tone="muted">{`${thousands(log.count)} line${log.count === 1 ? '' : 's'} of output so far`}</Styled>
      {apply.logFile && <Styled tone="muted">{`Full output: ${apply.logFile}`}</Styled>}
    </Box>
  );
}
