// `lockstep cert renew-timer`: runs `lockstep renew --yes` twice a day, unattended — a systemd
// timer (output in the journal: journalctl -u lockstep-renew) or, without systemd, a cron file.
// Twice a day at a random minute, as Let's Encrypt asks of clients, so a failed attempt is
// retried long before the certificate is in danger.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Action } from '../core/actions.js';
import type { Answers, Question } from '../core/questions.js';
import type { Step } from '../core/step.js';
import type { System } from '../core/system.js';
import { selfCommand } from './self-command.js';

const run = promisify(execFile);

export interface RenewTimerFacts {
  readonly root: string;
  readonly systemd: boolean;
}

export const SERVICE = '/etc/systemd/system/lockstep-renew.service';
export const TIMER = '/etc/systemd/system/lockstep-renew.timer';
export const CRON = '/etc/cron.d/lockstep-renew';

function renewCommand(root: string): string[] {
  return [...selfCommand(), ...(root === '/' ? [] : ['--root', root]), 'renew', '--yes'];
}

export function serviceUnit(root: string): string {
  return [
    '# Written by lockstep (cert renew-timer).',
    '[Unit]',
    'Description=lockstep: renew the certificates inside their renewal window',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${renewCommand(root).join(' ')}`,
    '',
  ].join('\n');
}

export const TIMER_UNIT = [
  '# Written by lockstep (cert renew-timer).',
  '[Unit]',
  'Description=Run lockstep renew twice a day',
  '',
  '[Timer]',
  'OnCalendar=*-*-* 00,12:00:00',
  'RandomizedDelaySec=12h',
  'Persistent=true',
  '',
  '[Install]',
  'WantedBy=timers.target',
  '',
].join('\n');

export function cronFile(root: string, minute: number): string {
  return [
    '# Written by lockstep (cert renew-timer): renew certificates twice a day; output to syslog.',
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `${minute} */12 * * * root ${renewCommand(root).join(' ')} 2>&1 | logger -t lockstep-renew`,
    '',
  ].join('\n');
}

export const renewTimerQuestions: readonly Question[] = [
  {
    kind: 'select',
    id: 'scheduler',
    message: 'What runs the renewal',
    default: (_a, facts) => ((facts as RenewTimerFacts | undefined)?.systemd === false ? 'cron' : 'systemd'),
    choices: [
      { value: 'systemd', label: 'systemd timer', hint: 'lockstep-renew.timer; output in journalctl -u lockstep-renew' },
      { value: 'cron', label: 'cron', hint: '/etc/cron.d/lockstep-renew; output in syslog' },
    ],
  },
  {
    kind: 'confirm',
    id: 'enable',
    message: 'Enable and start the timer now (systemctl enable --now)?',
    default: true,
    when: (a) => a.scheduler === 'systemd',
  },
];

export const renewTimerStep: Step<RenewTimerFacts> = {
  id: 'cert renew-timer',
  title: 'Automatic renewal',
  description: 'Installs a systemd timer (or a cron file) that runs "lockstep renew --yes" twice a day.',
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
        { kind: 'write', title: 'Write the cron file', path: CRON, content: cronFile(facts.root, minute), mode: 0o644 },
      ];
    }
    const actions: Action[] = [
      { kind: 'mkdir', title: 'Create /etc/systemd/system', path: '/etc/systemd/system', mode: 0o755 },
      { kind: 'write', title: 'Write the renewal service', path: SERVICE, content: serviceUnit(facts.root), mode: 0o644 },
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
    const result = await run('systemd-analyze', ['verify', sys.real(SERVICE), sys.real(TIMER)]).then(
      (r) => ({ ok: true, out: `${r.stdout}${r.stderr}`.trim() }),
      (e: { code?: string; stderr?: string; message: string }) => ({ ok: e.code === 'ENOENT', out: e.code === 'ENOENT' ? 'systemd-analyze is not installed: not checked' : (e.stderr ?? e.message).trim() }),
    );
    return [{ name: 'systemd-analyze verify accepts the units', ok: result.ok, evidence: result.out || 'no complaints' }];
  },

  summary(answers) {
    return answers.scheduler === 'cron'
      ? [`${CRON} runs "lockstep renew --yes" twice a day; its output goes to syslog (tag lockstep-renew).`]
      : [
          `${TIMER} runs "lockstep renew --yes" twice a day${answers.enable === true ? '' : ' once enabled: systemctl enable --now lockstep-renew.timer'}.`,
          'Its output is in the journal: journalctl -u lockstep-renew. An EXPIRY WARNING there means a certificate is due and was not renewed.',
        ];
  },
};
