// The home menu as lines of styled text, for `columns` columns: what HomeMenu draws through Ink,
// and what the first frame writes straight to the terminal before Ink is loaded (homeFrame, from
// cli/early-home.ts), so that both show the same screen. No React and no Ink in this file.
import type { HomeItem } from './home-items.js';
import { palette } from '../text/colors.js';
import { TONE_COLORS, type Tone } from './tones.js';
import { wrapWords } from './wrap-words.js';

export interface Segment {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
}

/** One line of the screen; an empty one is a blank line. */
export type Line = readonly Segment[];

/** Columns the focused entry's description is indented by. */
const INSET = 4;

function label(item: HomeItem): { title: string; description: string } {
  switch (item.kind) {
    case 'flow':
      return { title: item.flow.title, description: item.flow.description };
    case 'resume':
      return {
        title: 'Resume an interrupted run',
        description: `"${item.offer.command}" (run ${item.offer.run}) stopped after ${item.offer.done} of ${item.offer.total} actions; continue it without repeating them.`,
      };
    case 'quit':
      return { title: 'Quit', description: '' };
  }
}

export function homeLines(items: readonly HomeItem[], focus: number, columns: number): Line[] {
  const lines: Line[] = [
    [],
    [{ text: 'lockstep: what would you like to do?', tone: 'accent', bold: true }],
    [{ text: 'Nothing changes on this server before you have seen the plan and said yes.', tone: 'muted' }],
    [],
  ];
  items.forEach((item, i) => {
    const { title, description } = label(item);
    const focused = i === focus;
    const group = item.kind === 'flow' ? item.flow.group : undefined;
    const previous = items[i - 1];
    const grouped = previous?.kind === 'flow' && previous.flow.group !== undefined;
    if (group !== undefined && (previous?.kind !== 'flow' || previous.flow.group !== group)) lines.push([], [{ text: group, tone: 'muted' }]);
    // After the groups, the resume offer and Quit stand apart again.
    if (item.kind !== 'flow' && grouped) lines.push([]);
    lines.push([{ text: focused ? '❯ ' : '  ', tone: 'accent' }, { text: title, ...(focused ? { bold: true } : {}) }]);
    // Only the focused entry's description: the menu stays short as flows are added.
    if (focused && description !== '') {
      for (const line of wrapWords(description, Math.max(20, columns - INSET))) lines.push([{ text: ' '.repeat(INSET) }, { text: line, tone: 'muted' }]);
    }
  });
  lines.push([], [{ text: '↑/↓ or j/k to move · Enter to choose · q to quit', tone: 'muted' }]);
  return lines;
}

/** The columns `line` takes (every character of the menu is one column wide). */
export function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + [...s.text].length, 0);
}

const colors = palette(true);

/**
 * The lines as the terminal gets them from Ink with colour on: Styled's tones (tones.ts), each
 * line's trailing spaces dropped, as Ink drops them.
 */
export function homeFrame(lines: readonly Line[]): string {
  const styled = (s: Segment): string => {
    if (s.text.trim() === '') return s.text; // a style on spaces shows nothing
    const color = s.tone !== undefined ? TONE_COLORS[s.tone] : undefined;
    let text = color !== undefined ? colors[color](s.text) : s.text;
    if (s.tone === 'muted') text = colors.dim(text);
    if (s.tone === 'strong' || s.bold === true) text = colors.bold(text);
    return text;
  };
  return lines.map((line) => line.map(styled).join('').trimEnd()).join('\n');
}
