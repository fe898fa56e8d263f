// A small vendor PKI made with the openssl CLI for the cert install tests: a root, an
// intermediate, server certificates (good, expired, for another key) and the same bundle as
// DER and PKCS#7. Made fresh in each run so nothing expires in fixtures/.
import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';

const openssl = async (...args: string[]): Promise<string> => (await execa('openssl', args)).stdout;
const rsaKey = (file: string) => openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file);

export interface VendorPki {
  readonly dir: string;
  readonly root: string;
  readonly intermediate: string;
  /** Signs a CSR as the vendor would: leaf for its SANs, issued by the intermediate. */
  sign(csr: string, out: string, opts?: { expired?: boolean; start?: string; end?: string }): Promise<void>;
}

export async function makeVendorPki(dir: string): Promise<VendorPki> {
  await fs.mkdir(dir, { recursive: true });
  const f = (n: string): string => path.join(dir, n);
  await rsaKey(f('root.key'));
  await openssl('req', '-x509', '-new', '-config', '/dev/null', '-key', f('root.key'), '-subj', '/O=Vendor Test/CN=Vendor Test Root', '-days', '30',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', f('root.pem'));
  await rsaKey(f('int.key'));
  await openssl('req', '-new', '-config', '/dev/null', '-key', f('int.key'), '-subj', '/O=Vendor Test/CN=Vendor Test Intermediate', '-out', f('int.csr'));
  await fs.writeFile(f('int.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  await openssl('x509', '-req', '-in', f('int.csr'), '-CA', f('root.pem'), '-CAkey', f('root.key'), '-CAcreateserial', '-days', '20', '-extfile', f('int.ext'), '-out', f('int.pem'));
  await fs.writeFile(f('leaf.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid\n');
  // `openssl ca` is the one way to choose dates with OpenSSL 3.0 (x509 -req has no -not_before).
  await fs.writeFile(f('index.txt'), '');
  await fs.writeFile(f('ca.cnf'), [
    '[ca]', 'default_ca = v', '[v]', `database = ${f('index.txt')}`, `new_certs_dir = ${dir}`, `serial = ${f('serial')}`,
    'policy = any', 'default_md = sha256', 'copy_extensions = copy', 'unique_subject = no', '[any]', 'commonName = supplied', '',
  ].join('\n'));
  await fs.writeFile(f('serial'), '1000\n');
  return {
    dir,
    root: f('root.pem'),
    intermediate: f('int.pem'),
    async sign(csr, out, opts = {}) {
      const dates = opts.expired
        ? ['-startdate', '20240101000000Z', '-enddate', '20240301000000Z']
        : opts.start !== undefined && opts.end !== undefined
          ? ['-startdate', opts.start, '-enddate', opts.end]
          : ['-days', '10'];
      await openssl('ca', '-batch', '-notext', '-config', f('ca.cnf'), '-cert', f('int.pem'), '-keyfile', f('int.key'), '-in', csr, '-out', out, '-extfile', f('leaf.ext'), ...dates);
    },
  };
}
