// The checklist as text: --plain's list, and --report's Markdown and self-contained HTML (every
// id, status, evidence and fix; no script, no external style or font).
import { summarize, type AuditItem, type CheckGroup } from '../../core/checks.js';
import { palette, type Palette } from './colors.js';

const MARK = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' } as const;

export const summaryText = (items: readonly AuditItem[]): string => {
  const s = summarize(items);
  return `${s.pass} pass, ${s.warn} warn, ${s.fail} fail, ${s.skip} skip`;
};

const groupTitle = (groups: readonly CheckGroup[], id: string): string => groups.find((g) => g.prefix === id.split('.')[0])?.title ?? id.split('.')[0]!;

function byGroup(items: readonly AuditItem[]): Map<string, AuditItem[]> {
  const out = new Map<string, AuditItem[]>();
  for (const i of items) {
    const g = i.id.split('.')[0]!;
    out.set(g, [...(out.get(g) ?? []), i]);
  }
  return out;
}

export function plainChecklist(items: readonly AuditItem[], groups: readonly CheckGroup[], c: Palette = palette(false)): string[] {
  const colour = { pass: c.green, warn: c.yellow, fail: c.red, skip: c.dim } as const;
  const lines: string[] = [];
  for (const [g, list] of byGroup(items)) {
    lines.push(c.bold(groupTitle(groups, g)));
    for (const i of list) {
      lines.push(`  ${colour[i.status](MARK[i.status])}  ${i.id}  ${i.title}`);
      lines.push(`        ${c.dim('evidence:')} ${i.evidence}`);
      if (i.status === 'skip') lines.push(`        ${c.dim('skipped:')} ${i.reason ?? ''}`);
      if (i.status === 'fail' || i.status === 'warn') lines.push(`        ${c.dim('fix:')} ${i.fix}`);
    }
    lines.push('');
  }
  lines.push(`Checklist: ${summaryText(items)}.${items.some((i) => i.status === 'fail') ? ' Exit 1: something fails.' : ''}`);
  return lines;
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownReport(items: readonly AuditItem[], groups: readonly CheckGroup[], meta: { readonly root: string; readonly at: string }): string {
  const lines = [`# lockstep check — ${meta.at}`, '', `Root: \`${meta.root}\`. ${summaryText(items)}.`, ''];
  for (const [g, list] of byGroup(items)) {
    lines.push(`## ${groupTitle(groups, g)}`, '', '| status | id | check | evidence | fix | seed |', '| --- | --- | --- | --- | --- | --- |');
    for (const i of list) lines.push(`| ${MARK[i.status]} | \`${i.id}\` | ${mdCell(i.title)} | ${mdCell(i.evidence + (i.reason !== undefined ? ` (skipped: ${i.reason})` : ''))} | ${mdCell(i.fix)} | ${mdCell(`${i.seed.file}: “${i.seed.sentence}”`)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function htmlReport(items: readonly AuditItem[], groups: readonly CheckGroup[], meta: { readonly root: string; readonly at: string }): string {
  const s = summarize(items);
  const rows = [...byGroup(items)].map(([g, list]) => [
    `<h2>${esc(groupTitle(groups, g))}</h2>`,
    '<table><thead><tr><th>status</th><th>id</th><th>check</th><th>evidence</th><th>fix</th><th>seed</th></tr></thead><tbody>',
    ...list.map((i) => `<tr class="${i.status}" id="${esc(i.id)}"><td class="st">${MARK[i.status]}</td><td><code>${esc(i.id)}</code></td><td>${esc(i.title)}</td><td>${esc(i.evidence)}${i.reason !== undefined ? `<br><em>skipped: ${esc(i.reason)}</em>` : ''}</td><td>${esc(i.fix)}</td><td>${esc(i.seed.file)}: “${esc(i.seed.sentence)}”</td></tr>`),
    '</tbody></table>',
  ].join('\n'));
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>lockstep check — ${esc(meta.at)}</title>`,
    '<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%;margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}th{background:#f3f3f3}code{font-size:90%}.st{font-weight:bold}.pass .st{color:#176c1b}.warn .st{color:#8a5a00}.fail .st{color:#b00020}.skip .st{color:#666}.sum span{margin-right:1em;font-weight:bold}</style>',
    '</head><body>',
    `<h1>lockstep check</h1><p>Root <code>${esc(meta.root)}</code>, ${esc(meta.at)}.</p>`,
    `<p class="sum"><span class="pass">${s.pass} pass</span><span class="warn">${s.warn} warn</span><span class="fail">${s.fail} fail</span><span class="skip">${s.skip} skip</span></p>`,
    ...rows,
    '</body></html>',
    '',
  ].join('\n');
}
