// Checks a certificate and its key with node:crypto (which, unlike forge, reads ECDSA too).
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { Check } from '../core/events.js';
import { octal } from '../core/actions.js';
import type { System } from '../core/system.js';
import { expectedKeyDetails, type KeyType } from '../pki/key-types.js';
import { truncatedPem } from '../pki/pem.js';
import { sanDnsNames } from '../pki/x509.js';

export interface CertificateExpectations {
  readonly certPath: string;
  readonly keyPath: string;
  readonly hosts: readonly string[];
  readonly days?: number;
  readonly keyType?: KeyType;
  readonly passphrase?: string;
}

export async function checkCertificateFiles(sys: System, expect: CertificateExpectations): Promise<Check[]> {
  const checks: Check[] = [];
  const keyStat = await sys.stat(expect.keyPath);
  checks.push({
    name: 'private key readable by its owner only',
    ok: keyStat !== undefined && (keyStat.mode & 0o077) === 0,
    evidence: keyStat === undefined ? `${expect.keyPath} is missing` : `${expect.keyPath} has mode ${octal(keyStat.mode)}`,
  });
  const certPem = await sys.readText(expect.certPath);
  const keyPem = await sys.readText(expect.keyPath);
  if (certPem === undefined || keyPem === undefined) {
    checks.push({ name: 'certificate and key present', ok: false, evidence: `missing: ${certPem === undefined ? expect.certPath : expect.keyPath}` });
    return checks;
  }
  const cut = truncatedPem(certPem, expect.certPath) ?? truncatedPem(keyPem, expect.keyPath);
  if (cut !== undefined) {
    checks.push({ name: 'certificate and key readable', ok: false, evidence: cut });
    return checks;
  }
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(certPem);
    key = createPrivateKey(expect.passphrase !== undefined ? { key: keyPem, passphrase: expect.passphrase } : keyPem);
  } catch (error) {
    checks.push({ name: 'certificate and key readable', ok: false, evidence: (error as Error).message });
    return checks;
  }
  checks.push({ name: 'key matches certificate', ok: cert.checkPrivateKey(key), evidence: `public key of ${expect.certPath} against ${expect.keyPath}` });

  const names = sanDnsNames(cert);
  const missing = expect.hosts.filter((h) => !names.includes(h));
  checks.push({ name: 'every host name in subjectAltName', ok: missing.length === 0, evidence: missing.length ? `missing: ${missing.join(', ')}` : names.join(', ') });

  const now = Date.now();
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  let datesOk = from <= now + 5 * 60_000 && to > now;
  if (expect.days !== undefined) datesOk &&= Math.abs(to - from - expect.days * 86_400_000) <= 86_400_000;
  checks.push({ name: 'valid now, for the requested period', ok: datesOk, evidence: `${cert.validFrom} → ${cert.validTo}` });

  if (expect.keyType !== undefined) {
    const want = expectedKeyDetails(expect.keyType);
    const d = key.asymmetricKeyDetails;
    const got = key.asymmetricKeyType === 'rsa' ? `rsa ${d?.modulusLength}` : `${key.asymmetricKeyType} ${d?.namedCurve}`;
    checks.push({ name: 'key type as requested', ok: got === `${want.kind} ${want.size}`, evidence: got });
  }
  return checks;
}
