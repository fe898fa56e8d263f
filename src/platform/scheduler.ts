// The two schedulers lockstep's timers are written for (renew-timer, patch timer): a systemd
// .timer with its service, or a cron line where systemd is absent — the words each one reads
// specially, the unit text and the questions every lockstep timer asks.
import type { Question } from '../core/questions.js';

// A mail address may hold characters the two schedulers read specially: systemd expands % and $
// in ExecStart= and splits on spaces outside quotes; cron turns % into a newline and hands the
// rest to /bin/sh. Plain words stay as they are, so the usual line reads as typed.
const PLAIN = /^[A-Za-z0-9@._:/+=,-]+$/;

export function systemdWord(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return PLAIN.test(word) ? escaped : `"${escaped.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function cronWord(word: string): string {
  return (PLAIN.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`).replace(/%/g, '\\%');
}

/** A systemd .timer written by lockstep: when it fires, spread by a random delay, caught up after downtime. */
export function timerUnit(by: string, description: string, onCalendar: string, randomDelay: string): string {
  return [
    `# Written by lockstep (${by}).`,
    '[Unit]',
    `Description=${description}`,
    '',
    '[Timer]',
    `OnCalendar=${onCalendar}`,
    `RandomizedDelaySec=${randomDelay}`,
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

/** Which scheduler (systemd unless the target has none) and whether to start the timer now: every lockstep timer asks these. */
export function schedulerQuestions(message: string, unit: string, cron: string): Question[] {
  return [
    {
      kind: 'select',
      id: 'scheduler',
      message,
      default: (_a, facts) => ((facts as { readonly systemd?: boolean } | undefined)?.systemd === false ? 'cron' : 'systemd'),
      choices: [
        { value: 'systemd', label: 'systemd timer', hint: `${unit}.timer; output in journalctl -u ${unit}` },
        { value: 'cron', label: 'cron', hint: `${cron}; output in syslog` },
      ],
    },
    {
      kind: 'confirm',
      id: 'enable',
      flags: { yes: 'enable and start the timer now (systemctl enable --now)', no: 'install the timer, leave it stopped' },
      message: 'Enable and start the timer now (systemctl enable --now)?',
      default: true,
      when: (a) => a.scheduler === 'systemd',
    },
  ];
}
