// The live area during a run: where we are, then whatever is waiting on the operator or running.
import { Box, Text } from 'ink';
import { ApplyProgress } from './ApplyProgress.js';
import { Countdown } from './Countdown.js';
import { FailurePrompt } from './FailurePrompt.js';
import { Header } from './Header.js';
import { foldsDetails } from '../text/format.js';
import { Prose } from './Prose.js';
import { QuestionPrompt } from './QuestionPrompt.js';
import { ResultView } from './ResultView.js';
import { SequenceBar } from './SequenceBar.js';
import { Styled } from './Styled.js';
import type { WizardState } from './use-wizard-state.js';

function Body({ state }: { readonly state: WizardState }) {
  const { prompt, apply, result } = state;
  if (result) return <ResultView result={result} exiting={state.exitWhenDone} dryRun={state.dryRun === true} />;
  if (state.interrupted) return <Styled tone="warn">Stopping… (press Ctrl+C again to leave at once)</Styled>;
  if (prompt?.prompt.kind === 'question') return <QuestionPrompt state={prompt} question={prompt.prompt.question} ctx={prompt.prompt.ctx} />;
  if (prompt?.prompt.kind === 'failure') return <FailurePrompt prompt={prompt.prompt} focus={prompt.focus} />;
  if (prompt?.prompt.kind === 'confirm-apply') {
    return (
      <Box flexDirection="column">
        {state.recap !== undefined && (
          <Box flexDirection="column" marginBottom={1}>
            <Styled bold>In short:</Styled>
            {state.recap.map((l, i) => (
              <Box key={i} paddingLeft={2}>
                <Prose text={l} inset={2} />
              </Box>
            ))}
          </Box>
        )}
        <Text>
          <Styled tone="accent">? </Styled>
          <Styled bold>Apply this plan?</Styled>
          <Styled tone="muted"> (y/N)</Styled>
        </Text>
        <Prose
          text={
            state.plan !== undefined && foldsDetails(state.plan.actions) && !state.plan.unfolded
              ? 'The plan above lists its actions; d shows every command and file change. y applies it; n or Enter stops here, changing nothing.'
              : 'The plan above lists every command and file change. y applies it; n or Enter stops here, changing nothing.'
          }
          tone="muted"
        />
      </Box>
    );
  }
  if (apply) return <ApplyProgress apply={apply} />;
  return <Styled tone="muted">Working…</Styled>;
}

function footer(state: WizardState): string | undefined {
  if (state.result || state.interrupted) return undefined;
  if (state.apply) return 'Ctrl+C stops the run; "lockstep resume" can continue it later.';
  return 'Ctrl+C stops here, before anything is changed.';
}

export function RunScreen({ state }: { readonly state: WizardState }) {
  const hint = footer(state);
  return (
    <Box flexDirection="column">
      {state.sequence && <SequenceBar title={state.sequence.title} stages={state.sequence.stages} />}
      <Header title={state.title} phase={state.phase} stopped={state.result !== undefined && !state.result.ok} dryRun={state.dryRun === true} />
      <Box flexDirection="column" marginTop={1}>
        <Body state={state} />
      </Box>
      {state.deadline && (
        <Box marginTop={1}>
          <Countdown label={state.deadline.label} at={state.deadline.at} />
        </Box>
      )}
      {hint && (
        <Box marginTop={1}>
          <Prose text={hint} tone="muted" />
        </Box>
      )}
    </Box>
  );
}
