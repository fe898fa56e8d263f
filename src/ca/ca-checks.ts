// Checks of a CA on disk, shared by `ca init` (verify, adopt) and `ca sign` (facts): the key
// opens with the passphrase, matches the root certificate, the certificate is a CA, and the
// private folder and key are root's alone.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { octal } from '../core/actions.js';
import type { Check } from '../core/events.js';
import type { System } from '../core/system.js';
import { seed, skip, verdict, withStatus, type AuditItem, type CheckGroup } from '../core/checks.js';
import { crlChecks } from './crl.js';
import { parseIndex } from './index-db.js';
import { caLayout, DEFAULT_OPENSSL_CNF, type CaLayout } from './layout.js';
import { parseOpensslConfig } from './openssl-config.js';
import { lintOpensslConfig } from './openssl-config-lint.js';

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

const CA_SEED = (sentence: string) => seed('ca', sentence);

/** The checklist's ca. group: the CA on disk as `ca init` verifies it (caChecks), read-only and without the passphrase. */
export const caAuditChecks: CheckGroup = {
  prefix: 'ca',
  title: 'Private CA',
  async run({ sys, caDir, caName, now }) {
    const ca = caLayout(caDir, caName);
    const base = { fix: 'lockstep ca init (adopts an existing CA and says what is wrong)', seed: CA_SEED('The CouchDB SSL cert uses a private CA whose root certificate is distributed automatically to all of the servers to verify communication.') };
    if ((await sys.stat(ca.dir)) === undefined) return [skip({ ...base, id: 'ca.present', title: 'Private CA', evidence: `${sys.real(ca.dir)} does not exist` }, 'no private CA on this server')];
    const checks = (await caChecks(sys, ca, undefined)).filter((c) => !c.name.startsWith('passphrase opens'));
    const find = (start: string): Check | undefined => checks.find((c) => c.name.startsWith(start));
    const item = (id: string, title: string, start: string, sentence: string, missing = 'not checked: an earlier check failed'): AuditItem => {
      const c = find(start);
      return verdict(c?.ok === true, { id, title, evidence: c?.evidence ?? missing, fix: base.fix, seed: CA_SEED(sentence) });
    };
    const items: AuditItem[] = [
      item('ca.private-dir', 'private/ is 0700', 'private folder', 'chmod 700 private'),
      item('ca.key-mode', 'The root key is 0600', 'root key readable', 'sudo chmod 600 /etc/pki/CA/private/couch_ca.pem'),
    ];
    const keyPem = await sys.readText(ca.key);
    items.push(verdict(keyPem !== undefined && keyPem.includes('ENCRYPTED'), { id: 'ca.key-encrypted', title: 'The root key is encrypted', evidence: keyPem === undefined ? `${ca.key} is missing` : keyPem.includes('ENCRYPTED') ? `${ca.key} is an encrypted PEM` : `${ca.key} is stored without a passphrase`, fix: base.fix, seed: CA_SEED('sudo openssl genrsa -aes256 -out /etc/pki/CA/private/couch_ca.pem 4096') }));
    const certPem = await sys.readText(ca.cert);
    let left: number | undefined;
    try {
      if (certPem !== undefined) left = Math.floor((Date.parse(new X509Certificate(certPem).validTo) - now) / 86_400_000);
    } catch {
      left = undefined;
    }
    const valid = find('root certificate is self-signed');
    const validity = { id: 'ca.root-validity', title: 'The root certificate is valid for a year or more', evidence: `${valid?.evidence ?? `${ca.cert} is missing or unreadable`}${left !== undefined ? ` (${left} days left)` : ''}`, fix: base.fix, seed: CA_SEED('sudo openssl req -new -x509 -days 3650 -key /etc/pki/CA/private/couch_ca.pem') };
    items.push(withStatus(validity, valid?.ok !== true ? 'fail' : left !== undefined && left < 365 ? 'warn' : 'pass'));
    // The digest as openssl reads it (openssl-config-lint, the lint `ca init` applies to the seed's edits).
    const files = [(await sys.stat(ca.dedicatedCnf)) !== undefined ? ca.dedicatedCnf : DEFAULT_OPENSSL_CNF, ca.orgConfig];
    const weak: string[] = [];
    const mds: string[] = [];
    for (const file of files) {
      const text = await sys.readText(file);
      if (text === undefined) continue;
      const doc = parseOpensslConfig(text, { env: {} });
      mds.push(...[...text.matchAll(/^\s*default_md\s*=\s*(\S+)/gm)].map((m) => `${file}: default_md = ${m[1]}`));
      weak.push(...lintOpensslConfig(doc).filter((f) => f.code === 'weak-digest').map((f) => `${file}${f.line !== undefined ? `:${f.line}` : ''} [${f.section}] ${f.key}: ${f.message}`));
    }
    items.push(verdict(weak.length === 0, { id: 'ca.digest', title: 'The CA signs with SHA-256 or better (not md5/sha1)', evidence: weak.length > 0 ? weak.join('; ') : mds.length > 0 ? `${mds.join('; ')} (default: the key's own, SHA-256)` : 'no default_md set: openssl uses SHA-256', fix: base.fix, seed: CA_SEED('default_md   = md5') }));
    const crl = (await crlChecks(sys, ca))[0]!;
    items.push(verdict(crl.ok, { id: 'ca.crl', title: 'The CRL\'s next update is in the future', evidence: crl.evidence, fix: 'lockstep ca crl', seed: CA_SEED('The CouchDB SSL cert uses a private CA whose root certificate is distributed automatically to all of the servers to verify communication.') }));
    const index = await sys.readText(ca.index);
    const lines = (index ?? '').split('\n').filter((l) => l.trim() !== '');
    const entries = parseIndex(index ?? '', new Date(now));
    const serials = entries.map((e) => e.serial.toUpperCase());
    const dupes = serials.filter((s, i) => serials.indexOf(s) !== i);
    items.push(verdict(index !== undefined && entries.length === lines.length && dupes.length === 0, { id: 'ca.index', title: 'index.txt is consistent', evidence: index === undefined ? `${ca.index} is missing` : `${entries.length} of ${lines.length} line(s) readable${dupes.length > 0 ? `; serial(s) listed twice: ${[...new Set(dupes)].join(', ')}` : ''}`, fix: base.fix, seed: CA_SEED('touch index.txt') }));
    return items;
  },
};
