import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOpensslConfig } from '../../src/ca/openssl-config.js';
import { HOST_CERT_MAX_DAYS, lintOpensslConfig, type ConfigFinding } from '../../src/ca/openssl-config-lint.js';
import { fixture } from './openssl-config-helpers.js';

const lint = (text: string): ConfigFinding[] => lintOpensslConfig(parseOpensslConfig(text, { env: {} }));
const brief = (findings: readonly ConfigFinding[]): string[] =>
  findings.map((f) => `${f.severity} ${f.code} [ ${f.section} ] ${f.key}${f.line ? ` @${f.line}` : ''}`);

/** The org config.cnf the way lockstep means it: the seed's, with the unsafe parts fixed. */
const GOOD_ORG_CONFIG = `default_bits            = 4096
distinguished_name      = req_distinguished_name
prompt                  = yes
string_mask             = utf8only

[ ca ]
default_ca = couch_ca

[ couch_ca ]
dir = /etc/pki/CA
new_certs_dir = $dir/newcerts/
database = $dir/index.txt
certificate = $dir/certs/couch_ca.cert
private_key = $dir/private/couch_ca.pem
default_days = ${HOST_CERT_MAX_DAYS}
default_md   = sha256
policy       = policy_match
serial       = $dir/serial
preserve = yes
x509_extensions = host_cert
copy_extensions = copy

[ host_cert ]
basicConstraints = critical,CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth

[ policy_match ]
commonName = supplied

[ req_distinguished_name ]
commonName                  = Couch DB Host
`;

describe("linter: the seed's config.cnf", () => {
  const findings = lint(fixture('seed-config.cnf'));

  test('flags md5, the 3650-day host validity, nombstr, the missing extensions, and notes encrypt_key = no', () => {
    assert.deepEqual(brief(findings), [
      'note unencrypted-keys [ default ] encrypt_key @3',
      'warning obsolete-string-mask [ default ] string_mask @5',
      'warning long-validity [ couch_ca ] default_days @16',
      'error weak-digest [ couch_ca ] default_md @17',
      'warning no-extensions [ couch_ca ] x509_extensions',
    ]);
  });

  test('says why, in words an operator can act on', () => {
    const byCode = new Map(findings.map((f) => [f.code, f]));
    assert.match(byCode.get('weak-digest')!.message, /signed with md5/);
    assert.match(byCode.get('weak-digest')!.why, /sha256/);
    assert.match(byCode.get('long-validity')!.message, /3650 days/);
    assert.match(byCode.get('long-validity')!.why, /Apple.*825 days.*private root/s);
    assert.match(byCode.get('obsolete-string-mask')!.why, /utf8only/);
    assert.match(byCode.get('no-extensions')!.why, /subjectAltName/);
    for (const f of findings) assert.ok(f.why.length > 60, f.code);
  });
});

describe('linter: clean and real files', () => {
  test('the org config lockstep means to write has no findings', () => {
    assert.deepEqual(lint(GOOD_ORG_CONFIG), []);
  });

  test("Debian's and RHEL's openssl.cnf as shipped have no findings", () => {
    assert.deepEqual(lint(fixture('debian-12.cnf')), []);
    assert.deepEqual(lint(fixture('rhel-9.cnf')), []);
  });

  test("the Ubuntu file, as its owner left it, runs the whole machine at security level 0", () => {
    assert.deepEqual(brief(lint(fixture('ubuntu-22.04.cnf'))), ['warning low-security-level [ system_default_sect ] CipherString @397']);
  });

  test("after the seed's edits, Debian's root certificates lose the critical flag on basicConstraints", () => {
    const doc = parseOpensslConfig(fixture('debian-12.cnf'));
    doc.set('v3_ca', 'basicConstraints', 'CA:true');
    assert.deepEqual(brief(lintOpensslConfig(doc)), ['warning ca-not-critical [ v3_ca ] basicConstraints @250']);
    doc.set('v3_ca', 'basicConstraints', 'critical,CA:true');
    assert.deepEqual(lintOpensslConfig(doc), []);
  });
});

describe('linter: each check', () => {
  const withCa = (ca: string, rest = ''): string =>
    `[ ca ]\ndefault_ca = my_ca\n[ my_ca ]\ndefault_md = sha256\npolicy = pol\nx509_extensions = ext\n${ca}\n[ pol ]\ncommonName = supplied\n[ ext ]\nbasicConstraints = CA:FALSE\n${rest}`;

  test('baseline is clean', () => assert.deepEqual(lint(withCa('')), []));

  test('copy_extensions = copyall', () => {
    const [f] = lint(withCa('copy_extensions = copyall'));
    assert.equal(f?.code, 'copy-all-extensions');
    assert.match(f!.why, /CA:TRUE/);
    assert.deepEqual(lint(withCa('copy_extensions = copy')), []);
  });

  test('short RSA keys and SHA-1, wherever openssl req would read them', () => {
    assert.deepEqual(brief(lint(`default_bits = 1024\n${withCa('', '[ req ]\ndefault_md = sha1\n')}`)), [
      'error short-key [ default ] default_bits @1',
      'error weak-digest [ req ] default_md @14',
    ]);
    assert.deepEqual(lint(withCa('', '[ req ]\ndefault_bits = 2048\n')), []);
  });

  test('a CA section without a policy, or naming sections that do not exist', () => {
    const noPolicy = lint('[ ca ]\ndefault_ca = c\n[ c ]\ndefault_md = sha256\nx509_extensions = e\n[ e ]\nbasicConstraints = CA:FALSE\n');
    assert.deepEqual(brief(noPolicy), ['error missing-policy [ c ] policy']);
    assert.match(noPolicy[0]!.why, /will not sign/);
    assert.deepEqual(brief(lint('[ ca ]\ndefault_ca = nowhere\n')), ['error missing-section [ ca ] default_ca @2']);
    assert.deepEqual(brief(lint(withCa('').replace('policy = pol', 'policy = policy_gone'))), ['error missing-section [ my_ca ] policy @5']);
  });

  test('host certificates that would be CAs', () => {
    assert.deepEqual(brief(lint(withCa('').replace('basicConstraints = CA:FALSE', 'basicConstraints = critical, CA:TRUE'))), [
      'error host-is-ca [ ext ] basicConstraints @11',
    ]);
  });

  test('a file openssl cannot load: one finding, the first error, as openssl would report it', () => {
    const findings = lint('[ ca ]\ndefault_ca = c\n[ c ]\ndir = $nowhere\ncerts = $dir/certs\n');
    assert.equal(findings[0]?.code, 'load-error');
    assert.match(findings[0]!.message, /line 4: "\$nowhere" is used before it has a value/);
    assert.equal(findings.filter((f) => f.code === 'load-error').length, 1);
  });
});
