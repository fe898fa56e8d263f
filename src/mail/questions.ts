// The mail questions every step that mails something asks (renew's report, renew-timer, updates,
// patch): an address, "none" for no mail; and the SMTP server as HOST:PORT. One definition of
// each, with one validator, so a flag means the same in every command.
import type { Answers, TextQuestion } from '../core/questions.js';
import { checkMailAddress, parseSmtpAddress } from './smtp.js';

/** "none", nothing, or an empty answer: no mail. */
export const isNone = (v: unknown): boolean => v === undefined || v === '' || (typeof v === 'string' && v.trim().toLowerCase() === 'none');

/** A validator: an address (user@host), or "none" when `allowNone`. */
export function checkMailAnswer(value: string, allowNone = true): string | undefined {
  if (allowNone && isNone(value)) return undefined;
  return checkMailAddress(value.trim());
}

/** A validator: HOST:PORT, [IPv6]:PORT or HOST (port 25); "none" when `allowNone` (then sendmail, if present). */
export function checkSmtpAnswer(value: string, allowNone = false): string | undefined {
  if (allowNone && isNone(value)) return undefined;
  return parseSmtpAddress(value) === undefined ? `"${value}" is not HOST:PORT (e.g. localhost:25 or [::1]:25)` : undefined;
}

export interface MailQuestionOptions {
  readonly id?: string;
  readonly message: string;
  readonly help?: string;
  /** Default "none" (no mail). */
  readonly default?: string;
  readonly when?: TextQuestion['when'];
}

/** The address question (`--mail`): an address or "none". */
export function mailQuestion(o: MailQuestionOptions): TextQuestion {
  return {
    kind: 'text',
    id: o.id ?? 'mail',
    message: o.message,
    ...(o.help !== undefined ? { help: o.help } : {}),
    default: o.default ?? 'none',
    ...(o.when !== undefined ? { when: o.when } : {}),
    validate: (v) => checkMailAnswer(v),
  };
}

export interface SmtpQuestionOptions {
  readonly id?: string;
  /** The address question this one follows: asked only when that one names an address. */
  readonly mailId?: string;
  readonly message?: string;
  readonly help?: string;
  /** Default "localhost:25"; "none" where sendmail is the fallback (allowNone). */
  readonly default?: string;
  /** "none" is a valid answer: no SMTP server, hand the message to sendmail if there is one. */
  readonly allowNone?: boolean;
}

/** The server question (`--smtp`): HOST:PORT, asked only when the address question has an address. */
export function smtpQuestion(o: SmtpQuestionOptions = {}): TextQuestion {
  const mailId = o.mailId ?? 'mail';
  return {
    kind: 'text',
    id: o.id ?? 'smtp',
    message: o.message ?? 'Mail server (HOST:PORT)',
    help: o.help ?? (o.allowNone === true ? 'Plain SMTP to the local MTA, which relays it; "none" hands the message to /usr/sbin/sendmail when there is one.' : 'Plain SMTP to the local MTA, which relays it.'),
    default: o.default ?? 'localhost:25',
    when: (a) => !isNone(a[mailId]),
    validate: (v) => checkSmtpAnswer(v, o.allowNone === true),
  };
}

/** Where the answers say to mail: the address and, unless "none", the server. undefined for no mail. */
export function mailTarget(answers: Answers, ids: { readonly mail?: string; readonly smtp?: string } = {}): { readonly to: string; readonly smtp?: { readonly host: string; readonly port: number } } | undefined {
  const to = answers[ids.mail ?? 'mail'];
  if (typeof to !== 'string' || isNone(to)) return undefined;
  const smtpText = answers[ids.smtp ?? 'smtp'];
  const smtp = typeof smtpText === 'string' && !isNone(smtpText) ? parseSmtpAddress(smtpText) : undefined;
  return { to: to.trim(), ...(smtp !== undefined ? { smtp } : {}) };
}
