// Findings on an openssl.cnf or an org config.cnf, in words an operator can act on. Values are
// read the way openssl reads them (expanded, with the default-section fallback), so a setting
// in the seed's top-of-file block counts for `openssl req` just as it does for openssl.

import { DEFAULT_SECTION, type OpensslConfig } from './openssl-config.js';

export type FindingSeverity = 'error' | 'warning' | 'note';

export type FindingCode =
  | 'load-error'
  | 'missing-section'
  | 'weak-digest'
  | 'short-key'
  | 'missing-policy'
  | 'long-validity'
  | 'copy-all-extensions'
  | 'no-extensions'
  | 'host-is-ca'
  | 'ca-not-critical'
  | 'obsolete-string-mask'
  | 'unencrypted-keys'
  | 'low-security-level';

export interface ConfigFinding {
  readonly code: FindingCode;
  readonly severity: FindingSeverity;
  readonly section: string;
  readonly key: string;
  /** 1-based line of the setting, when it is in the file. */
  readonly line?: number;
  readonly message: string;
  readonly why: string;
}

/** Apple platforms refuse TLS server certificates valid longer than this, even from private roots. */
export const HOST_CERT_MAX_DAYS = 825;
export const MIN_RSA_BITS = 2048;
const WEAK_DIGESTS = new Set(['md2', 'md4', 'md5', 'mdc2', 'sha1', 'sha-1', 'ripemd160', 'rmd160']);

interface Setting {
  readonly section: string;
  readonly key: string;
  readonly line?: number;
  readonly value?: string | undefined;
}

export function lintOpensslConfig(doc: OpensslConfig): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const sections = new Set(doc.sections());
  const setting = (section: string, key: string): Setting => {
    const own = doc.entry(section, key);
    const home = own ? section : doc.entry(DEFAULT_SECTION, key) ? DEFAULT_SECTION : section;
    return { section: home, key, line: (own ?? doc.entry(DEFAULT_SECTION, key))?.line, value: doc.resolve(section, key) };
  };
  const add = (code: FindingCode, severity: FindingSeverity, at: Setting, message: string, why: string): void => {
    findings.push({ code, severity, section: at.section, key: at.key, ...(at.line ? { line: at.line } : {}), message, why });
  };
  /** A setting that names another section: flag it when that section is not in the file. */
  const sectionNamedBy = (at: Setting, consequence: string): string | undefined => {
    if (at.value === undefined) return undefined;
    if (sections.has(at.value)) return at.value;
    add('missing-section', 'error', at, `[ ${at.section} ] ${at.key} names [ ${at.value} ], which is not in this file.`, consequence);
    return undefined;
  };

  const problem = doc.problems()[0];
  if (problem) {
    add('load-error', 'error', problem, `openssl will refuse this file: line ${problem.line}: ${problem.message}.`,
      'OpenSSL stops at the first error in a configuration file, so every command that reads it fails.');
  }

  const weakDigest = (at: Setting, use: string): void => {
    if (at.value === undefined || !WEAK_DIGESTS.has(at.value.toLowerCase())) return;
    add('weak-digest', 'error', at, `${use} signed with ${at.value}.`,
      `${at.value.toUpperCase()} is broken: colliding certificates can be computed, so a signature on one harmless request can be reused for a forged certificate (the 2008 rogue-CA attack used MD5). Current clients reject ${at.value.toUpperCase()} signatures. Use sha256.`);
  };

  const caName = setting('ca', 'default_ca');
  const ca = sectionNamedBy(caName, 'openssl ca reads every CA setting from that section and stops when it is missing.');
  if (ca) {
    weakDigest(setting(ca, 'default_md'), 'Certificates issued by this CA are');
    const days = setting(ca, 'default_days');
    if (days.value !== undefined && Number(days.value) > HOST_CERT_MAX_DAYS) {
      add('long-validity', 'warning', days, `Host certificates signed by this CA are valid for ${days.value} days.`,
        `Apple platforms (macOS, iOS) reject TLS server certificates valid for more than ${HOST_CERT_MAX_DAYS} days, even when they chain to a private root installed by hand, so those clients cannot connect. Sign host certificates for ${HOST_CERT_MAX_DAYS} days or less and renew them; only the root certificate should live longer.`);
    }
    const policy = setting(ca, 'policy');
    if (policy.value === undefined) {
      add('missing-policy', 'error', policy, `The CA section [ ${ca} ] has no policy.`,
        'openssl ca will not sign without one: the policy says which subject fields a request must supply or match (for example commonName = supplied), so requests cannot slip in arbitrary names.');
    } else sectionNamedBy(policy, 'openssl ca stops when the policy section is missing.');
    const copy = setting(ca, 'copy_extensions');
    if (copy.value?.toLowerCase() === 'copyall') {
      add('copy-all-extensions', 'warning', copy, 'The CA copies every extension from a request into the certificate.',
        'A request can carry basicConstraints CA:TRUE or extra subjectAltNames; copyall signs them, handing out a working sub-CA or a certificate for names nobody approved. Use copy (which only adds what the CA does not set itself) with basicConstraints = CA:FALSE in the CA\'s extension section.');
    }
    const extensions = setting(ca, 'x509_extensions');
    if (extensions.value === undefined && !/^copy(all)?$/i.test(copy.value ?? '')) {
      add('no-extensions', 'warning', extensions, `The CA section [ ${ca} ] adds no extensions to the certificates it signs.`,
        'openssl ca then issues bare version 1 certificates: no basicConstraints CA:FALSE, no keyUsage, no subjectAltName. Clients match the host name against subjectAltName only (the CN has been ignored for years), so such a host certificate fails verification. Set x509_extensions to a section with basicConstraints = CA:FALSE and the usages you want.');
    }
    const hostExt = sectionNamedBy(extensions, 'openssl ca stops when its extension section is missing.');
    const hostConstraints = hostExt ? setting(hostExt, 'basicConstraints') : undefined;
    if (hostConstraints?.value && /\bCA:\s*TRUE\b/i.test(hostConstraints.value)) {
      add('host-is-ca', 'error', hostConstraints, `Certificates signed by this CA are CAs themselves (${hostConstraints.value} in [ ${hostExt} ]).`,
        'Any host holding such a certificate could issue certificates that every machine trusting your root accepts. Host certificates need basicConstraints = CA:FALSE.');
    }
  }

  const bits = setting('req', 'default_bits');
  if (bits.value !== undefined && /^\d+$/.test(bits.value) && Number(bits.value) < MIN_RSA_BITS) {
    add('short-key', 'error', bits, `New RSA keys are ${bits.value} bits.`,
      `RSA keys shorter than ${MIN_RSA_BITS} bits can be factored with enough computing power, and OpenSSL at the default security level of Debian and Ubuntu refuses them, so TLS with them fails. Use ${MIN_RSA_BITS} bits or more (the seed uses 4096 for the root).`);
  }
  weakDigest(setting('req', 'default_md'), 'Requests and self-signed roots made with this file are');
  const mask = setting('req', 'string_mask');
  if (mask.value?.toLowerCase() === 'nombstr') {
    add('obsolete-string-mask', 'warning', mask, 'string_mask = nombstr is obsolete.',
      'It forbids UTF8String, so names with accents (Zürich, Québec) are encoded wrongly or refused, and it exists only for software from the 1990s. RFC 5280 wants UTF8String; utf8only is also openssl\'s default.');
  }
  const encrypt = setting('req', 'encrypt_key');
  if (encrypt.value?.toLowerCase() === 'no') {
    add('unencrypted-keys', 'note', encrypt, 'Keys made by openssl req with this file are written unencrypted.',
      'That suits host keys a service must read at boot without anyone typing a passphrase. It must never apply to the CA key: lockstep creates the root key itself, encrypted with AES-256.');
  }
  sectionNamedBy(setting('req', 'distinguished_name'), 'openssl req stops with "unable to find distinguished_name" when it is missing.');
  const rootExt = sectionNamedBy(setting('req', 'x509_extensions'), 'openssl req -x509 stops when its extension section is missing.');
  const rootConstraints = rootExt ? setting(rootExt, 'basicConstraints') : undefined;
  if (rootConstraints?.value && /\bCA:\s*TRUE\b/i.test(rootConstraints.value) && !/\bcritical\b/i.test(rootConstraints.value)) {
    add('ca-not-critical', 'warning', rootConstraints, `[ ${rootExt} ] basicConstraints = ${rootConstraints.value} is not marked critical.`,
      'RFC 5280 requires CA certificates to mark basicConstraints critical, so that software which does not understand it refuses the certificate instead of ignoring the CA flag. Write critical,CA:true (Debian\'s default, which the seed\'s edit drops).');
  }

  lintSecurityLevel(doc, sections, add);
  const seen = new Set<string>();
  return findings
    .filter((f) => !seen.has(`${f.code}:${f.section}:${f.key}:${f.line}`) && seen.add(`${f.code}:${f.section}:${f.key}:${f.line}`))
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

/** The system-wide TLS defaults: openssl_conf → ssl_conf → system_default → CipherString. */
function lintSecurityLevel(
  doc: OpensslConfig,
  sections: ReadonlySet<string>,
  add: (code: FindingCode, severity: FindingSeverity, at: Setting, message: string, why: string) => void,
): void {
  const hop = (section: string | undefined, key: string): string | undefined => {
    const next = section === undefined ? undefined : doc.resolve(section, key);
    return next !== undefined && sections.has(next) ? next : undefined;
  };
  const tls = hop(hop(hop(DEFAULT_SECTION, 'openssl_conf'), 'ssl_conf'), 'system_default');
  const cipher = tls === undefined ? undefined : doc.entry(tls, 'CipherString');
  const level = cipher === undefined ? undefined : /@SECLEVEL=([01])\b/.exec(doc.resolve(tls!, 'CipherString') ?? '')?.[1];
  if (tls === undefined || cipher === undefined || level === undefined) return;
  add('low-security-level', 'warning', { section: tls, key: 'CipherString', line: cipher.line, value: cipher.raw },
    `Every program on this machine using OpenSSL runs at security level ${level}.`,
    `Level ${level} accepts ${level === '0' ? 'anything, including MD5 signatures, tiny keys and export ciphers' : 'SHA-1 signatures and 1024-bit RSA keys'}. Debian and Ubuntu default to level 2; lower it only for a named legacy peer, not system-wide.`);
}
