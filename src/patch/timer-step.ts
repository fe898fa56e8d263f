// `lockstep patch timer`: the seed's /etc/cron.daily/apt-warn — once a day `lockstep patch pending
// --mail ADDR` refreshes the lists and mails what is pending (SECURITY marked). A systemd timer,
// or a cron file where systemd is absent, written as `cert renew-timer` writes its own.
import type { Action } from '../core/actions.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { checkMailAnswer } from '../mail/questions.js';
import { smtpQuestion } from '../mail/questions.js';
import { cronWord, schedulerQuestions, systemdWord, timerUnit } from '../platform/scheduler.js';
import { selfCommand } from '../core/self-command.js';

export const PENDING_SERVICE = '/etc/systemd/system/lockstep-patch-pending.service';
export const PENDING_TIMER = '/etc/systemd/system/lockstep-patch-pending.timer';
export const PENDING_CRON = '/etc/cron.d/lockstep-patch-pending';

interface TimerFacts {
  readonly root: string;
  readonly systemd: boolean;
}

export function pendingCommand(root: string, mail: string, smtp: string): string[] {
  return [...selfCommand(), ...(root === '/' ? [] : ['--root', root]), 'patch', 'pending', '--mail', mail, '--smtp', smtp];
}

const commandOf = (a: Answers, root: string): string[] => pendingCommand(root, String(a.mail), typeof a.smtp === 'string' ? a.smtp : 'none');

export function pendingService(a: Answers, root: string): string {
  return [
    '# Written by lockstep (patch timer): the daily list of pending upgrades, mailed.',
    '[Unit]',
    'Description=lockstep: mail the pending upgrades (security marked)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${commandOf(a, root).map(systemdWord).join(' ')}`,
    '',
  ].join('\n');
}

export const PENDING_TIMER_UNIT = timerUnit('patch timer', 'Mail the pending upgrades once a day', 'daily', '1h');

export function pendingCron(a: Answers, root: string): string {
  return [
    '# Written by lockstep (patch timer): the seed\'s daily apt-warn; output to syslog.',
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `17 6 * * * root ${commandOf(a, root).map(cronWord).join(' ')} 2>&1 | logger -t lockstep-patch`,
    '',
  ].join('\n');
}

export const patchTimerQuestions: readonly Question[] = [
  ...schedulerQuestions('What runs the daily check', 'lockstep-patch-pending', PENDING_CRON),
  { kind: 'text', id: 'mail', message: 'Mail the daily list of pending upgrades to', help: 'The subject says how many are pending and how many are security updates.', validate: (v) => checkMailAnswer(v, false) },
  smtpQuestion({ allowNone: true, default: 'none', message: 'Mail server (HOST:PORT, or "none" for /usr/sbin/sendmail)' }),
];

export const patchTimerStep: Step<TimerFacts> = {
  id: 'patch timer',
  title: 'Daily mail of pending upgrades',
  description: 'A daily systemd timer (or a cron file without systemd) running "lockstep patch pending --mail ADDR": the seed\'s apt-warn.',
  questions: patchTimerQuestions,
  async facts(_a, sys: System) {
    return { root: sys.root, systemd: (await sys.stat('/run/systemd/system')) !== undefined };
  },
  plan(answers, facts): readonly Action[] {
    if (answers.scheduler === 'cron') {
      return [
        { kind: 'mkdir', title: 'Create /etc/cron.d', path: '/etc/cron.d', mode: 0o755 },
        { kind: 'write', title: 'Write the daily cron line', path: PENDING_CRON, content: pendingCron(answers, facts.root), mode: 0o644 },
      ];
    }
    return [
      { kind: 'mkdir', title: 'Create /etc/systemd/system', path: '/etc/systemd/system', mode: 0o755 },
      { kind: 'write', title: 'Write the service (patch pending --mail)', path: PENDING_SERVICE, content: pendingService(answers, facts.root), mode: 0o644 },
      { kind: 'write', title: 'Write the timer (daily, up to an hour late at random)', path: PENDING_TIMER, content: PENDING_TIMER_UNIT, mode: 0o644 },
      ...(answers.enable === true
        ? [
            { kind: 'run' as const, title: 'Tell systemd about the new units', argv: ['systemctl', 'daemon-reload'] },
            { kind: 'run' as const, title: 'Enable and start the timer', argv: ['systemctl', 'enable', '--now', 'lockstep-patch-pending.timer'] },
          ]
        : []),
    ];
  },
  async verify(answers, sys) {
    if (answers.scheduler === 'cron') {
      const line = ((await sys.readText(PENDING_CRON)) ?? '').split('\n').find((l) => /^17 6 \* \* \* root .* patch pending --mail /.test(l));
      return [{ name: 'the cron file has the daily line', ok: line !== undefined, evidence: line ?? `${PENDING_CRON}: no schedule line` }];
    }
    const r = await sys.probe(['systemd-analyze', 'verify', sys.real(PENDING_SERVICE), sys.real(PENDING_TIMER)]);
    const out = `${r.stdout}${r.stderr}`.trim();
    return [{ name: 'systemd-analyze verify accepts the units', ok: r.missing || r.exitCode === 0, evidence: r.missing ? 'systemd-analyze is not installed: not checked' : out || 'no complaints' }];
  },
  summary(answers) {
    return answers.scheduler === 'cron'
      ? [`${PENDING_CRON} mails the pending upgrades to ${String(answers.mail)} daily at 06:17; output in syslog (tag lockstep-patch).`]
      : [`${PENDING_TIMER} mails the pending upgrades to ${String(answers.mail)} daily${answers.enable === true ? '' : ' once enabled: systemctl enable --now lockstep-patch-pending.timer'}.`, 'When it runs next: systemctl list-timers lockstep-patch-pending.timer'];
  },
};
