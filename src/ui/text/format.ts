// Events as lines of text: the plain mode, the non-interactive mode and --log all read this.
import type { ActionPreview } from '../../core/describe.js';
import type { LockstepEvent } from '../../core/events.js';
import type { StageStatus, StageSummary } from '../../core/sequence.js';
import { colorDiffLine, palette, type Palette } from './colors.js';
import { tableLines } from '../../core/table-text.js';

/** A plan longer than this gets its one-line-per-action list first (folded to that in the TUI). */
export const LONG_PLAN = 8;

/**
 * A diff line cut to `width` columns, each piece starting with the line's own marker (+, - or a
 * space): a wrapped added line still reads as added. Tabs count as the terminal shows them.
 */
export function wrapDiffLine(line: string, width: number | undefined): string[] {
  const text = expandTabs(line);
  if (width === undefined || width < 20 || text.length <= width || line.startsWith('@@') || line.startsWith('+++') || line.startsWith('---')) return [text];
  const marker = /^[+\- ]/.test(text) ? text[0]! : '';
  const body = text.slice(marker.length);
  const room = width - marker.length;
  const out: string[] = [];
  for (let i = 0; i < body.length; i += room) out.push(`${marker}${body.slice(i, i + room)}`);
  return out;
}

/** Tabs as spaces to the next multiple of 8, so a line is measured as the terminal shows it. */
export function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

/** Whether the TUI folds the plan's details (until d). */
export const foldsDetails = (actions: readonly ActionPreview[]): boolean => actions.length > LONG_PLAN;

/** One line per action: what the plan does, before how. */
export function planOutline(actions: readonly ActionPreview[]): string[] {
  return actions.map((a) => `${a.index + 1}. ${a.title}`);
}

export function previewLines(actions: readonly ActionPreview[], c: Palette = palette(false), width?: number): string[] {
  const out: string[] = [c.bold(`The plan (${actions.length} actions; nothing has changed yet):`)];
  if (actions.length > LONG_PLAN) out.push(...planOutline(actions).map((l) => `  ${l}`), c.bold('Each action in full:'));
  const room = width === undefined ? undefined : width - 5;
  for (const a of actions) {
    out.push(`  ${a.index + 1}. ${a.title}`);
    if (a.command !== undefined) out.push(`     $ ${a.command}`);
    for (const d of a.details) out.push(c.dim(`     ${d}`));
    if (a.diff !== undefined) out.push(...a.diff.split('\n').flatMap((l) => wrapDiffLine(l, room)).map((l) => `     ${colorDiffLine(l, c)}`));
  }
  return out;
}

/** HH:MM:SS UTC: a stale screen or log still says when. */
export const clock = (at: number): string => `${new Date(at).toISOString().slice(11, 19)} UTC`;

const STAGE_MARK: Record<StageStatus, string> = { running: '▸', done: '✓', previewed: '✓', skipped: '-', declined: '-', failed: '✗', 'not-run': '·' };
const STAGE_WORD: Record<StageStatus, string> = { running: 'running', done: 'done', previewed: 'previewed (dry run)', skipped: 'skipped', declined: 'not applied', failed: 'failed', 'not-run': 'not run' };

export function stageLine(s: StageSummary, c: Palette = palette(false)): string {
  const mark = s.status === 'failed' ? c.red(STAGE_MARK[s.status]) : s.status === 'done' ? c.green(STAGE_MARK[s.status]) : STAGE_MARK[s.status];
  return `${mark} ${s.title}${s.status === 'done' ? '' : `: ${STAGE_WORD[s.status]}`}${s.reason !== undefined ? ` (${s.reason})` : ''}`;
}

/** `width`: the terminal's columns, when there is one (diff lines are then wrapped with their marker). */
export function eventLines(event: LockstepEvent, c: Palette = palette(false), width?: number): string[] {
  switch (event.type) {
    case 'sequence-start':
      return [c.bold(`${event.title}: up to ${event.stages.length} step${event.stages.length === 1 ? "" : "s"}, one at a time.`)];
    case 'stage':
      // A running stage announces itself (step-start), a finished one its summary.
      if (event.status === 'failed') return [c.red(stageLine(event, c))];
      return event.status === 'skipped' || event.status === 'declined' ? [c.dim(stageLine(event, c))] : [];
    case 'sequence-done':
      return [c.bold(`${event.title}: what was done`), ...event.stages.map((s) => `  ${stageLine(s, c)}`), ...(event.next !== undefined ? [`To go on: ${event.next}`] : [])];
    case 'step-start':
      return [c.bold(`== ${event.title} ==`)];
    case 'info':
      return [`note: ${event.message}`];
    case 'table':
      return [c.bold(`${event.title}:`), ...tableLines(event).map((l) => `  ${l}`)];
    case 'warning':
      return [c.yellow(`warning: ${event.message}`)];
    case 'plan':
      return [...previewLines(event.actions, c, width), ...(event.recap !== undefined ? [c.bold('In short:'), ...event.recap.map((l) => `  ${l}`)] : [])];
    case 'apply-start':
      return [`Applying (run ${event.run}${event.logFile ? `, full log in ${event.logFile}` : ''})`];
    case 'action-start':
      return [`[${event.index + 1}/${event.total}] ${event.title}…`];
    case 'progress':
      return [`${progressBar(event.done, event.total)} ${event.done}/${event.total} ${event.label}`];
    case 'output':
      return event.text.split('\n').map((line) => c.dim(`      ${line}`));
    case 'action-done':
      return [
        event.outcome === 'done'
          ? `${c.green('✓')} ${event.title} (${(event.ms / 1000).toFixed(1)} s)`
          : `${c.yellow('-')} ${event.title} (${event.outcome === 'skipped' ? 'skipped' : 'done in an earlier attempt'})`,
      ];
    case 'action-failed':
      return [`${c.red('✗')} ${event.title}: ${event.message}`];
    case 'deadline-ended':
      return [`⏱ ${event.message}`];
    case 'deadline':
      return [c.yellow(`⏱ ${event.label}: in ${Math.max(0, Math.round((event.at - Date.now()) / 1000))} s, at ${clock(event.at)}`)];
    case 'verify':
      return ['Verification:', ...event.checks.map((k) => `  ${k.ok ? c.green('✓') : c.red('✗')} ${k.name} — ${k.evidence}`)];
    case 'step-done':
      return [c.bold(event.dryRun ? 'Dry run finished.' : 'Done.'), ...event.summary.map((s) => `  ${s}`)];
    case 'step-failed':
      return [c.red(`Failed: ${event.message}`)];
  }
}

/**
 * A count with thousands separators, 1234567 → "1,234,567": by hand, because the first
 * toLocaleString loads ICU's locale data (~30 ms) in the middle of a running action.
 */
export function thousands(n: number): string {
  const digits = String(Math.trunc(Math.abs(n)));
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** A bar of `width` cells for done of total: [#######-------]. */
export function progressBar(done: number, total: number, width = 20): string {
  const full = total <= 0 ? width : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}
