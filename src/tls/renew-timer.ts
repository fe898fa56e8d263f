// `lockstep cert renew-timer`: runs `lockstep renew --yes` twice a day, unattended — a systemd
// timer (output in the journal: journalctl -u lockstep-renew) or, without systemd, a cron file.
// Twice a day at a random minute, as Let's Encrypt asks of clients, so a failed attempt is
// retried long before the certificate is in danger. With --mail the run also mails the expiry
// report (renew --mail --smtp), since nobody reads a timer's journal every day.
import type { Action } from '../core/actions.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { selfCommand } from '../core/self-command.js';
import { mailQuestion, smtpQuestion } from '../mail/questions.js';
import { cronWord, schedulerQuestions, systemdWord, timerUnit } from '../platform/scheduler.js';

export interface RenewTimerFacts {
  readonly root: string;
  readonly systemd: boolean;
}

export const SERVICE = '/etc/systemd/system/lockstep-renew.service';
export const TIMER = '/etc/systemd/system/lockstep-renew.timer';
export const CRON = '/etc/cron.d/lockstep-renew';

/** Where renew mails the expiry report; none when `mail` is undefined. */
export interface ReportMail {
  readonly mail: string;
  readonly smtp: string;
}

function renewCommand(root: string, report?: ReportMail): string[] {
  return [...selfCommand(), ...(root === '/' ? [] : ['--root', root]), 'renew', '--yes', ...(report !== undefined ? ['--mail', report.mail, '--smtp', report.smtp] : [])];
}

export function serviceUnit(root: string, report?: ReportMail): string {
  return [
    '# Written by lockstep (cert renew-timer).',
    '[Unit]',
    'Description=lockstep: renew the certificates inside their renewal window',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${renewCommand(root, report).map(systemdWord).join(' ')}`,
    '',
  ].join('\n');
}

/**
 * How long at most until the renewal timer runs renew again (RFC 9773 §4.2 asks to renew now when
 * ARI's moment comes before then): the systemd timer fires at 00:00 and 12:00 plus up to 12 h of
 * random delay, so two runs may be 24 h apart; the cron line runs every 12 h. Without either, no
 * next run is known and only a moment that has passed is due.
 */
export async function nextRunBound(sys: System): Promise<{ readonly ms: number; readonly by: string } | undefined> {
  if ((await sys.stat(TIMER)) !== undefined) return { ms: 24 * 3_600_000, by: 'lockstep-renew.timer' };
  if ((await sys.stat(CRON)) !== undefined) return { ms: 12 * 3_600_000, by: CRON };
  return undefined;
}

export const TIMER_UNIT = timerUnit('cert renew-timer', 'Run lockstep renew twice a day', '*-*-* 00,12:00:00', '12h');

export function cronFile(root: string, minute: number, report?: ReportMail): string {
  return [
    '# Written by lockstep (cert renew-timer): renew certificates twice a day; output to syslog.',
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `${minute} */12 * * * root ${renewCommand(root, report).map(cronWord).join(' ')} 2>&1 | logger -t lockstep-renew`,
    '',
  ].join('\n');
}

export const renewTimerQuestions: readonly Question[] = [
  ...schedulerQuestions('What runs the renewal', 'lockstep-renew', CRON),
  mailQuestion({
    message: 'Mail the expiry report to (an address, or "none")',
    help: 'Each run that finds a due certificate it could not renew mails the report, as lockstep renew --mail does.',
  }),
  smtpQuestion({ message: 'Mail server for the report (HOST:PORT)', help: 'Plain SMTP to the local MTA, which relays it; lockstep renew --smtp.' }),
];

const reportOf = (a: Answers): ReportMail | undefined =>
  typeof a.mail === 'string' && a.mail !== 'none' ? { mail: a.mail, smtp: typeof a.smtp === 'string' ? a.smtp : 'localhost:25' } : undefined;

export const renewTimerStep: Step<RenewTimerFacts> = {
  id: 'cert renew-timer',
  title: 'Automatic renewal',
  description: 'Installs a systemd timer (or a cron file) that runs "lockstep renew --yes" twice a day, mailing the expiry report if asked.',
  questions: renewTimerQuestions,

  async facts(_answers: Answers, sys: System): Promise<RenewTimerFacts> {
    return { root: sys.root, systemd: (await sys.stat('/run/systemd/system')) !== undefined };
  },

  plan(answers: Answers, facts: RenewTimerFacts): readonly Action[] {
    if (answers.scheduler === 'cron') {
      // A fixed minute per machine spreads the load on the CA, as the timer's random delay does.
      const minute = [...facts.root].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 60, 7);
      return [
        { kind: 'mkdir', title: 'Create /etc/cron.d', path: '/etc/cron.d', mode: 0o755 },
        { kind: 'write', title: 'Write the cron file', path: CRON, content: cronFile(facts.root, minute, reportOf(answers)), mode: 0o644 },
      ];
    }
    const actions: Action[] = [
      { kind: 'mkdir', title: 'Create /etc/systemd/system', path: '/etc/systemd/system', mode: 0o755 },
      { kind: 'write', title: 'Write the renewal service', path: SERVICE, content: serviceUnit(facts.root, reportOf(answers)), mode: 0o644 },
      { kind: 'write', title: 'Write the timer (twice a day, random delay)', path: TIMER, content: TIMER_UNIT, mode: 0o644 },
    ];
    if (answers.enable === true) {
      actions.push(
        { kind: 'run', title: 'Tell systemd about the new units', argv: ['systemctl', 'daemon-reload'] },
        { kind: 'run', title: 'Enable and start the timer', argv: ['systemctl', 'enable', '--now', 'lockstep-renew.timer'] },
      );
    }
    return actions;
  },

  async verify(answers, sys) {
    if (answers.scheduler === 'cron') {
      const text = (await sys.readText(CRON)) ?? '';
      const line = text.split('\n').find((l) => /^[0-9]+ \*\/12 \* \* \* root /.test(l));
      return [{ name: 'cron file has the renewal line', ok: line !== undefined, evidence: line ?? `${CRON}: no schedule line` }];
    }
    const r = await sys.probe(['systemd-analyze', 'verify', sys.real(SERVICE), sys.real(TIMER)]);
    const result = r.missing ? { ok: true, out: 'systemd-analyze is not installed: not checked' } : { ok: r.exitCode === 0, out: `${r.stdout}${r.stderr}`.trim() };
    return [{ name: 'systemd-analyze verify accepts the units', ok: result.ok, evidence: result.out || 'no complaints' }];
  },

  summary(answers) {
    const report = reportOf(answers);
    const mailed = report !== undefined ? [`A due certificate it cannot renew is reported by mail to ${report.mail} through ${report.smtp}.`] : [];
    return answers.scheduler === 'cron'
      ? [`${CRON} runs "lockstep renew --yes" twice a day; its output goes to syslog (tag lockstep-renew).`, ...mailed]
      : [
          `${TIMER} runs "lockstep renew --yes" twice a day${answers.enable === true ? '' : ' once enabled: systemctl enable --now lockstep-renew.timer'}.`,
          'Its output is in the journal: journalctl -u lockstep-renew. An EXPIRY WARNING there means a certificate is due and was not renewed.',
          ...mailed,
        ];
  },
};
