// What lockstep reads out of an X.509 certificate (node:crypto, which reads ECDSA as well as
// RSA): its names, subject, key type, dates and renewal window. One place, so the CA's steps,
// the application certificates and renewal read a certificate the same way.
import { X509Certificate } from 'node:crypto';
import type { KeyType } from './key-types.js';
import { daysBetween, isDue, renewAt } from './renewal-window.js';

export function sanDnsNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
}

/**
 * The subject on one line. Node gives undefined for an empty subject, which ACME CAs now issue
 * (Pebble 2.6; Let's Encrypt's profiles without a common name): the names are in the SAN.
 */
export function subjectLine(cert: X509Certificate): string {
  const subject = cert.subject as string | undefined;
  return subject === undefined || subject === '' ? '(empty subject)' : subject.replace(/\n/g, ', ');
}

/** The subject's fields by their short names (C, ST, L, O, CN). */
export function subjectFields(cert: X509Certificate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of ((cert.subject as string | undefined) ?? '').split('\n')) {
    const [k, ...v] = line.split('=');
    if (k !== undefined && k !== '' && v.length > 0) out[k] = v.join('=');
  }
  return out;
}

/** The key type of a certificate's public key, in lockstep's terms (rsa2048 when unsure). */
export function keyTypeOf(cert: X509Certificate): KeyType {
  const d = cert.publicKey.asymmetricKeyDetails ?? {};
  if (cert.publicKey.asymmetricKeyType === 'ec') return d.namedCurve === 'secp384r1' ? 'ec-p384' : 'ec-p256';
  const bits = d.modulusLength ?? 2048;
  return bits >= 4096 ? 'rsa4096' : bits >= 3072 ? 'rsa3072' : 'rsa2048';
}

/** The subjectAltNames besides `host` itself, as `ca sign --san` takes them. */
export function extraSans(cert: X509Certificate, host: string): string {
  return (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .map((e) => e.replace(/^IP Address:/, 'IP:'))
    .filter((e) => (e.startsWith('DNS:') || e.startsWith('IP:')) && e !== `DNS:${host}`)
    .join(',');
}

/**
 * The first URI of the certificate's CRL distribution points (RFC 5280 §4.2.1.13), read from its
 * DER: the extension's OID 2.5.29.31, then the first uniformResourceIdentifier ([6], IA5String).
 */
export function crlUrlOf(cert: X509Certificate): string | undefined {
  const der = cert.raw;
  const oid = der.indexOf(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x1f]));
  if (oid < 0) return undefined;
  // The extension's value is a few dozen bytes on: a short-form length, a URI of letters.
  for (let i = oid + 5; i < Math.min(der.length - 2, oid + 64); i++) {
    const len = der[i + 1]!;
    if (der[i] !== 0x86 || len >= 0x80 || i + 2 + len > der.length) continue;
    const uri = der.subarray(i + 2, i + 2 + len).toString('latin1');
    if (/^https?:\/\/[\x21-\x7e]+$/.test(uri)) return uri;
  }
  return undefined;
}

/** The lifetime in whole days (notAfter − notBefore). */
export const lifetimeDays = (cert: X509Certificate): number => Math.round((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000);

/** The SHA-256 fingerprint of the first certificate of `pem`, or undefined when it is none. */
export function fingerprintOf(pem: string | undefined): string | undefined {
  if (pem === undefined) return undefined;
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

export interface CertDates {
  readonly names: readonly string[];
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly lifetimeDays: number;
  /** When its renewal window opens (a third of the lifetime left; renewal-window.ts). */
  readonly renewFrom: string;
  readonly due: boolean;
}

export function describeCert(pem: string, now = Date.now()): CertDates & { readonly cert: X509Certificate } {
  const cert = new X509Certificate(pem);
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return {
    cert,
    names: sanDnsNames(cert),
    issuer: cert.issuer.replace(/\n/g, ', '),
    notBefore: new Date(from).toISOString(),
    notAfter: new Date(to).toISOString(),
    daysLeft: daysBetween(now, to),
    lifetimeDays: daysBetween(from, to),
    renewFrom: new Date(renewAt(from, to)).toISOString(),
    due: isDue(from, to, now),
  };
}
