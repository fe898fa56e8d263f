// The reviewers' "what repositories, with which pinning and which signature checking": the
// target's sources (one-line and deb822), its preferences, and a warning for every source apt
// accepts without checking its signature. Shown before the upgrade and written into the log.
import { readPreferences, type PreferencesReport } from '../apt/preferences.js';
import { readSources, type AptSource, type SourcesReport } from '../apt/sources.js';
import type { System } from '../core/system.js';

export interface RepoReport {
  readonly sources: SourcesReport;
  readonly preferences: PreferencesReport;
}

export async function readRepoReport(sys: System): Promise<RepoReport> {
  return { sources: await readSources(sys), preferences: await readPreferences(sys) };
}

function signing(s: AptSource): string {
  if (s.trusted) return 'trusted=yes: NOT CHECKED (apt accepts it unsigned)';
  switch (s.signedBy?.kind) {
    case 'keyring':
      return `signed-by ${s.signedBy.paths.join(', ')}`;
    case 'fingerprint':
      return `signed-by key ${s.signedBy.ids.join(', ')}`;
    case 'inline':
      return 'signed-by a key written in the entry';
    default:
      return 'any key in /etc/apt/trusted.gpg(.d) (no signed-by)';
  }
}

/** Sources apt takes without a signature check: said as warnings. */
export function repoWarnings(r: RepoReport): string[] {
  return [
    ...r.sources.sources.filter((s) => s.enabled && s.trusted).map((s) => `${s.file}:${s.line} ${s.uris.join(' ')} is marked trusted=yes: apt installs from it without checking any signature.`),
    ...r.sources.problems,
    ...r.preferences.problems,
  ];
}

export function repoReportLines(r: RepoReport): string[] {
  const lines = ['Repositories (sources, signature checking):'];
  for (const s of r.sources.sources) {
    lines.push(`  ${s.enabled ? '' : '(disabled) '}${s.types.join(',')} ${s.uris.join(' ')} ${s.suites.join(' ')}${s.components.length > 0 ? ` ${s.components.join(' ')}` : ''}  [${s.file}:${s.line}]`);
    lines.push(`      ${signing(s)}`);
  }
  if (r.sources.sources.length === 0) lines.push('  (none configured)');
  lines.push('Pinning (preferences):');
  for (const p of r.preferences.pins) lines.push(`  ${p.packages.join(' ')}: ${p.pin.kind} ${p.pin.kind === 'release' ? p.pin.text : p.pin.kind === 'origin' ? p.pin.host : p.pin.pattern} priority ${p.priority}  [${p.file}:${p.line}]`);
  if (r.preferences.pins.length === 0) lines.push('  (none: apt\'s default priorities, 500 per archive, 100 for installed)');
  const warnings = repoWarnings(r);
  if (warnings.length > 0) lines.push('Warnings:', ...warnings.map((w) => `  WARNING: ${w}`));
  return lines;
}
