// unattended-upgrades as apt reads it (apt-config dump under the root's APT_CONFIG): `lockstep
// updates` verifies its result with readUnattended, and the checklist's updates. group judges the
// same reading — installed, enabled, security origins allowed, last run.
import { probeApt } from '../apt/apt-root.js';
import { pass, seed, skip, verdict, warn, type AuditItem, type CheckGroup } from '../core/checks.js';
import type { System } from '../core/system.js';
import { originPatternText, securityOrigins } from '../platform/conventions.js';
import { readPlatform } from '../platform/distribution.js';

export const UNATTENDED_BIN = '/usr/bin/unattended-upgrade';
export const UNATTENDED_LOG = '/var/log/unattended-upgrades/unattended-upgrades.log';

export const unattendedInstalled = async (sys: System): Promise<boolean> => (await sys.stat(UNATTENDED_BIN)) !== undefined;

export interface UnattendedConfig {
  /** apt-config dump ran (its stderr when it did not). */
  readonly read: true | string;
  readonly periodicUpgrade: boolean;
  readonly periodicLists: boolean;
  readonly patterns: readonly string[];
  readonly allowedOrigins: readonly string[];
}

export async function readUnattended(sys: System): Promise<UnattendedConfig> {
  const dump = await probeApt(sys, 'apt-config', ['dump']);
  const text = dump.stdout;
  return {
    read: dump.exitCode === 0 ? true : dump.stderr.trim() || `apt-config exited ${dump.exitCode}`,
    periodicUpgrade: /^APT::Periodic::Unattended-Upgrade "1";$/m.test(text),
    periodicLists: /^APT::Periodic::Update-Package-Lists "1";$/m.test(text),
    patterns: [...text.matchAll(/^Unattended-Upgrade::Origins-Pattern:: "(.*)";$/gm)].map((m) => m[1]!),
    allowedOrigins: [...text.matchAll(/^Unattended-Upgrade::Allowed-Origins:: "(.*)";$/gm)].map((m) => m[1]!),
  };
}

const SEED = seed('lockdown', 'Primero can optionally be deployed along with the unattended-upgrades Ubuntu package. This will run nightly and check for and apply the latest security updates.');
const FIX = 'lockstep updates';
const DAY = 86_400_000;

export const updatesChecks: CheckGroup = {
  prefix: 'updates',
  title: 'Automatic security updates',
  async run({ sys, now }) {
    const installed = await unattendedInstalled(sys);
    const items: AuditItem[] = [verdict(installed, { id: 'updates.installed', title: 'unattended-upgrades is installed', evidence: `${sys.real(UNATTENDED_BIN)} ${installed ? 'exists' : 'is missing'}`, fix: FIX, seed: SEED })];
    const [config, platform] = await Promise.all([readUnattended(sys), readPlatform(sys)]);
    if (config.read !== true) {
      const why = `apt-config dump failed: ${config.read}`;
      items.push(
        skip({ id: 'updates.enabled', title: 'Daily unattended upgrades are on (APT::Periodic)', evidence: why, fix: FIX, seed: SEED }, 'apt cannot read its configuration here'),
        skip({ id: 'updates.origins', title: 'Security updates are among the allowed origins', evidence: why, fix: FIX, seed: SEED }, 'apt cannot read its configuration here'),
      );
    } else {
      items.push(verdict(config.periodicUpgrade && config.periodicLists, { id: 'updates.enabled', title: 'Daily unattended upgrades are on (APT::Periodic)', evidence: `apt-config dump: APT::Periodic::Update-Package-Lists ${config.periodicLists ? '"1"' : 'not "1"'}, APT::Periodic::Unattended-Upgrade ${config.periodicUpgrade ? '"1"' : 'not "1"'}`, fix: FIX, seed: SEED }));
      const wanted = platform.distro === 'other' ? [] : securityOrigins(platform.distro).map(originPatternText);
      const security = [...config.patterns.filter((p) => wanted.includes(p) || /security/i.test(p)), ...config.allowedOrigins.filter((o) => /security/i.test(o))];
      items.push(verdict(security.length > 0, { id: 'updates.origins', title: 'Security updates are among the allowed origins', evidence: `apt-config dump: ${security.length > 0 ? security.join(' | ') : `no security origin in Origins-Pattern (${config.patterns.join(' | ') || 'none'}) or Allowed-Origins (${config.allowedOrigins.join(' | ') || 'none'})`}`, fix: FIX, seed: SEED }));
    }
    const log = await sys.stat(UNATTENDED_LOG);
    const base = { id: 'updates.last-run', title: 'unattended-upgrades ran in the last two days', fix: `${FIX} (then wait for apt-daily-upgrade.timer, or run unattended-upgrade -v once)`, seed: SEED };
    if (log === undefined) items.push(warn({ ...base, evidence: `${sys.real(UNATTENDED_LOG)} does not exist: it has not run yet` }));
    else {
      const days = Math.floor((now - log.mtimeMs) / DAY);
      items.push((now - log.mtimeMs <= 2 * DAY ? pass : warn)({ ...base, evidence: `${sys.real(UNATTENDED_LOG)} last written ${new Date(log.mtimeMs).toISOString()} (${days} day(s) ago)` }));
    }
    return items;
  },
};
