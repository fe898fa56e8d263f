// The plan before anything runs: every command as it will run, every file change as a diff. A
// long plan shows one line per action, its details folded until the operator asks (d).
import { Box, Text, useStdout } from 'ink';
import type { ActionPreview } from '../../core/describe.js';
import { expandTabs, foldsDetails, planOutline, wrapDiffLine } from '../text/format.js';
import { Styled, type Tone } from './Styled.js';

function diffTone(line: string): Tone {
  if (line.startsWith('+++') || line.startsWith('---')) return 'strong';
  if (line.startsWith('+')) return 'ok';
  if (line.startsWith('-')) return 'bad';
  if (line.startsWith('@@')) return 'accent';
  return 'plain';
}

function PlanAction({ action, width }: { readonly action: ActionPreview; readonly width: number }) {
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
        {/* Cut here, each piece with its +/- marker: Ink's own wrapping would drop it. */}
        {action.diff?.split('\n').flatMap((l, i) =>
          wrapDiffLine(l, width).map((piece, k) => (
            <Text key={`${i}.${k}`} wrap="truncate-end">
              <Styled tone={diffTone(l)}>{piece.length > 0 ? piece : ' '}</Styled>
            </Text>
          )),
        )}
      </Box>
    </Box>
  );
}

export function PlanPreview({ actions, full = false }: { readonly actions: readonly ActionPreview[]; readonly full?: boolean }) {
  const { stdout } = useStdout();
  const width = Math.max(40, (stdout.columns || 100) - 4);
  const heading = `The plan: ${actions.length} action${actions.length === 1 ? '' : 's'}. Nothing has changed yet.`;
  if (!full && foldsDetails(actions)) {
    return (
      <Box flexDirection="column" marginTop={1}>
        <Styled bold>{heading}</Styled>
        {planOutline(actions).map((l, i) => (
          <Text key={i} wrap="truncate-end">{l}</Text>
        ))}
        <Styled tone="muted">Details folded: press d at "Apply this plan?" for every command and file change.</Styled>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" marginTop={1}>
      <Styled bold>{full && foldsDetails(actions) ? 'The plan in full:' : heading}</Styled>
      {actions.map((a) => (
        <PlanAction key={a.index} action={a} width={width} />
      ))}
    </Box>
  );
}
