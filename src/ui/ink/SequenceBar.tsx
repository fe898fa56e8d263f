// Where a run of several steps stands (onboard): its title, which part of how many, and each
// part with its mark. A part is one or more stages (the certificate: the choice, then the way
// chosen); the stages skipped inside it are in the transcript, not here.
import { Box, Text } from 'ink';
import { Fragment } from 'react';
import type { StageStatus, StageSummary } from '../../core/sequence.js';
import { Styled, type Tone } from './Styled.js';

const MARK: Record<StageStatus, [string, Tone]> = {
  running: ['▸', 'accent'],
  done: ['✓', 'ok'],
  previewed: ['✓', 'muted'],
  skipped: ['-', 'muted'],
  declined: ['-', 'warn'],
  failed: ['✗', 'bad'],
  'not-run': ['·', 'muted'],
};

export interface PartView {
  readonly title: string;
  readonly status: StageStatus;
}

/** Stages folded into parts, in order; a part's status is the most telling of its stages'. */
export function partsOf(stages: readonly StageSummary[]): PartView[] {
  const order: StageStatus[] = ['failed', 'running', 'declined', 'not-run', 'previewed', 'done', 'skipped'];
  const parts = new Map<string, StageStatus[]>();
  // part "" is the sequence's own opening question (which parts?): not a part of its own.
  for (const s of stages) if (s.part !== '') parts.set(s.part ?? s.title, [...(parts.get(s.part ?? s.title) ?? []), s.status]);
  return [...parts].map(([title, statuses]) => {
    const ran: StageStatus[] = statuses.filter((st) => st !== 'skipped');
    // A part whose stages all ran or were skipped is done; one still waiting shows as waiting.
    if (ran.length === 0) return { title, status: statuses.includes('not-run') ? 'not-run' : 'skipped' };
    const worst = order.find((st) => ran.includes(st)) ?? 'done';
    return { title, status: worst === 'not-run' && ran.some((st) => st === 'done') ? 'running' : worst };
  });
}

export function SequenceBar({ title, stages }: { readonly title: string; readonly stages: readonly StageSummary[] }) {
  // Parts left out (not chosen, or not the way chosen) are in the transcript, not the bar.
  const parts = partsOf(stages).filter((p) => p.status !== 'skipped');
  // One part (the firewall, then keeping its rules): the step header says it all.
  if (parts.length < 2) return null;
  const at = parts.findIndex((p) => p.status === 'running');
  const position = at < 0 ? '' : ` · part ${at + 1} of ${parts.length}`;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Styled tone="muted">{`${title}${position}`}</Styled>
      <Text wrap="wrap">
        {parts.map((p, i) => {
          const [mark, tone] = MARK[p.status];
          return (
            <Fragment key={p.title}>
              {i > 0 && <Styled tone="muted">{'  '}</Styled>}
              <Styled tone={tone} bold={p.status === 'running'}>{`${mark} ${p.title}`}</Styled>
            </Fragment>
          );
        })}
      </Text>
    </Box>
  );
}
