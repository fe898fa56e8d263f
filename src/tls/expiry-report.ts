// The expiry report: Let's Encrypt no longer e-mails expiry warnings, so when a certificate is
// inside its window and renewal failed or needs a person, lockstep says so itself — appended to
// /var/log/lockstep/expiry-report.log (the timer's stderr lines land in the system journal too)
// and, with --mail, sent through the local mail server.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JOURNAL_DIR } from '../core/journal.js';
import type { System } from '../core/system.js';
import type { RenewResult } from './renew.js';
import { sendMail } from '../mail/smtp.js';

export const EXPIRY_REPORT = `${JOURNAL_DIR}/expiry-report.log`;

export interface ReportEntry {
  readonly result: RenewResult;
  readonly notAfter?: string;
}

export function reportText(entries: readonly ReportEntry[], host = os.hostname(), now = new Date()): { subject: string; body: string } {
  const subject = `lockstep on ${host}: ${entries.length} certificate(s) expiring and not renewed`;
  const lines = [
    `lockstep renew on ${host}, ${now.toISOString()}:`,
    '',
    ...entries.flatMap((e) => [
      `* ${e.result.name} (${e.result.method}): expires ${e.notAfter ?? 'at an unknown date'}${e.result.daysLeft !== undefined ? `, in ${e.result.daysLeft} days` : ''}`,
      `  ${e.result.outcome === 'failed' ? 'renewal FAILED' : 'needs you'}: ${e.result.message}`,
      '',
    ]),
    'Run "lockstep renew" to see the details; this report is kept in /var/log/lockstep/expiry-report.log.',
  ];
  return { subject, body: `${lines.join('\n')}\n` };
}

/** Appends the report to the log; returns the file's real path. */
export async function writeReport(sys: System, text: { subject: string; body: string }): Promise<string> {
  const file = sys.real(EXPIRY_REPORT);
  await fs.mkdir(path.dirname(path.dirname(file)), { recursive: true, mode: 0o755 });
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.appendFile(file, `== ${text.subject}\n${text.body}\n`, { mode: 0o600 });
  return file;
}

export async function mailReport(to: string, smtp: { host: string; port: number }, text: { subject: string; body: string }): Promise<void> {
  await sendMail(smtp, { to, subject: text.subject, body: text.body });
}
