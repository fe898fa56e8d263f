// The timer's warning: Let's Encrypt no longer e-mails expiry warnings, so each certificate due
// and not renewed gets one EXPIRY WARNING line on stderr, which the timer's journal (journalctl
// -u lockstep-renew) and cron's syslog keep. Printed from renew's result, after the run, by the
// text front ends (--json has the result document; the TUI its closing table).
import { withRunFlags, type RunFlags } from '../core/run-flags.js';
import type { RunOutcome } from '../core/runner.js';
import type { FrontEnd } from './run.js';

interface Listed {
  readonly name: string;
  readonly notAfter?: string;
  readonly daysLeft?: number;
  readonly acted: boolean;
  readonly due: boolean;
  readonly outcome: string;
  readonly message: string;
}

export function expiryWarnings(
  outcome: RunOutcome,
  frontEnd: FrontEnd,
  mail?: { readonly to: string; readonly smtp: string },
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  flags: RunFlags = { root: '/' },
): void {
  if (frontEnd === 'json' || frontEnd === 'ink') return;
  const certs = (outcome.result?.certificates ?? []) as readonly Listed[];
  for (const c of certs) {
    const warn = c.acted && (c.outcome === 'failed' || c.outcome === 'needs-you' || (c.due && c.outcome === 'not-renewed'));
    // The command to run names the run's --root, as every suggested command does.
    if (warn) err(`EXPIRY WARNING: ${c.name} expires ${c.notAfter ?? '(unknown)'}${c.daysLeft !== undefined ? `, in ${c.daysLeft} days` : ''}: ${withRunFlags(c.message, flags)}`);
  }
  const failed = outcome.result?.reportFailed;
  if (typeof failed === 'string') err(`The expiry report could not be ${mail !== undefined ? `written or mailed to ${mail.to} through ${mail.smtp}` : 'written'}: ${failed}`);
}
