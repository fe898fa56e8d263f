// One question at a time: the question, why it matters, the input for its kind, what was wrong
// with the last answer, and how to answer.
import { Box, Text } from 'ink';
import type { AskContext } from '../../core/prompter.js';
import { helpOf, type Question } from '../../core/questions.js';
import { showValue } from './answer-check.js';
import { ChoiceList } from './ChoiceList.js';
import { LineInput } from './LineInput.js';
import { Prose } from './Prose.js';
import { Styled } from './Styled.js';
import type { PromptState } from './use-wizard-state.js';

function howToAnswer(q: Question, ctx: AskContext, again: boolean): string {
  const d = ctx.defaultValue;
  // An empty default ("none") is said as such, not as "Enter keeps ."
  const keep = d === undefined ? '' : showValue(d) === '' ? ' Enter leaves it empty.' : ` Enter keeps ${showValue(d)}.`;
  switch (q.kind) {
    case 'text':
      return keep.trim();
    case 'path':
      return `A full path, starting with /.${keep}`;
    case 'hostname':
      return q.multiple ? `One or more DNS names (like www.example.org), separated by commas.${keep}` : `A DNS name, like www.example.org.${keep}`;
    case 'cidrs':
      return `Addresses or ranges like 192.0.2.0/24, separated by commas.${keep}`;
    case 'integer':
      return `A whole number from ${q.min} to ${q.max}${q.unit ? ` ${q.unit}` : ''}.${keep}`;
    case 'secret':
      if (again) return 'Type the same again, to rule out a typing mistake.';
      return `What you type is not shown.${q.optional ? ' Press Enter without typing anything for none.' : ''}`;
    case 'confirm':
      return `Press y for yes or n for no${typeof d === 'boolean' ? `; Enter means ${d ? 'yes' : 'no'}` : ''}.`;
    case 'select':
      return '↑/↓ to move, Enter to choose.';
    case 'multiselect':
      return '↑/↓ to move, Space to tick or untick, Enter when done.';
  }
}

function yesNo(d: unknown): string {
  return d === true ? ' (Y/n)' : d === false ? ' (y/N)' : ' (y/n)';
}

export function QuestionPrompt({ state, question: q, ctx }: { readonly state: PromptState; readonly question: Question; readonly ctx: AskContext }) {
  const again = q.kind === 'secret' && state.firstSecret !== undefined;
  const message = again ? `${q.message.replace(/\s*\([^)]*\)\s*$/, '')}, once more to be sure` : q.message;
  const hint = howToAnswer(q, ctx, again);
  const help = helpOf(q, ctx.answers);
  return (
    <Box flexDirection="column">
      <Text>
        <Styled tone="accent">? </Styled>
        <Styled bold>{message}</Styled>
        {q.kind === 'confirm' && <Styled tone="muted">{yesNo(ctx.defaultValue)}</Styled>}
      </Text>
      {help !== undefined && !again && (
        <Box paddingLeft={2}>
          <Prose text={help} inset={2} tone="muted" />
        </Box>
      )}
      <Box flexDirection="column" marginTop={1}>
        {q.kind === 'select' || q.kind === 'multiselect' ? (
          <ChoiceList
            entries={q.choices}
            focus={state.focus}
            {...(q.kind === 'multiselect' ? { checked: state.checked } : {})}
          />
        ) : q.kind === 'confirm' ? null : (
          <LineInput line={state.line} mask={q.kind === 'secret'} {...(q.kind !== 'secret' && ctx.defaultValue !== undefined ? { placeholder: showValue(ctx.defaultValue) } : {})} />
        )}
        {state.error !== undefined && <Prose text={`✗ ${state.error}`} tone="bad" />}
        {hint !== '' && <Prose text={hint} tone="muted" />}
      </Box>
    </Box>
  );
}
