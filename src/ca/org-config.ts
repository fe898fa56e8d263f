// The organisation's config.cnf, shaped like the seed's example with the operator's answers,
// but safe today: sha256 instead of md5, host certificates limited to 825 days, utf8 strings,
// and a host-certificate extension section so a certificate made by hand with
// `openssl ca -in HOST.csr -config config.cnf` is a proper v3 server certificate.
import type { Answers } from '../core/questions.js';
import { SUBJECT_FIELDS } from './subject.js';

export const HOST_MAX_DAYS = 825;

export interface OrgConfigInput {
  /** The CA directory as on the server (never a --root path: see ca-config.ts). */
  readonly dir: string;
  readonly name: string;
  readonly digest: string;
  readonly answers: Answers;
}

export function orgConfigText(input: OrgConfigInput): string {
  const { dir, name, digest, answers } = input;
  const value = (id: string): string => ((answers[id] as string | undefined) ?? '').replace(/[\r\n]/g, '');
  const dn = SUBJECT_FIELDS.filter((f) => f.id !== 'cn');
  return [
    `# Organisation settings for the private CA "${name}", written by lockstep.`,
    '# Based on the CA set-up guide\'s example config.cnf, with these changes for safety:',
    '#   default_md sha256 (the example\'s md5 is broken), host certificates at most',
    `#   ${HOST_MAX_DAYS} days (Apple platforms reject longer ones), string_mask utf8only.`,
    'default_bits            = 2048',
    'distinguished_name      = req_distinguished_name',
    'encrypt_key             = no',
    'prompt                  = yes',
    'string_mask             = utf8only',
    '',
    '[ ca ]',
    `default_ca = ${name}`,
    '',
    `[ ${name} ]`,
    `dir              = ${dir}`,
    'new_certs_dir    = $dir/newcerts/',
    'database         = $dir/index.txt',
    `certificate      = $dir/certs/${name}.cert`,
    `private_key      = $dir/private/${name}.pem`,
    'serial           = $dir/serial',
    'crlnumber        = $dir/crlnumber',
    `crl              = $dir/crl/${name}.crl`,
    `default_days     = ${HOST_MAX_DAYS}`,
    'default_crl_days = 30',
    `default_md       = ${digest}`,
    'policy           = policy_match',
    'preserve         = yes',
    'x509_extensions  = host_cert',
    'copy_extensions  = none',
    '',
    '[ policy_match ]',
    'commonName             = supplied',
    'organizationName       = optional',
    'countryName            = optional',
    'emailAddress           = optional',
    '',
    '[ host_cert ]',
    'basicConstraints       = critical, CA:false',
    'keyUsage               = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage       = serverAuth, clientAuth',
    'subjectKeyIdentifier   = hash',
    'authorityKeyIdentifier = keyid, issuer',
    '',
    '[ req_distinguished_name ]',
    'countryName                 = Country Name',
    'stateOrProvinceName         = State Name',
    'localityName                = City Name',
    '0.organizationName          = Company/Organization',
    'emailAddress                = Email Address',
    'commonName                  = Host Name',
    '',
    ...dn.map((f) => `${`${f.cnfKey}_default`.padEnd(27)} = ${value(f.id)}`),
    '',
  ].join('\n');
}
