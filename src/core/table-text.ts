// A table as lines of text, for every front end alike: columns padded to their widest cell, the
// last column wrapped to the width left (its continuation lines indented under it), so a long
// "what happens" stays readable in an 80-column terminal, a mail and a log.
import type { Table } from './events.js';

function wrap(text: string, width: number): string[] {
  if (width < 20 || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Each column its share of the width, every cell wrapped in it; a blank line between rows. */
function sideBySide(t: Pick<Table, 'columns' | 'rows'>, width: number): string[] {
  const n = t.columns.length;
  const first = Math.max(...[t.columns[0] ?? '', ...t.rows.map((r) => r[0] ?? '')].map((c) => c.length));
  const share = Math.max(20, Math.floor((width - first - 2 * (n - 1)) / Math.max(1, n - 1)));
  const widths = [first, ...Array.from({ length: n - 1 }, () => share)];
  const row = (cells: readonly string[]): string[] => {
    const wrapped = widths.map((w, i) => (i === 0 ? [cells[0] ?? ''] : wrap(cells[i] ?? '', w)));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) => wrapped.map((w, i) => (w[k] ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd());
  };
  return [...row(t.columns), ...t.rows.flatMap((r, i) => [...(i > 0 ? [''] : []), ...row(r)])];
}

export function tableLines(t: Pick<Table, 'columns' | 'rows' | 'wrapAll'>, width = 100): string[] {
  if (t.wrapAll === true) return sideBySide(t, width);
  const n = t.columns.length;
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (i < n - 1 ? (r[i] ?? '').length : 0))));
  const lead = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  const row = (cells: readonly string[]): string[] => {
    const head = cells.slice(0, -1).map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
    const [first = '', ...more] = wrap(cells[n - 1] ?? '', width - lead);
    return [`${head}${n > 1 ? '  ' : ''}${first}`.trimEnd(), ...more.map((m) => `${' '.repeat(lead)}${m}`)];
  };
  return [...row(t.columns), ...t.rows.flatMap(row)];
}
