// The session's record as text and data: the head of its OSPATCH log (who, when, what was
// pending, the repositories, the baseline, the choice, the command) and, after it ran, its result
// as verify and the summary read it.
import fs from 'node:fs/promises';
import type { Check } from '../core/events.js';
import type { System } from '../core/system.js';
import { tableLines } from '../core/table-text.js';
import { countLine, pendingTable } from './pending.js';
import type { Chosen, PatchFacts } from './patch-step.js';
import { repoReportLines } from './repo-report.js';
import { PATCH_STATE_DIR, sessionResultSchema, type SessionResult, type SessionSpec } from './session-spec.js';

const CHOICE_WORDS: Readonly<Record<string, string>> = { all: 'everything pending (apt-get upgrade)', security: 'security updates only', pick: 'the packages named', approved: 'the approval file\'s versions, exactly' };

/** The head of the session's log: who, when, what was pending, the repositories, what will run. */
export function logHead(spec: SessionSpec, facts: PatchFacts, upgradeLine: string | undefined, chosen: Chosen): string {
  const lines = [
    `lockstep patch session ${spec.stamp} on ${spec.host}`,
    `Started ${facts.now}; root ${facts.apt.root}; log ${spec.log}`,
    '',
    '== Pending upgrades (apt-get -s -V upgrade, apt-cache policy)',
    ...(facts.pending.length > 0 ? tableLines(pendingTable(facts.pending)) : []),
    countLine(facts.pending),
    '',
    '== Repository report',
    ...repoReportLines(facts.repo),
    '',
    '== Checksum baseline',
    facts.baselineTaken === undefined ? 'No earlier baseline: this session takes the first.' : `Baseline of ${facts.baselineTaken}: ${facts.changedSinceBaseline.length === 0 ? 'every file as recorded.' : `${facts.changedSinceBaseline.length} changed outside an upgrade since:`}`,
    ...facts.changedSinceBaseline.map((c) => `  ${c}`),
    '',
    `== Choice: ${CHOICE_WORDS[spec.choice] ?? spec.choice}`,
    ...(spec.approved !== undefined ? [`Approval file ${spec.approved.file} (sha256 ${spec.approved.sha256}${spec.approved.generated !== undefined ? `, made ${spec.approved.generated}` : ''}${spec.approved.host !== undefined ? ` on ${spec.approved.host}` : ''})`] : []),
    ...(chosen.approved?.newer ?? []).map((n) => `Newer since the approval, left for the next one: ${n}`),
    ...(chosen.approved?.current ?? []).map((n) => `Already at the approved version: ${n}`),
    ...spec.packages.map((x) => `  ${x.name} ${x.current} -> ${x.target}${x.security ? ' (security)' : ''}`),
    ...(spec.packages.length === 0 ? ['Nothing to upgrade.'] : []),
    ...(upgradeLine !== undefined ? ['', '== Upgrade (non-interactive; conffiles you changed are kept: --force-confdef --force-confold)', `$ ${upgradeLine}`] : []),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** The newest session's result (verify and the summary read it). */
export async function lastResult(sys: System): Promise<SessionResult | undefined> {
  let names: string[] = [];
  try {
    names = (await fs.readdir(sys.real(PATCH_STATE_DIR))).filter((n) => n.endsWith('.result.json')).sort();
  } catch {
    return undefined;
  }
  const newest = names.at(-1);
  if (newest === undefined) return undefined;
  const parsed = sessionResultSchema.safeParse(JSON.parse((await sys.readText(`${PATCH_STATE_DIR}/${newest}`)) ?? 'null'));
  return parsed.success ? parsed.data : undefined;
}

export function resultChecks(r: SessionResult | undefined): Check[] {
  if (r === undefined) return [{ name: 'the session left its result', ok: false, evidence: `no session result in ${PATCH_STATE_DIR}` }];
  const wrong = r.rows.filter((x) => !x.ok);
  return [
    { name: 'the upgrade finished without an apt or dpkg error', ok: (r.status !== 'failed' && r.status !== 'interrupted') || r.error === undefined, evidence: r.error ?? (r.status === 'nothing' ? 'nothing to upgrade' : 'apt-get exited 0') },
    { name: 'dpkg-query shows every package at its planned version', ok: wrong.length === 0, evidence: r.rows.map((x) => `${x.name} ${x.old}→${x.new}${x.ok ? '' : ` (${x.note})`}`).join(', ') || 'no package to upgrade' },
    { name: 'the session log is read-only', ok: r.logMode === '0444', evidence: `${r.log} mode ${r.logMode}, ${r.immutable}; sha256 ${r.logSha256}` },
    ...(r.mail !== undefined ? [{ name: r.mail.sent ? 'the summary was mailed' : 'the summary mail was NOT sent (the session is complete; the summary is in the log)', ok: true, evidence: r.mail.detail }] : []),
  ];
}

