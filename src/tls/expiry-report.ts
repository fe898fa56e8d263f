// The expiry report: Let's Encrypt no longer e-mails expiry warnings, so when a certificate is
// inside its window and renewal failed or needs a person, lockstep says so itself — appended to
// /var/log/lockstep/expiry-report.log (the timer's stderr lines land in the system journal too)
// and, with --mail, sent through the local mail server. Renewal's closing stage writes and mails
// it as actions of its plan.
import os from 'node:os';
import { JOURNAL_DIR } from '../core/journal.js';

export const EXPIRY_REPORT = `${JOURNAL_DIR}/expiry-report.log`;

export interface ReportEntry {
  readonly name: string;
  readonly kind: string;
  readonly notAfter?: string;
  readonly daysLeft?: number;
  readonly failed: boolean;
  readonly message: string;
}

/** The mail and the log entry: every certificate in one table, then what each listed one needs. */
export function reportText(entries: readonly ReportEntry[], table: readonly string[], host = os.hostname(), now = new Date()): { subject: string; body: string } {
  const subject = `lockstep on ${host}: ${entries.length} certificate(s) expiring and not renewed`;
  const lines = [
    `lockstep renew on ${host}, ${now.toISOString()}:`,
    '',
    ...table,
    '',
    ...entries.flatMap((e) => [
      `* ${e.name} (${e.kind}): expires ${e.notAfter ?? 'at an unknown date'}${e.daysLeft !== undefined ? `, in ${e.daysLeft} days` : ''}`,
      `  ${e.failed ? 'renewal FAILED' : 'needs you'}: ${e.message}`,
      '',
    ]),
    `Run "lockstep renew" to see the details; this report is kept in ${EXPIRY_REPORT}.`,
  ];
  return { subject, body: `${lines.join('\n')}\n` };
}

/** The log's entry for one report (appended to what the log holds). */
export const reportLogEntry = (text: { subject: string; body: string }): string => `== ${text.subject}\n${text.body}\n`;
