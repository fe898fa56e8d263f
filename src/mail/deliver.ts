// Hands a message on: to the SMTP server when one is given, else to the local MTA through
// `sendmail -t -oi` on standard input (every MTA's interface: exim, postfix, msmtp...), through
// the spawn path; with neither, says where the message was kept instead.
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { RunAction } from '../core/actions.js';
import { spawnChild } from '../core/spawn.js';
import { formatMessage, sendMail, type MailMessage } from './smtp.js';

export const SENDMAIL = '/usr/sbin/sendmail';

export type Delivery =
  | { readonly sent: true; readonly via: 'smtp' | 'sendmail'; readonly detail: string }
  | { readonly sent: false; readonly reason: string };

export interface DeliverOptions {
  readonly smtp?: { readonly host: string; readonly port: number };
  /** The sendmail program (default /usr/sbin/sendmail on the machine lockstep runs on). */
  readonly sendmail?: string;
  /** Variables for sendmail (on top of the cleaned environment). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the caller kept the message (a log, a report file), for the sentence when it is not sent. */
  readonly savedAt?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

const fromOf = (m: MailMessage): string => m.from ?? `lockstep@${os.hostname()}`;
const kept = (savedAt?: string): string => (savedAt !== undefined ? `; the message is in ${savedAt}` : '');

/** The message as sendmail -t reads it: headers (To, From, Subject) then the body, LF line ends. */
export function sendmailText(m: MailMessage, now = new Date()): string {
  const text = formatMessage(m, fromOf(m), now, false);
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Never throws: a refused or failed delivery is a result that says why. */
export async function deliverMail(m: MailMessage, o: DeliverOptions = {}): Promise<Delivery> {
  if (o.smtp !== undefined) {
    try {
      await sendMail(o.smtp, m, o.timeoutMs);
      return { sent: true, via: 'smtp', detail: `mailed to ${m.to} through ${o.smtp.host}:${o.smtp.port}` };
    } catch (error) {
      return { sent: false, reason: `the mail to ${m.to} was not sent: ${(error as Error).message}${kept(o.savedAt)}` };
    }
  }
  const sendmail = o.sendmail ?? SENDMAIL;
  if (!existsSync(sendmail)) return { sent: false, reason: `no mail server was given (--smtp) and ${sendmail} does not exist, so nothing was mailed${kept(o.savedAt)}` };
  const r = await spawnChild({
    argv: [sendmail, '-t', '-oi'],
    input: sendmailText(m),
    capture: true,
    timeoutMs: o.timeoutMs ?? 60_000,
    ...(o.env !== undefined ? { env: o.env } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
  });
  if (r.exitCode === 0) return { sent: true, via: 'sendmail', detail: `handed to ${sendmail} for ${m.to}` };
  const why = r.missing ? 'it could not be run' : r.timedOut ? 'it did not finish in time' : `it exited ${r.exitCode ?? r.signal ?? '?'}: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`;
  return { sent: false, reason: `${sendmail} did not take the mail to ${m.to} (${why})${kept(o.savedAt)}` };
}

/** The same hand-over as a plan action (previewed with the message, journaled): `sendmail -t -oi` on stdin. */
export function sendmailAction(m: MailMessage, title = `Mail ${m.subject} to ${m.to}`, sendmail = SENDMAIL): RunAction {
  return { kind: 'run', title, argv: [sendmail, '-t', '-oi'], stdin: sendmailText(m) };
}
