// What has happened so far, printed once above the live area and left in the terminal's
// scrollback: answers, notes, the plan, each finished action, the checks and the summary.
import { Box, Static, Text } from 'ink';
import { PlanPreview } from './PlanPreview.js';
import { Prose } from './Prose.js';
import { stageLine } from '../text/format.js';
import { tableLines } from '../../core/table-text.js';
import { Styled } from './Styled.js';
import type { TranscriptItem } from './use-wizard-state.js';

const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function Entry({ item }: { readonly item: TranscriptItem }) {
  switch (item.kind) {
    case 'heading':
      return <Styled bold>{`== ${item.title} ==`}</Styled>;
    case 'answer':
      return (
        <Text>
          <Styled tone="ok">✓</Styled> {item.message.replace(/[?:]\s*$/, '')}: <Styled bold>{item.text}</Styled>
        </Text>
      );
    case 'note':
      return <Prose text={`${item.level === 'warning' ? 'Warning' : 'Note'}: ${item.message}`} tone={item.level === 'warning' ? 'warn' : 'plain'} />;
    case 'table':
      return (
        <Box flexDirection="column" marginTop={1}>
          <Styled bold>{`${item.title}:`}</Styled>
          {tableLines(item, Math.max(60, (process.stdout.columns || 100) - 4)).map((l, i) => (
            <Text key={i} wrap="truncate-end">{`  ${l}`}</Text>
          ))}
        </Box>
      );
    case 'plan':
      return <PlanPreview actions={item.actions} full={item.full === true} />;
    case 'action':
      if (item.outcome === 'failed') {
        return (
          <Text>
            <Styled tone="bad">✗</Styled> {item.title}: {item.message}
          </Text>
        );
      }
      return (
        <Text>
          {item.outcome === 'done' ? <Styled tone="ok">✓</Styled> : <Styled tone="warn">-</Styled>} {item.title}{' '}
          <Styled tone="muted">
            {item.outcome === 'done' ? `(${duration(item.ms ?? 0)})` : item.outcome === 'skipped' ? '(skipped)' : '(done in an earlier attempt)'}
          </Styled>
        </Text>
      );
    case 'checks':
      return (
        <Box flexDirection="column" marginTop={1}>
          <Styled bold>Verification:</Styled>
          {item.checks.map((c, i) => (
            <Box key={i} paddingLeft={2}>
              <Box width={2} flexShrink={0}>
                {c.ok ? <Styled tone="ok">✓</Styled> : <Styled tone="bad">✗</Styled>}
              </Box>
              <Prose text={`${c.name} — ${c.evidence}`} inset={4} />
            </Box>
          ))}
        </Box>
      );
    case 'stage':
      return <Prose text={stageLine(item.stage)} inset={2} tone="muted" />;
    case 'stages':
      return (
        <Box flexDirection="column" marginTop={1}>
          <Styled bold>{`${item.title}: what was done`}</Styled>
          {item.stages.map((s, i) => (
            <Box key={i} paddingLeft={2}>
              <Prose text={stageLine(s)} inset={4} tone={s.status === 'failed' ? 'bad' : s.status === 'done' ? 'plain' : 'muted'} />
            </Box>
          ))}
          {item.next !== undefined && <Prose text={`To go on: ${item.next}`} />}
        </Box>
      );
    case 'summary':
      return (
        <Box flexDirection="column" marginTop={1}>
          <Styled bold tone="ok">
            {item.dryRun ? 'Dry run finished.' : 'Done.'}
          </Styled>
          <Box flexDirection="column" paddingLeft={2}>
            {item.lines.map((l, i) => (
              <Prose key={i} text={l} inset={2} />
            ))}
          </Box>
        </Box>
      );
  }
}

export function Transcript({ items }: { readonly items: readonly TranscriptItem[] }) {
  return <Static items={[...items]}>{(item) => <Entry key={item.id} item={item} />}</Static>;
}
