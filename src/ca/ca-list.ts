// `lockstep ca list`: what the CA has issued (index.txt) and when its CRL must be re-issued.
// Reads only.
import { UserError } from '../core/errors.js';
import type { System } from '../core/system.js';
import { readCrl } from './crl.js';
import { daysLeft, parseIndex } from './index-db.js';
import { caLayout } from './layout.js';
import { readDbState } from './db-repair.js';

export interface CaListing {
  readonly ca: string;
  readonly certificates: readonly {
    readonly serial: string;
    readonly status: string;
    readonly subject: string;
    readonly expires: string;
    readonly daysLeft: number;
    readonly revoked?: string;
    readonly reason?: string;
  }[];
  readonly crl?: { readonly path: string; readonly nextUpdate?: string; readonly daysLeft?: number };
}

export async function listCa(sys: System, dir: string, name: string): Promise<CaListing> {
  const ca = caLayout(dir, name);
  const db = await readDbState(sys, ca);
  if (db.index === undefined) throw new UserError(`No CA database at ${ca.index}.`, 'Check --ca-dir, or set up a CA with "lockstep ca init".');
  const now = new Date();
  const certificates = parseIndex(db.index, now).map((e) => ({
    serial: e.serial,
    status: e.status,
    subject: e.subject,
    expires: e.expires.toISOString(),
    daysLeft: daysLeft(e, now),
    ...(e.revoked ? { revoked: e.revoked.toISOString() } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
  }));
  const crl = await readCrl(sys, ca);
  return {
    ca: ca.dir,
    certificates,
    ...(crl
      ? {
          crl: {
            path: ca.crl,
            ...(crl.nextUpdate
              ? { nextUpdate: crl.nextUpdate.toISOString(), daysLeft: Math.floor((crl.nextUpdate.getTime() - now.getTime()) / 86_400_000) }
              : {}),
          },
        }
      : {}),
  };
}

export function listingLines(l: CaListing): string[] {
  const rows = l.certificates.map((c) => [c.serial, c.status, c.expires.slice(0, 10), String(c.daysLeft), c.subject]);
  const head = ['SERIAL', 'STATUS', 'EXPIRES', 'DAYS', 'SUBJECT'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  const out = [`CA ${l.ca}: ${l.certificates.length} certificate(s)`, fmt(head), ...rows.map(fmt)];
  if (l.crl === undefined) out.push('CRL: none issued yet ("lockstep ca crl" issues one).');
  else out.push(`CRL: ${l.crl.path}, next update ${l.crl.nextUpdate ?? 'unknown'}${l.crl.daysLeft !== undefined ? ` (in ${l.crl.daysLeft} days; re-issue before then)` : ''}`);
  return out;
}
