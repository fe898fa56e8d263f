// Reads what a certificate vendor sends (PEM, DER or PKCS#7, one file or a certificate plus a
// chain) and says exactly what is wrong with it before anything is installed.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { spawnChild } from '../core/spawn.js';
import { covers } from './live-checks.js';
import { pemBlocks } from './live-layout.js';
import { truncatedPem } from '../pki/pem.js';
import { sanDnsNames } from '../pki/x509.js';


/** Certificates in a file of any of the three formats vendors use; throws a readable message. */
export interface Loaded {
  readonly certs: X509Certificate[];
  /** A PKCS#7 bundle is a set: the order of its certificates means nothing. */
  readonly unordered: boolean;
}

export async function loadCertificates(data: Buffer, label: string): Promise<Loaded> {
  const text = data.toString('latin1');
  const pkcs7 = async (form: 'PEM' | 'DER'): Promise<X509Certificate[]> => {
    // Reads the bundle, changes nothing: a probe of the data, not of the machine, so no System.
    const r = await spawnChild({ argv: ['openssl', 'pkcs7', '-inform', form, '-print_certs'], input: data, capture: true, encoding: 'latin1', timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new Error(r.missing ? 'openssl is not installed' : r.stderr.trim() || `openssl pkcs7 exited ${r.exitCode ?? '?'}`);
    return pemBlocks(r.stdout).map((b) => new X509Certificate(b));
  };
  const cut = truncatedPem(text, label);
  if (cut !== undefined) throw new Error(cut);
  try {
    if (text.includes('-----BEGIN PKCS7-----')) return { certs: await pkcs7('PEM'), unordered: true };
    if (text.includes('-----BEGIN CERTIFICATE-----')) return { certs: pemBlocks(text).map((b) => new X509Certificate(b)), unordered: false };
    if (text.includes('-----BEGIN')) throw new Error('holds PEM, but no CERTIFICATE or PKCS7 block');
    try {
      return { certs: [new X509Certificate(data)], unordered: false };
    } catch {
      return { certs: await pkcs7('DER'), unordered: true };
    }
  } catch (error) {
    const why = (error as Error).message.split('\n')[0] ?? '';
    throw new Error(`${label} is not a certificate in PEM, DER or PKCS#7 form (${why})`);
  }
}

export interface BundleReport {
  readonly problems: readonly string[];
  readonly leaf?: X509Certificate;
  /** Intermediates in serving order (leaf's issuer first), roots left out. */
  readonly chain: readonly X509Certificate[];
  /** The trusted root the chain reaches. */
  readonly root?: X509Certificate;
  readonly notes: readonly string[];
}

const dn = (c: X509Certificate): string => c.subject.replace(/\n/g, ', ');
const issuedBy = (child: X509Certificate, parent: X509Certificate): boolean => child.checkIssued(parent) && child.verify(parent.publicKey);
const selfSigned = (c: X509Certificate): boolean => issuedBy(c, c);

export function analyseBundle(
  given: readonly X509Certificate[],
  keyPem: string,
  hosts: readonly string[],
  trusted: readonly X509Certificate[],
  unordered = false,
  now = Date.now(),
): BundleReport {
  const problems: string[] = [];
  const notes: string[] = [];
  let key;
  const cut = truncatedPem(keyPem, 'the key');
  if (cut !== undefined) return { problems: [cut], chain: [], notes };
  try {
    key = createPublicKey(createPrivateKey(keyPem));
  } catch (error) {
    return { problems: [`the key cannot be read: ${(error as Error).message}`], chain: [], notes };
  }
  const leafIndex = given.findIndex((c) => c.publicKey.equals(key));
  if (leafIndex === -1) {
    return { problems: ['key mismatch: no certificate given is for this private key (a certificate for another key, or the wrong key file)'], chain: [], notes };
  }
  const leaf = given[leafIndex] as X509Certificate;
  if (leafIndex !== 0 && !unordered) problems.push(`wrong order: the server certificate (${dn(leaf)}) must come first, it is number ${leafIndex + 1}`);

  const names = sanDnsNames(leaf);
  const missing = hosts.filter((h) => !covers(names, h));
  if (missing.length > 0) problems.push(`names: the certificate does not cover ${missing.join(', ')} (it names ${names.join(', ') || 'none'})`);
  for (const c of given) {
    if (Date.parse(c.validTo) <= now) problems.push(`expired: ${dn(c)} expired on ${c.validTo}`);
    else if (Date.parse(c.validFrom) > now + 300_000) problems.push(`not yet valid: ${dn(c)} is valid from ${c.validFrom}`);
  }

  // Walk up from the leaf through what was given; the order they were given in must match.
  const others = given.filter((_c, i) => i !== leafIndex);
  const chain: X509Certificate[] = [];
  let current = leaf;
  for (;;) {
    if (selfSigned(current)) break;
    const parent = others.find((c) => !chain.includes(c) && issuedBy(current, c));
    if (parent === undefined) break;
    chain.push(parent);
    current = parent;
  }
  const unused = others.filter((c) => !chain.includes(c));
  for (const c of unused) problems.push(`unrelated certificate: ${dn(c)} is not in the chain of ${dn(leaf)}`);
  const givenOrder = others.filter((c) => chain.includes(c));
  if (leafIndex === 0 && !unordered && givenOrder.some((c, i) => c !== chain[i])) {
    problems.push(`wrong order: the chain must go from the server certificate up, each one followed by its issuer: ${[leaf, ...chain].map(dn).join(' → ')}`);
  }
  const top = chain[chain.length - 1] ?? leaf;
  let root: X509Certificate | undefined;
  if (selfSigned(top)) {
    root = trusted.find((t) => t.fingerprint256 === top.fingerprint256);
    if (root === undefined) problems.push(`untrusted root: ${dn(top)} is not in the trust store`);
    else notes.push(`the bundle includes the root ${dn(top)}; it is left out of the served chain (clients have it)`);
  } else {
    root = trusted.find((t) => issuedBy(top, t));
    if (root === undefined) problems.push(`missing intermediate: ${dn(top)} was issued by ${top.issuer.replace(/\n/g, ', ')}, which is neither in the files given nor a trusted root`);
  }
  const served = chain.filter((c) => !selfSigned(c));
  return { problems, leaf, chain: served, ...(root !== undefined ? { root } : {}), notes };
}
