// Every certificate lockstep manages, from renewal's own inventory (listForRenewal: live/, the
// self-signed ones, the private CA's hosts, what nginx serves): days left against the renewal
// window, and for live/ folders checkLiveFiles — the verification `cert install` and `cert
// letsencrypt` end with — so a certificate a step just installed passes here.
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { fail, pass, seed, skip, verdict, warn, type AuditItem, type CheckGroup } from '../core/checks.js';
import type { System } from '../core/system.js';
import { LOCKSTEP_DIR, livePath } from './live-layout.js';
import { checkLiveFiles } from './live-checks.js';
import type { ManagedCert } from './managed.js';
import { listForRenewal } from './renew-list.js';

const TLS_SEED = seed('lockdown', 'Primero assumes HTTPS. SSL certificates will need to be obtained either through a local CA or purchased from an SSL vendor.');
/** Signed by its own key (checkIssued would also want keyCertSign, which a leaf lacks). */
const selfSigned = (c: X509Certificate): boolean => c.subject === c.issuer && c.verify(c.publicKey);
const slug = (name: string): string => name.toLowerCase().replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9_.-]/g, '_').replace(/^[^a-z0-9]+/, '').replace(/\.+$/, '') || 'unnamed';

function keyItem(id: string, c: ManagedCert, cert: X509Certificate | undefined, fix: string): AuditItem {
  const base = { id, title: `${c.name}: key type and size`, fix, seed: TLS_SEED };
  if (cert === undefined) return skip({ ...base, evidence: c.problem ?? `${c.certPath} unreadable` }, 'the certificate cannot be read');
  const k = cert.publicKey.asymmetricKeyDetails;
  const type = cert.publicKey.asymmetricKeyType ?? 'unknown';
  const bits = k?.modulusLength;
  const ok = type === 'rsa' ? (bits ?? 0) >= 2048 : type === 'ec' || type === 'ed25519';
  return verdict(ok, { ...base, evidence: `${type}${bits !== undefined ? ` ${bits} bits` : k?.namedCurve !== undefined ? ` ${k.namedCurve}` : ''}${ok ? '' : ': RSA below 2048 bits is refused by current clients'}` });
}

async function certItems(sys: System, c: ManagedCert, now: number): Promise<AuditItem[]> {
  const id = `tls.${slug(c.liveName ?? c.name)}`;
  const fix = c.record.command !== '' ? `lockstep renew${c.record.method === 'found' ? ' (lists it; renew it where it came from)' : ''}` : 'lockstep cert';
  const items: AuditItem[] = [];
  const pem = await sys.readText(c.certPath);
  let cert: X509Certificate | undefined;
  try {
    cert = pem === undefined ? undefined : new X509Certificate(pem);
  } catch {
    cert = undefined;
  }
  const base = { id: `${id}.expiry`, title: `${c.name}: days left before the renewal window`, fix, seed: TLS_SEED };
  if (c.problem !== undefined || c.notAfter === undefined) items.push(fail({ ...base, evidence: c.problem ?? `${c.certPath}: no dates` }));
  else {
    const evidence = `${sys.real(c.certPath)}: valid until ${c.notAfter}, ${c.daysLeft ?? '?'} day(s) left; the renewal window opens ${c.renewFrom ?? '?'}`;
    items.push(Date.parse(c.notAfter) <= now ? fail({ ...base, evidence: `${evidence}: EXPIRED` }) : c.due ? warn({ ...base, evidence: `${evidence}: due for renewal now` }) : pass({ ...base, evidence }));
  }
  const liveName = c.liveName ?? (c.certPath === livePath(c.name, 'cert') ? c.name : undefined);
  if (liveName !== undefined) {
    const hosts = ((c.record.answers.domain ?? c.record.answers.host) as readonly string[] | undefined) ?? c.names;
    const checks = await checkLiveFiles(sys, liveName, hosts);
    const bad = checks.filter((x) => !x.ok);
    const chain = (await sys.readText(livePath(liveName, 'chain'))) ?? '';
    const selfIssued = cert !== undefined && selfSigned(cert);
    const noChain = !selfIssued && chain.trim() === '' && cert !== undefined;
    items.push((bad.length === 0 && !noChain ? pass : fail)({
      id: `${id}.files`,
      title: `${c.name}: chain complete, key matches, every host name covered`,
      evidence: bad.length > 0 ? bad.map((x) => `${x.name}: ${x.evidence}`).join('; ') : noChain ? `${sys.real(livePath(liveName, 'chain'))} is empty: the certificate is issued by ${cert!.issuer.replace(/\n/g, ', ')}, whose certificate clients then lack (incomplete chain)` : checks.map((x) => `${x.name}: ${x.evidence}`).join('; '),
      fix: c.record.method === 'purchased' ? 'lockstep cert install (with the vendor\'s chain)' : fix,
      seed: TLS_SEED,
    }));
  } else if (cert !== undefined && c.record.method !== 'found') {
    const wanted = (c.record.answers.host as readonly string[] | undefined) ?? [];
    const missing = wanted.filter((h) => !c.names.includes(h));
    items.push(verdict(missing.length === 0, { id: `${id}.names`, title: `${c.name}: every host name covered`, evidence: missing.length > 0 ? `missing from subjectAltName: ${missing.join(', ')} (has ${c.names.join(', ')})` : `subjectAltName: ${c.names.join(', ') || '(none)'}`, fix, seed: TLS_SEED }));
  }
  items.push(keyItem(`${id}.key`, c, cert, fix));
  if (cert !== undefined && selfSigned(cert)) {
    items.push(warn({ id: `${id}.self-signed`, title: `${c.name}: issued by a CA clients trust`, evidence: `${sys.real(c.certPath)} is self-signed (${cert.subject.replace(/\n/g, ', ')}): browsers warn unless it is trusted by hand`, fix: 'lockstep cert (Let\'s Encrypt or a vendor for a public site)', seed: TLS_SEED }));
  }
  return items;
}

export const tlsChecks: CheckGroup = {
  prefix: 'tls',
  title: 'Certificates',
  async run({ sys, caDir, caName, now }) {
    const certs = await listForRenewal(sys, caDir, caName, now);
    if (certs.length === 0) {
      return [skip({ id: 'tls.present', title: 'Certificates lockstep manages', evidence: `nothing in ${sys.real(path.join(LOCKSTEP_DIR, 'renewal'))}, /etc/ssl/lockstep, the private CA's hosts or nginx's ssl_certificate lines`, fix: 'lockstep cert', seed: TLS_SEED }, 'no certificate is managed here')];
    }
    return (await Promise.all(certs.map((c) => certItems(sys, c, now)))).flat();
  },
};
