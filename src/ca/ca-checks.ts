// Checks of a CA on disk, shared by `ca init` (verify, adopt) and `ca sign` (facts): the key
// opens with the passphrase, matches the root certificate, the certificate is a CA, and the
// private folder and key are root's alone.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { octal } from '../core/actions.js';
import type { Check } from '../core/events.js';
import type { System } from '../core/system.js';
import type { CaLayout } from './layout.js';

export async function caChecks(sys: System, ca: CaLayout, passphrase: string | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  const privateDir = await sys.stat(`${ca.dir}/private`);
  checks.push({
    name: 'private folder is not readable by others',
    ok: privateDir !== undefined && (privateDir.mode & 0o077) === 0,
    evidence: privateDir ? `${ca.dir}/private has mode ${octal(privateDir.mode)}` : `${ca.dir}/private is missing`,
  });
  const dirStat = await sys.stat(ca.dir);
  const me = process.getuid?.() ?? 0;
  checks.push({
    name: 'CA folder owned by root (or by whoever runs lockstep)',
    ok: dirStat !== undefined && (dirStat.uid === 0 || dirStat.uid === me) && (dirStat.mode & 0o022) === 0,
    evidence: dirStat ? `${ca.dir} owner uid ${dirStat.uid}, mode ${octal(dirStat.mode)}` : `${ca.dir} is missing`,
  });
  const keyStat = await sys.stat(ca.key);
  checks.push({
    name: 'root key readable by its owner only',
    ok: keyStat !== undefined && (keyStat.mode & 0o077) === 0,
    evidence: keyStat ? `${ca.key} has mode ${octal(keyStat.mode)}` : `${ca.key} is missing`,
  });
  const keyPem = await sys.readText(ca.key);
  const certPem = await sys.readText(ca.cert);
  if (keyPem === undefined || certPem === undefined) {
    checks.push({ name: 'root key and certificate present', ok: false, evidence: `missing: ${keyPem === undefined ? ca.key : ca.cert}` });
    return checks;
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (error) {
    checks.push({ name: 'root certificate readable', ok: false, evidence: (error as Error).message });
    return checks;
  }
  checks.push({ name: 'root certificate is a CA (basicConstraints CA:TRUE)', ok: cert.ca, evidence: `subject ${cert.subject.replace(/\n/g, ', ')}` });
  checks.push({ name: 'root certificate is self-signed and valid now', ok: cert.verify(cert.publicKey) && Date.parse(cert.validTo) > Date.now(), evidence: `valid until ${cert.validTo}` });
  if (!keyPem.includes('ENCRYPTED')) {
    checks.push({ name: 'root key is encrypted', ok: false, evidence: `${ca.key} is stored without a passphrase` });
  }
  try {
    const key = createPrivateKey(passphrase !== undefined ? { key: keyPem, passphrase } : keyPem);
    checks.push({ name: 'passphrase opens the root key, which matches the certificate', ok: cert.checkPrivateKey(key), evidence: ca.key });
  } catch {
    checks.push({ name: 'passphrase opens the root key', ok: false, evidence: 'the passphrase given does not open the key' });
  }
  return checks;
}
