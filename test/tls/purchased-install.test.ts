// `cert purchased` makes the key and CSR; a test vendor (openssl ca) signs it; `cert install`
// accepts PEM, DER and PKCS#7 and refuses, naming the problem, a missing intermediate, a
// reversed chain, an expired certificate, another key's certificate and uncovered names; the
// installed certificate is then served by `web https` through a real nginx.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { lockstep, snapshot, tempRoot } from '../helpers.js';
import { freePort } from '../e2e/nginx.js';
import { makeVendorPki, type VendorPki } from './pki.js';
import { startSiteNginx } from './site-nginx.js';

let sandbox: { root: string; cleanup: () => Promise<void> };
let pki: VendorPki;
const NAME = 'shop.example.com';
const DOMAINS = `${NAME},www.${NAME}`;
const v = (f: string): string => path.join(sandbox.root, 'vendor', f);
const openssl = async (...args: string[]): Promise<string> => (await execa('openssl', args)).stdout;

before(async () => {
  sandbox = await tempRoot('lockstep-install-');
  pki = await makeVendorPki(path.join(sandbox.root, 'vendor-ca'));
  await fs.mkdir(path.join(sandbox.root, 'etc/ssl/certs'), { recursive: true });
  await fs.copyFile(pki.root, path.join(sandbox.root, 'etc/ssl/certs/ca-certificates.crt'));
  await fs.mkdir(path.join(sandbox.root, 'vendor'));
});
after(() => sandbox?.cleanup());

test('cert purchased: key 0600 and a CSR with the names and organisation, its SHA-256 fingerprint shown', async () => {
  const run = await lockstep(['--root', sandbox.root, '--yes', 'cert', 'purchased', '--domain', DOMAINS, '--org', 'Example Shop / Retail GmbH', '--country', 'DE', '--locality', 'Berlin']);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  const csr = path.join(sandbox.root, 'etc/lockstep/archive', NAME, 'csr1.pem');
  const text = await openssl('req', '-in', csr, '-noout', '-subject', '-text');
  assert.match(text, /subject=C = DE, L = Berlin, O = Example Shop \/ Retail GmbH, CN = shop\.example\.com/);
  assert.match(text, /DNS:shop\.example\.com, DNS:www\.shop\.example\.com/);
  const der = (await execa('openssl', ['req', '-in', csr, '-outform', 'DER'], { encoding: 'buffer' })).stdout;
  const fp = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)?.join(':') ?? '';
  assert.ok(run.stdout.includes(fp), `fingerprint ${fp} shown`);
  assert.equal((await fs.stat(path.join(sandbox.root, 'etc/lockstep/archive', NAME, 'privkey1.pem'))).mode & 0o777, 0o600);

  // The vendor answers: the good certificate and the bad ones the tests below need.
  await pki.sign(csr, v('leaf.pem'));
  await pki.sign(csr, v('expired.pem'), { expired: true });
  await fs.copyFile(pki.intermediate, v('int.pem'));
  const leaf = await fs.readFile(v('leaf.pem'), 'utf8');
  const int = await fs.readFile(v('int.pem'), 'utf8');
  await fs.writeFile(v('bundle.pem'), leaf + int);
  await fs.writeFile(v('reversed.pem'), int + leaf);
  await openssl('x509', '-in', v('leaf.pem'), '-outform', 'DER', '-out', v('leaf.der'));
  await openssl('crl2pkcs7', '-nocrl', '-certfile', v('int.pem'), '-certfile', v('leaf.pem'), '-out', v('bundle.p7b'));
  await openssl('crl2pkcs7', '-nocrl', '-certfile', v('int.pem'), '-certfile', v('leaf.pem'), '-outform', 'DER', '-out', v('bundle.p7b.der'));
  await openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-config', '/dev/null', '-keyout', v('other.key'), '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME},DNS:www.${NAME}`, '-out', v('other.csr'));
  await pki.sign(v('other.csr'), v('other.pem'));
  await fs.writeFile(v('garbage.pem'), 'hello\n');
  // Cut short: the leaf loses its second half (its END line), the intermediate follows whole; a
  // key file loses its end.
  await fs.writeFile(v('cut.pem'), leaf.slice(0, Math.floor(leaf.length / 2)) + int);
  const key = await fs.readFile(path.join(sandbox.root, 'etc/lockstep/archive', NAME, 'privkey1.pem'), 'utf8');
  await fs.writeFile(v('cut.key'), key.slice(0, Math.floor(key.length / 2)), { mode: 0o600 });
});

test('cert install refuses bad bundles with the exact reason, exit 2, nothing changed', async () => {
  const cases: [string[], RegExp][] = [
    [['--cert', v('leaf.pem')], /missing intermediate: .*Vendor Test Intermediate/],
    [['--cert', v('reversed.pem')], /wrong order/],
    [['--cert', v('expired.pem'), '--chain', v('int.pem')], /expired: .*shop\.example\.com expired on/],
    [['--cert', v('other.pem'), '--chain', v('int.pem')], /key mismatch/],
    [['--cert', v('garbage.pem')], /--cert \S*\/vendor\/garbage\.pem is not a certificate in PEM, DER or PKCS#7/],
    [['--cert', v('cut.pem')], /--cert \S*\/vendor\/cut\.pem is a truncated PEM: the CERTIFICATE block that starts on line 1 has no "-----END CERTIFICATE-----" line/],
    [['--cert', v('bundle.pem'), '--key', v('cut.key')], /the key is a truncated PEM: the PRIVATE KEY block/],
    [['--cert', v('nothing.pem')], /--cert \S*\/vendor\/nothing\.pem/],
    [['--cert', v('bundle.pem'), '--key', v('missing.key')], /--key/],
  ];
  const beforeSnap = await snapshot(path.join(sandbox.root, 'etc'));
  for (const [args, message] of cases) {
    const run = await lockstep(['--root', sandbox.root, '--yes', 'cert', 'install', '--domain', DOMAINS, ...args]);
    assert.equal(run.exitCode, 2, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, message, args.join(' '));
  }
  const names = await lockstep(['--root', sandbox.root, '--yes', 'cert', 'install', '--domain', `${NAME},api.${NAME}`, '--cert', v('bundle.pem'), '--key', `/etc/lockstep/archive/${NAME}/privkey1.pem`]);
  assert.equal(names.exitCode, 2);
  assert.match(names.stderr, /does not cover api\.shop\.example\.com/);
  assert.deepEqual(await snapshot(path.join(sandbox.root, 'etc')), beforeSnap);
});

async function assertInstalled(): Promise<void> {
  const live = path.join(sandbox.root, 'etc/lockstep/live', NAME);
  const r = await execa('openssl', ['verify', '-CAfile', pki.root, '-untrusted', path.join(live, 'chain.pem'), '-verify_hostname', `www.${NAME}`, path.join(live, 'cert.pem')], { reject: false });
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.equal(await fs.readFile(path.join(live, 'fullchain.pem'), 'utf8'), (await fs.readFile(path.join(live, 'cert.pem'), 'utf8')) + (await fs.readFile(path.join(live, 'chain.pem'), 'utf8')));
  assert.equal((await fs.stat(path.join(live, 'privkey.pem'))).mode & 0o777, 0o600);
}

test('cert install: DER with a separate chain, using the key cert purchased made', async () => {
  const run = await lockstep(['--root', sandbox.root, '--yes', 'cert', 'install', '--domain', DOMAINS, '--cert', v('leaf.der'), '--chain', v('int.pem')]);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  await assertInstalled();
  const archive = await fs.readdir(path.join(sandbox.root, 'etc/lockstep/archive', NAME));
  assert.ok(archive.includes('cert1.pem') && !archive.includes('privkey2.pem'), archive.join(' '));
});

for (const file of ['bundle.p7b', 'bundle.p7b.der', 'bundle.pem']) {
  test(`cert install: ${file} (the chain inside, PKCS#7 order does not matter)`, async () => {
    const run = await lockstep(['--root', sandbox.root, '--yes', 'cert', 'install', '--domain', DOMAINS, '--cert', v(file), '--key', path.join(sandbox.root, 'etc/lockstep/archive', NAME, 'privkey1.pem')]);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    await assertInstalled();
  });
}

test('the installed vendor certificate served by web https: curl with the vendor root follows 80 → 443', async () => {
  await fs.chmod(sandbox.root, 0o755); // nginx workers run as nobody
  await fs.chmod(path.join(sandbox.root, 'var'), 0o755);
  const nginx = await startSiteNginx(sandbox.root);
  try {
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const run = await lockstep([
      '--root', sandbox.root, '--yes', 'web', 'https', '--domain', DOMAINS, '--nginx-conf', '/etc/nginx/nginx.conf',
      '--http-port', String(httpPort), '--https-port', String(httpsPort), '--listen-address', '127.0.0.1',
    ]);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    await fs.writeFile(path.join(sandbox.root, 'var/www/html/index.html'), 'vendor certificate\n');
    const resolve = [`www.${NAME}:${httpPort}:127.0.0.1`, `www.${NAME}:${httpsPort}:127.0.0.1`].flatMap((r) => ['--resolve', r]);
    const curl = await execa('curl', ['-sS', '-L', '--cacert', pki.root, ...resolve, `http://www.${NAME}:${httpPort}/`], { reject: false });
    assert.equal(curl.exitCode, 0, curl.stderr);
    assert.equal(curl.stdout.trim(), 'vendor certificate');
    const sc = await execa('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', NAME, '-CAfile', pki.root, '-verify_return_error'], { input: '', reject: false });
    assert.equal(sc.exitCode, 0, sc.stderr);
  } finally {
    await nginx.stop();
  }
});
