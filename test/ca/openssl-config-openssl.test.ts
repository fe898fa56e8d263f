import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseOpensslConfig, type OpensslConfig } from '../../src/ca/openssl-config.js';
import { fixture, runOpenssl, withTempDir } from './openssl-config-helpers.js';

const SEED_EDITS = [
  ['CA_default', 'dir', '/etc/pki/CA'],
  ['usr_cert', 'keyUsage', 'nonRepudiation, digitalSignature, keyEncipherment'],
  ['usr_cert', 'nsComment', '"OpenSSL Generated Certificate"'],
  ['v3_ca', 'basicConstraints', 'CA:true'],
  ['v3_ca', 'keyUsage', 'cRLSign, keyCertSign'],
] as const;

// The real openssl, on files in a temporary directory only; the environment is pinned so that
// no OPENSSL_CONF of the machine running the tests gets in the way.
const ENV = { PATH: process.env.PATH, HOME: '/nonexistent' };

function openssl(dir: string, ...args: string[]): string {
  const run = runOpenssl(args, { cwd: dir, env: ENV });
  assert.equal(run.status, 0, `openssl ${args.join(' ')}\n${run.stderr}`);
  return run.stdout;
}

const CRYPTO_POLICY = '/etc/crypto-policies/back-ends/opensslcnf.config';

/**
 * The fixture with the seed's edits, ready to run in `dir`. RHEL's file includes the
 * crypto-policies back-end, which a Debian test machine does not have: a stand-in with the
 * settings of RHEL 9's DEFAULT policy is written in `dir` and the include pointed at it.
 */
function seeded(name: string, dir: string): OpensslConfig {
  let text = fixture(name);
  if (text.includes(CRYPTO_POLICY)) {
    writeFileSync(join(dir, 'opensslcnf.config'), 'CipherString = @SECLEVEL=2:kEECDH:kRSA:kEDH:kPSK:kDHEPSK:kECDHEPSK:-aDSS:-3DES:!DES:!RC4:!RC2:!IDEA:-SEED:!eNULL:!aNULL:!MD5:-SHA384:-CAMELLIA:-ARIA:-AESCCM8\nMinProtocol = TLSv1.2\n');
    text = text.replace(CRYPTO_POLICY, join(dir, 'opensslcnf.config'));
  }
  const doc = parseOpensslConfig(text, { env: {} });
  for (const [s, k, v] of SEED_EDITS) doc.set(s, k, v);
  return doc;
}

describe("RHEL's openssl.cnf away from RHEL", () => {
  test('without the crypto-policies back-end every openssl command fails (config_diagnostics = 1)', { skip: existsSync(CRYPTO_POLICY) }, () => {
    withTempDir((dir) => {
      writeFileSync(join(dir, 'openssl.cnf'), fixture('rhel-9.cnf'));
      const run = runOpenssl(['req', '-config', 'openssl.cnf', '-new', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
        '-nodes', '-keyout', 'k', '-out', 'c', '-subj', '/CN=t'], { cwd: dir, env: ENV });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /ssl command section empty/);
    });
  });
});

for (const name of ['debian-12.cnf', 'ubuntu-22.04.cnf', 'rhel-9.cnf']) {
  describe(`openssl accepts ${name} after the seed's edits`, () => {
    test('a root certificate made with -extensions v3_ca is a CA with the seed\'s key usage', () => {
      withTempDir((dir) => {
        writeFileSync(join(dir, 'openssl.cnf'), seeded(name, dir).toString());
        openssl(dir, 'req', '-config', 'openssl.cnf', '-new', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
          '-nodes', '-keyout', 'k', '-out', 'c', '-subj', '/CN=t', '-extensions', 'v3_ca');
        const ext = openssl(dir, 'x509', '-in', 'c', '-noout', '-ext', 'basicConstraints,keyUsage');
        assert.match(ext, /X509v3 Basic Constraints: *\n *CA:TRUE/);
        assert.match(ext, /X509v3 Key Usage: *\n *Certificate Sign, CRL Sign/);
      });
    });

    test('openssl ca signs a host certificate with the uncommented keyUsage and the added nsComment', () => {
      withTempDir((dir) => {
        const doc = seeded(name, dir);
        doc.set('CA_default', 'dir', dir); // the seed's /etc/pki/CA, moved under the temporary directory
        writeFileSync(join(dir, 'openssl.cnf'), doc.toString());
        mkdirSync(join(dir, 'newcerts'));
        mkdirSync(join(dir, 'private'), { mode: 0o700 });
        writeFileSync(join(dir, 'index.txt'), '');
        writeFileSync(join(dir, 'serial'), '1000\n');
        const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
        openssl(dir, 'req', '-config', 'openssl.cnf', '-new', '-x509', ...ec, '-keyout', 'private/cakey.pem',
          '-out', 'cacert.pem', '-subj', '/CN=Test Root', '-extensions', 'v3_ca', '-days', '30');
        openssl(dir, 'req', '-config', 'openssl.cnf', '-new', ...ec, '-keyout', 'host.key', '-out', 'host.csr', '-subj', '/CN=host.example');
        openssl(dir, 'ca', '-config', 'openssl.cnf', '-batch', '-policy', 'policy_anything', '-days', '30', '-in', 'host.csr', '-out', 'host.crt');
        const ext = openssl(dir, 'x509', '-in', 'host.crt', '-noout', '-ext', 'basicConstraints,keyUsage,nsComment');
        assert.match(ext, /CA:FALSE/);
        assert.match(ext, /Digital Signature, Non Repudiation, Key Encipherment/);
        assert.match(ext, /OpenSSL Generated Certificate/);
        openssl(dir, 'verify', '-CAfile', 'cacert.pem', 'host.crt');
      });
    });
  });
}
