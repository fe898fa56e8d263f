// The guide's openssl.cnf changes, made with the round-tripping editor so only those lines move,
// and the organisation defaults read back from an existing config.cnf.
import { lintOpensslConfig } from './openssl-config-lint.js';
import { parseOpensslConfig, quoteConfigValue } from './openssl-config.js';
import { SUBJECT_FIELDS } from './subject.js';

export interface EditedConfig {
  readonly after: string;
  readonly changes: readonly string[];
}

const bare = (value: string): string => (/^[A-Za-z0-9_./:-]+$/.test(value) ? value : quoteConfigValue(value));

export function seedEdits(text: string, caDir: string): EditedConfig {
  const doc = parseOpensslConfig(text, { env: {} });
  doc.set('CA_default', 'dir', bare(caDir));
  doc.set('usr_cert', 'keyUsage', 'nonRepudiation, digitalSignature, keyEncipherment');
  doc.set('usr_cert', 'nsComment', '"OpenSSL Generated Certificate"');
  // The guide writes "CA:true" and a plain keyUsage; RFC 5280 wants both critical in a CA.
  doc.set('v3_ca', 'basicConstraints', 'critical,CA:true');
  doc.set('v3_ca', 'keyUsage', 'critical, cRLSign, keyCertSign');
  return { after: doc.toString(), changes: doc.edits.map((e) => e.description) };
}

/** `*_default` values of [ req_distinguished_name ], keyed by subject question id. */
export function readOrgDefaults(text: string): Record<string, string> {
  const doc = parseOpensslConfig(text, { env: {} });
  const out: Record<string, string> = {};
  for (const f of SUBJECT_FIELDS) {
    const value = doc.resolve('req_distinguished_name', `${f.cnfKey}_default`);
    if (value !== undefined && value !== '') out[f.id] = value;
  }
  return out;
}

/** Warnings about a config, one line each, for the notes shown with the plan. */
export function configWarnings(text: string, label: string): string[] {
  return lintOpensslConfig(parseOpensslConfig(text, { env: {} }))
    .filter((f) => f.severity !== 'note')
    .map((f) => `${label} [ ${f.section} ] ${f.key}: ${f.message} (${f.why})`);
}
