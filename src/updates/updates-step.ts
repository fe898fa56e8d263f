// `lockstep updates`: unattended security upgrades as the seed asks. The origins go in a file of
// our own that clears the package's lists (`#clear`) instead of editing 50unattended-upgrades,
// a dpkg conffile that upgrades would then ask about.
import { aptCommand, aptPrepareActions, aptTarget, probeInRootMounts, type AptTarget } from '../apt/apt-root.js';
import { readUnattended, unattendedInstalled } from './updates-checks.js';
import { lastLine } from '../core/probe.js';
import { mailQuestion } from '../mail/questions.js';
import type { Action } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { Check } from '../core/events.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import { updateOrigins, originPatternText } from '../platform/conventions.js';
import { readPlatform, type Platform } from '../platform/distribution.js';
import { releaseWarning, supportStatus } from '../platform/lifecycle.js';

export const AUTO_UPGRADES = '/etc/apt/apt.conf.d/20auto-upgrades';
export const ORIGINS_FILE = '/etc/apt/apt.conf.d/52lockstep-unattended-upgrades';

export interface UpdatesFacts {
  readonly platform: Platform;
  readonly installed: boolean;
  /** How apt is driven on the target (the --root options in a sandbox). */
  readonly apt?: AptTarget;
}

const none = (v: string | undefined): boolean => v === undefined || v === '' || v.toLowerCase() === 'none';

export const updatesQuestions: readonly Question[] = [
  {
    kind: 'select',
    id: 'origins',
    message: 'Which updates install themselves',
    default: 'security',
    choices: [
      { value: 'security', label: 'security updates only', hint: 'the seed\'s advice; other updates wait for you' },
      { value: 'security-and-updates', label: 'security and stable updates', hint: 'also the -updates pocket (bug fixes)' },
    ],
  },
  mailQuestion({ message: 'Mail a report of each upgrade to (none for no mail)', help: 'unattended-upgrades mails through the local mailer (mailx / sendmail).' }),
  {
    kind: 'text',
    id: 'rebootTime',
    message: 'Reboot automatically when an upgrade needs it, at HH:MM (none: never)',
    default: 'none',
    validate: (v) => (none(v) || /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(v) ? undefined : `"${v}" is not a time like 04:30`),
  },
];

/** The Origins-Pattern lines for the distribution: platform's patterns, as the security classifier reads them too. */
export function originPatterns(distro: 'debian' | 'ubuntu', origins: string): string[] {
  return updateOrigins(distro, origins === 'security-and-updates' ? 'security-and-updates' : 'security').map(originPatternText);
}

export function originsText(answers: Answers, distro: 'debian' | 'ubuntu'): string {
  const mail = answers.mail as string | undefined;
  const reboot = answers.rebootTime as string | undefined;
  return [
    '// Written by lockstep updates. Replaces the package\'s origin lists (50unattended-upgrades is',
    '// left as shipped, so package upgrades do not ask about it).',
    '#clear Unattended-Upgrade::Allowed-Origins;',
    '#clear Unattended-Upgrade::Origins-Pattern;',
    'Unattended-Upgrade::Origins-Pattern {',
    ...originPatterns(distro, answers.origins as string).map((o) => `\t"${o}";`),
    '};',
    ...(none(mail) ? [] : [`Unattended-Upgrade::Mail "${mail}";`, 'Unattended-Upgrade::MailReport "on-change";']),
    `Unattended-Upgrade::Automatic-Reboot "${none(reboot) ? 'false' : 'true'}";`,
    ...(none(reboot) ? [] : [`Unattended-Upgrade::Automatic-Reboot-Time "${reboot}";`]),
    '',
  ].join('\n');
}

export const AUTO_UPGRADES_TEXT = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n';

/** Why unattended-upgrades is not this system's (not Debian or Ubuntu), undefined when it is. */
function foreignSystem(platform: Platform): UserError | undefined {
  if (platform.distro !== 'other') return undefined;
  return new UserError(
    `This is ${platform.prettyName}, not Debian or Ubuntu (by /etc/os-release): lockstep updates configures unattended-upgrades, which is theirs.`,
    platform.like.includes('debian') || platform.like.includes('ubuntu') ? `It says it is like ${platform.like.join(' ')}; its own security archive is not one lockstep knows.` : undefined,
  );
}

export const updatesStep: Step<UpdatesFacts> = {
  id: 'updates',
  title: 'Automatic security updates',
  description: 'unattended-upgrades for security updates (nightly, as the seed asks), optional mail and reboot window; checked with apt-config and a dry run.',
  questions: updatesQuestions,

  async needs(_preset, sys) {
    const platform = await readPlatform(sys);
    return foreignSystem(platform) === undefined
      ? []
      : [
          {
            missing: platform.id === 'unknown' ? 'there is no /etc/os-release to say this is Debian or Ubuntu' : `this is ${platform.prettyName}, not Debian or Ubuntu (by /etc/os-release)`,
            how: "On other systems use the automatic updates they come with (lockstep updates sets up unattended-upgrades, Debian's and Ubuntu's)",
          },
        ];
  },

  async facts(_answers, sys) {
    return { platform: await readPlatform(sys), installed: await unattendedInstalled(sys), apt: aptTarget(sys) };
  },

  plan(answers, facts) {
    const foreign = foreignSystem(facts.platform);
    if (foreign !== undefined) throw foreign;
    const distro = facts.platform.distro as 'debian' | 'ubuntu';
    const actions: Action[] = [];
    if (!facts.installed) {
      const apt = facts.apt ?? { root: '/', sandbox: false, asRoot: true };
      actions.push(...aptPrepareActions(apt), aptCommand(apt, 'apt-get', ['install', '-y', '--no-install-recommends', 'unattended-upgrades'], 'Install unattended-upgrades'));
    }
    actions.push(
      { kind: 'mkdir', title: 'Create /etc/apt/apt.conf.d', path: '/etc/apt/apt.conf.d', mode: 0o755 },
      { kind: 'write', title: 'Turn on the daily list update and unattended upgrade', path: AUTO_UPGRADES, content: AUTO_UPGRADES_TEXT, mode: 0o644 },
      { kind: 'write', title: 'Choose the origins that upgrade themselves', path: ORIGINS_FILE, content: originsText(answers, distro), mode: 0o644 },
    );
    return actions;
  },

  async verify(answers, sys) {
    const config = await readUnattended(sys);
    const facts = await updatesStep.facts(answers, sys);
    const want = originPatterns(facts.platform.distro === 'ubuntu' ? 'ubuntu' : 'debian', answers.origins as string);
    const got = config.patterns;
    const checks: Check[] = [
      { name: 'apt reads the periodic settings', ok: config.periodicUpgrade, evidence: config.read === true ? 'apt-config dump: APT::Periodic::Unattended-Upgrade' : config.read },
      { name: 'the origins are exactly lockstep\'s', ok: JSON.stringify(got) === JSON.stringify(want), evidence: got.join(' | ') || '(none)' },
    ];
    // python-apt reads the host's dpkg status whatever APT_CONFIG says: under --root the dry run
    // sees the root's apt and dpkg folders mounted over the host's, in a namespace of its own.
    const dry = await probeInRootMounts(sys, ['unattended-upgrade', '--dry-run', '-v'], { timeoutMs: 180_000 });
    const allowed = /Allowed origins are: (.*)/.exec(`${dry.stdout}\n${dry.stderr}`)?.[1];
    checks.push(
      dry.isolated
        ? { name: 'unattended-upgrade --dry-run accepts the configuration', ok: dry.exitCode === 0, evidence: allowed ? `allowed origins: ${allowed}` : dry.stderr.trim().split('\n').slice(-2).join(' ') }
        : { name: 'unattended-upgrade --dry-run accepts the configuration', ok: false, evidence: `not run: under --root it needs a private mount namespace (unshare -m, as root): ${lastLine(dry)}` },
    );
    return checks;
  },

  notes(_answers, facts) {
    // Unattended upgrades install only what the archive still publishes: an old release gets nothing.
    return [releaseWarning(facts.platform) ?? supportStatus(facts.platform).sentence];
  },

  summary(answers) {
    return [
      `Security updates install themselves daily (apt-daily-upgrade.timer); origins in ${ORIGINS_FILE}.`,
      none(answers.mail as string) ? 'No mail: read /var/log/unattended-upgrades/ to see what was done.' : `Reports go to ${answers.mail as string} when something changes.`,
      none(answers.rebootTime as string) ? 'No automatic reboot: /var/run/reboot-required tells you when one is due.' : `Reboots at ${answers.rebootTime as string} when an upgrade needs it.`,
      'When it runs next: systemctl list-timers apt-daily-upgrade.timer',
    ];
  },
};
