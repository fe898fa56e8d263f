// Reads renew's tables back from its text output: the first ("Certificates:", what will happen)
// or the closing one ("Renewal:", what was done). Cells are cut at the header's column starts;
// the last column's wrapped lines are joined with a space.
export interface Row {
  readonly certificate: string;
  readonly kind: string;
  readonly days: string;
  readonly due: string;
  readonly what: string;
}

export function tables(stdout: string, title: 'Certificates' | 'Renewal'): Row[][] {
  const lines = stdout.split('\n');
  const out: Row[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== `${title}:`) continue;
    const header = lines[i + 1] ?? '';
    const starts = ['certificate', 'kind', 'days left', 'due', 'what '].map((w) => header.indexOf(w));
    const rows: string[][] = [];
    for (let j = i + 2; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (!line.startsWith('  ') || line.trim() === '') break;
      if (line.slice(0, starts[4]).trim() === '' && rows.length > 0) {
        const last = rows[rows.length - 1]!;
        last[4] = `${last[4]} ${line.trim()}`;
        continue;
      }
      rows.push(starts.map((s, k) => line.slice(s, k < 4 ? starts[k + 1] : undefined).trim()));
    }
    out.push(rows.map(([certificate = '', kind = '', days = '', due = '', what = '']) => ({ certificate, kind, days, due, what })));
  }
  return out;
}

/** The row of `name` in the first table titled `title`. */
export function row(stdout: string, name: string, title: 'Certificates' | 'Renewal' = 'Certificates'): Row {
  const found = tables(stdout, title)[0]?.find((r) => r.certificate === name);
  if (found === undefined) throw new Error(`no row for ${name} in the "${title}" table of:\n${stdout}`);
  return found;
}
