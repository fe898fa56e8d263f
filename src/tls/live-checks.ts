// Checks the files in /etc/lockstep/live/<name>/ as a web server will use them.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { octal } from '../core/actions.js';
import type { Check } from '../core/events.js';
import type { System } from '../core/system.js';
import { sanDnsNames, subjectLine } from '../pki/x509.js';
import { livePath, pemBlocks } from './live-layout.js';

/** Whether a certificate names `host`, a wildcard covering one label included. */
export function covers(names: readonly string[], host: string): boolean {
  return names.some((n) => n === host || (n.startsWith('*.') && host.split('.').slice(1).join('.') === n.slice(2)));
}

export async function checkLiveFiles(sys: System, name: string, hosts: readonly string[]): Promise<Check[]> {
  const checks: Check[] = [];
  const keyStat = await sys.stat(livePath(name, 'privkey'));
  checks.push({
    name: 'private key readable by its owner only',
    ok: keyStat !== undefined && (keyStat.mode & 0o077) === 0,
    evidence: keyStat === undefined ? `${livePath(name, 'privkey')} is missing` : `mode ${octal(keyStat.mode)}`,
  });
  const [certPem, chainPem, fullPem, keyPem] = await Promise.all(
    (['cert', 'chain', 'fullchain', 'privkey'] as const).map((f) => sys.readText(livePath(name, f))),
  );
  if (certPem === undefined || chainPem === undefined || fullPem === undefined || keyPem === undefined) {
    checks.push({ name: 'cert, chain, fullchain and privkey present', ok: false, evidence: `missing in ${livePath(name, 'cert').replace(/\/[^/]+$/, '')}` });
    return checks;
  }
  let cert: X509Certificate;
  let chain: X509Certificate[];
  try {
    cert = new X509Certificate(certPem);
    chain = pemBlocks(chainPem).map((b) => new X509Certificate(b));
    checks.push({ name: 'key matches certificate', ok: cert.checkPrivateKey(createPrivateKey(keyPem)), evidence: `${livePath(name, 'cert')} against ${livePath(name, 'privkey')}` });
  } catch (error) {
    checks.push({ name: 'certificate, chain and key readable', ok: false, evidence: (error as Error).message });
    return checks;
  }
  const names = sanDnsNames(cert);
  const missing = hosts.filter((h) => !covers(names, h));
  checks.push({ name: 'every name in subjectAltName', ok: missing.length === 0, evidence: missing.length ? `missing: ${missing.join(', ')}` : names.join(', ') });
  const now = Date.now();
  checks.push({ name: 'valid now', ok: Date.parse(cert.validFrom) <= now + 300_000 && Date.parse(cert.validTo) > now, evidence: `${cert.validFrom} → ${cert.validTo}` });
  const linked = chain.every((c, i) => (i === 0 ? cert : chain[i - 1])?.checkIssued(c) === true);
  checks.push({ name: 'chain in order, each certificate issued by the next', ok: linked, evidence: [cert, ...chain].map(subjectLine).join(' ← ') });
  checks.push({ name: 'fullchain.pem is cert.pem then chain.pem', ok: fullPem === certPem + chainPem, evidence: `${pemBlocks(fullPem).length} certificates` });
  return checks;
}
