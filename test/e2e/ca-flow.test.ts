// The private CA of the seed, end to end through the built CLI under a temporary --root:
// init → sign → a real nginx serves the host certificate → real clients accept it with the root
// and reject it without; revoke, CRL, list, distribute; bad input changes nothing.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, lockstep, snapshot, tempRoot } from '../helpers.js';
import { startNginx } from './nginx.js';

const PASS = 'correct horse battery staple';
const CA = '/etc/pki/CA';
let sandbox: { root: string; cleanup: () => Promise<void> };
let passFile: string;

const real = (p: string): string => path.join(sandbox.root, p);
const read = (p: string): Promise<string> => fs.readFile(real(p), 'utf8');
const mode = async (p: string): Promise<number> => (await fs.stat(real(p))).mode & 0o777;
const run = (args: readonly string[]) => lockstep(['--root', sandbox.root, ...args]);
const ok = (r: { exitCode?: number; stdout: string; stderr: string }): void => assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);

async function prepareRoot(root: string): Promise<string> {
  await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
  const file = path.join(root, '..', `${path.basename(root)}.pass`);
  await fs.writeFile(file, `${PASS}\n`, { mode: 0o600 });
  return file;
}

const initArgs = (): string[] => ['ca', 'init', '--yes', '--passphrase-file', passFile, '--country', 'US', '--state', 'Massachusetts', '--locality', 'Boston', '--org', 'Quoin, Inc.', '--email', 'ops@example.org'];

before(async () => {
  sandbox = await tempRoot();
  passFile = await prepareRoot(sandbox.root);
});
after(async () => {
  await sandbox.cleanup();
  await fs.rm(passFile, { force: true });
});

describe('ca init', () => {
  test('makes the seed\'s tree, an encrypted root and config.cnf; the system openssl.cnf is left alone', async () => {
    const systemBefore = await read('/etc/ssl/openssl.cnf');
    ok(await run(initArgs()));
    for (const d of ['certs', 'crl', 'newcerts', 'hosts']) assert.equal(await mode(`${CA}/${d}`), 0o755, d);
    assert.equal(await mode(`${CA}/private`), 0o700);
    assert.equal(await mode(`${CA}/private/couch_ca.pem`), 0o600);
    assert.equal(await read(`${CA}/serial`), '1000\n');
    assert.equal(await read(`${CA}/index.txt`), '');
    assert.equal(await read('/etc/ssl/openssl.cnf'), systemBefore, 'dedicated mode leaves the system file as it was');

    const keyPem = await read(`${CA}/private/couch_ca.pem`);
    assert.match(keyPem, /ENCRYPTED PRIVATE KEY/);
    assert.throws(() => createPrivateKey(keyPem));
    const key = createPrivateKey({ key: keyPem, passphrase: PASS });
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 4096);
    const root = new X509Certificate(await read(`${CA}/certs/couch_ca.cert`));
    assert.ok(root.ca);
    assert.ok(root.checkPrivateKey(key));
    assert.match(root.subject, /O=Quoin\\, Inc\./);
    const text = (await execa('openssl', ['x509', '-in', real(`${CA}/certs/couch_ca.cert`), '-noout', '-ext', 'basicConstraints,keyUsage'])).stdout;
    assert.match(text, /Basic Constraints: critical\s+CA:TRUE/);
    assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);

    const cnf = await read(`${CA}/config.cnf`);
    assert.match(cnf, /default_md\s+= sha256/);
    assert.match(cnf, /\[ couch_ca \]/);
    assert.match(cnf, /0\.organizationName_default\s+= Quoin, Inc\./);
    assert.doesNotMatch(cnf, /^default_md\s*=\s*md5/m);
    const dedicated = await read(`${CA}/openssl.cnf`);
    assert.match(dedicated, new RegExp(`^dir\\t\\t= ${CA.replace(/[/.]/g, '\\$&')}\\t\\t# Where everything is kept$`, 'm'));
  });

  test('an existing CA is adopted and checked, never overwritten', async () => {
    const before = await snapshot(real(CA));
    const adopt = await run(['ca', 'init', '--yes', '--passphrase-file', passFile]);
    ok(adopt);
    assert.match(adopt.stdout, /passphrase opens the root key/);
    const refuse = await run(['ca', 'init', '--yes', '--no-adopt', '--passphrase-file', passFile]);
    assert.equal(refuse.exitCode, 2);
    assert.match(refuse.stderr, /never overwrites/);
    assert.deepEqual(await snapshot(real(CA)), before);
  });
});

describe('ca sign, served by nginx', () => {
  test('signs two hosts; openssl verify, curl and s_client accept them with the root only', async () => {
    const r = await run(['ca', 'sign', '--yes', '--passphrase-file', passFile, '--host', 'couch1.example.org', '--host', 'couch2.example.org', '--san', 'couch1.example.org=DNS:couch.example.org,IP:10.0.0.5', '--san', 'couch2.example.org=DNS:couch.example.org,IP:10.0.0.5']);
    ok(r);
    const dir = `${CA}/hosts/couch1.example.org`;
    assert.equal(await mode(`${dir}/couch1.example.org.key`), 0o600);
    const cert = new X509Certificate(await read(`${dir}/couch1.example.org.crt`));
    assert.equal(cert.subjectAltName, 'DNS:couch1.example.org, DNS:couch.example.org, IP Address:10.0.0.5');
    assert.equal(cert.ca, false);
    assert.equal(await read(`${dir}/couch_ca.crt`), await read(`${CA}/certs/couch_ca.cert`));

    const web = path.join(sandbox.root, 'nginx');
    await fs.mkdir(web);
    const chain = path.join(web, 'chain.pem');
    await fs.writeFile(chain, await read(`${dir}/couch1.example.org.crt`));
    const nginx = await startNginx(web, chain, real(`${dir}/couch1.example.org.key`));
    try {
      const url = `https://couch1.example.org:${nginx.port}/`;
      const resolve = `couch1.example.org:${nginx.port}:127.0.0.1`;
      const good = await execa('curl', ['-sS', '--cacert', real(`${CA}/certs/couch_ca.cert`), '--resolve', resolve, url], { reject: false });
      assert.equal(good.exitCode, 0, good.stderr);
      assert.equal(good.stdout.trim(), 'served by nginx');
      const bad = await execa('curl', ['-sS', '--resolve', resolve, url], { reject: false }); // the system store only
      assert.equal(bad.exitCode, 60, 'curl refuses a certificate it cannot verify');
      const sc = await execa('openssl', ['s_client', '-connect', `127.0.0.1:${nginx.port}`, '-servername', 'couch1.example.org', '-verify_return_error', '-verify_hostname', 'couch1.example.org', '-CAfile', real(`${CA}/certs/couch_ca.cert`)], { input: '', reject: false });
      assert.equal(sc.exitCode, 0, sc.stderr);
      assert.match(sc.stdout, /Verify return code: 0 \(ok\)/);
      const scBad = await execa('openssl', ['s_client', '-connect', `127.0.0.1:${nginx.port}`, '-verify_return_error', '-CAfile', '/dev/null'], { input: '', reject: false });
      assert.notEqual(scBad.exitCode, 0);
    } finally {
      await nginx.stop();
    }
  });

  test('a rerun leaves signed hosts alone, the CA folder byte-identical', async () => {
    const before = await snapshot(real(CA));
    const again = await run(['ca', 'sign', '--yes', '--passphrase-file', passFile, '--host', 'couch1.example.org']);
    ok(again);
    assert.match(again.stdout, /already has its certificate/);
    assert.deepEqual(await snapshot(real(CA)), before);
  });
});

describe('revoke, crl, list, distribute', () => {
  test('revoking by host records it, and the CRL lists the serial', async () => {
    ok(await run(['ca', 'revoke', '--yes', '--passphrase-file', passFile, '--host', 'couch2.example.org', '--reason', 'superseded']));
    const list = await run(['--json', 'ca', 'list']);
    ok(list);
    const listing = JSON.parse(list.stdout) as { certificates: { serial: string; status: string; subject: string }[]; crl?: { daysLeft: number } };
    const couch2 = listing.certificates.find((c) => c.subject === '/CN=couch2.example.org');
    assert.equal(couch2?.status, 'revoked');
    assert.equal(listing.certificates.find((c) => c.subject === '/CN=couch1.example.org')?.status, 'valid');
    assert.ok((listing.crl?.daysLeft ?? 0) >= 29);
    const crl = (await execa('openssl', ['crl', '-in', real(`${CA}/crl/couch_ca.crl`), '-noout', '-text'])).stdout;
    assert.match(crl, new RegExp(`Serial Number: ${couch2?.serial}`));
    assert.match(crl, /Superseded/);
    ok(await run(['ca', 'crl', '--yes', '--passphrase-file', passFile]));
    // The revoked host can be signed again; more hosts can come from a file.
    const hostsFile = path.join(sandbox.root, 'hosts.txt');
    await fs.writeFile(hostsFile, '# more CouchDB nodes\ncouch3.example.org\n\ncouch4.example.org  # the spare\n');
    ok(await run(['ca', 'sign', '--yes', '--passphrase-file', passFile, '--host', 'couch2.example.org', '--hosts-file', hostsFile]));
    const after = JSON.parse((await run(['--json', 'ca', 'list'])).stdout) as { certificates: { status: string; subject: string }[] };
    const valid = after.certificates.filter((c) => c.status === 'valid').map((c) => c.subject).sort();
    assert.deepEqual(valid, ['/CN=couch1.example.org', '/CN=couch2.example.org', '/CN=couch3.example.org', '/CN=couch4.example.org']);
  });

  test('distribute copies the root into a cookbook (the operator\'s files, as given), sets the node attribute and keeps the rest', async () => {
    await fs.mkdir(real('/srv/cookbook/files'), { recursive: true });
    await fs.writeFile(real('/srv/node.json'), JSON.stringify({ primero: { couchdb: { port: 6984 } }, run_list: ['recipe[primero]'] }, null, 2));
    // The cookbook is the operator's: its paths are given as this machine names them (not under --root).
    const distributed = await run(['ca', 'distribute', '--yes', '--to', real('/srv/cookbook/files/quoin_ca.crt'), '--node-json', real('/srv/node.json')]);
    ok(distributed);
    assert.doesNotMatch(distributed.stdout, new RegExp(`${sandbox.root}${sandbox.root}`), 'never mapped twice');
    assert.equal(await read('/srv/cookbook/files/quoin_ca.crt'), await read(`${CA}/certs/couch_ca.cert`));
    const node = JSON.parse(await read('/srv/node.json')) as { primero: { couchdb: Record<string, unknown> }; run_list: string[] };
    assert.deepEqual(node, { primero: { couchdb: { port: 6984, root_ca_cert_source: 'quoin_ca.crt' } }, run_list: ['recipe[primero]'] });
  });
});

describe('bad input: exit 2, nothing changed', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['wrong passphrase', () => ['ca', 'sign', '--yes', '--passphrase-file', path.join(REPO, 'package.json'), '--host', 'x.example.org'], /passphrase/],
    ['host with a newline', () => ['ca', 'sign', '--yes', '--passphrase-file', passFile, '--host', 'a.example.org\n[ ca ]'], /--host/],
    ['host with a slash', () => ['ca', 'sign', '--yes', '--passphrase-file', passFile, '--host', 'a/b.example.org'], /--host/],
    ['SAN with an invalid IP', () => ['ca', 'sign', '--yes', '--passphrase-file', passFile, '--host', 'y.example.org', '--san', 'IP:300.1.1.1'], /--san.*300\.1\.1\.1/],
    ['md5 digest', () => ['ca', 'init', '--yes', '--ca-dir', '/etc/pki/other', '--passphrase-file', passFile, '--country', 'US', '--org', 'X', '--digest', 'md5'], /md5 is broken/],
    ['short passphrase', () => ['ca', 'init', '--yes', '--ca-dir', '/etc/pki/other', '--passphrase-file', path.join(REPO, 'fixtures/answers/short-pass.txt'), '--country', 'US', '--org', 'X'], /at least 12/],
    ['country not two letters', () => ['ca', 'init', '--yes', '--ca-dir', '/etc/pki/other', '--passphrase-file', passFile, '--country', 'USA', '--org', 'X'], /--country/],
    ['revoke an unknown host', () => ['ca', 'revoke', '--yes', '--passphrase-file', passFile, '--host', 'nobody.example.org'], /No valid certificate/],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const before = await snapshot(sandbox.root);
      const r = await run(args());
      assert.equal(r.exitCode, 2, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, message);
      assert.deepEqual(await snapshot(sandbox.root), before);
    });
  }

  test('a world-readable private folder is refused', async () => {
    await fs.chmod(real(`${CA}/private`), 0o755);
    try {
      const before = await snapshot(sandbox.root);
      const r = await run(['ca', 'sign', '--yes', '--passphrase-file', passFile, '--host', 'z.example.org']);
      assert.equal(r.exitCode, 2);
      assert.match(r.stderr, /private folder is not readable by others/);
      assert.deepEqual(await snapshot(sandbox.root), before);
    } finally {
      await fs.chmod(real(`${CA}/private`), 0o700);
    }
  });
});
