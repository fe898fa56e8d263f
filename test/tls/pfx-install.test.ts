// cert install --pfx: a vendor's (or a Windows server's) PKCS#12 with the key, certificate and
// chain, made by the real `openssl pkcs12 -export` outside --root (the operator's file, read as
// given), installed into live/ with the same checks as --cert/--key: an RSA one (OpenSSL 3's
// AES/PBKDF2) and an ECDSA one in the legacy encryption older Windows exports use. The password
// comes from --pfx-password-file and is in no argv, environment, output, journal or file under
// --root; a wrong password and a pfx for other names are exit 2 with nothing changed.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { lockstep, snapshot, tempRoot } from '../helpers.js';
import { requireBuiltCli, runWatched } from '../core/process-tree.js';
import { filesUnder } from '../e2e/ca-robust-helpers.js';
import { makeVendorPki, type VendorPki } from './pki.js';

let sandbox: { root: string; cleanup: () => Promise<void> };
let outside: string;
let pki: VendorPki;
const password = `pfx-${randomBytes(9).toString('hex')}`;
let passFile: string;
const RSA = 'shop.example.com';
const EC = 'ec.example.com';
const o = (f: string): string => path.join(outside, f);
const openssl = (...args: string[]) => execa('openssl', args);

/** A key and a vendor certificate for `name` (and www.name), exported with `extra` pkcs12 options. */
async function vendorPfx(name: string, keyArgs: string[], extra: string[]): Promise<string> {
  await openssl('req', '-new', ...keyArgs, '-nodes', '-config', '/dev/null', '-keyout', o(`${name}.key`), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name},DNS:www.${name}`, '-out', o(`${name}.csr`));
  await pki.sign(o(`${name}.csr`), o(`${name}.crt`));
  await openssl('pkcs12', '-export', ...extra, '-inkey', o(`${name}.key`), '-in', o(`${name}.crt`), '-certfile', pki.intermediate, '-passout', `file:${passFile}`, '-out', o(`${name}.pfx`));
  return o(`${name}.pfx`);
}

before(async () => {
  requireBuiltCli();
  sandbox = await tempRoot('lockstep-pfx-');
  outside = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-pfx-vendor-'));
  passFile = o('pfx.pass');
  await fs.writeFile(passFile, `${password}\n`, { mode: 0o600 });
  pki = await makeVendorPki(o('vendor-ca'));
  await fs.mkdir(path.join(sandbox.root, 'etc/ssl/certs'), { recursive: true });
  await fs.copyFile(pki.root, path.join(sandbox.root, 'etc/ssl/certs/ca-certificates.crt'));
  await vendorPfx(RSA, ['-newkey', 'rsa:2048'], []);
  await vendorPfx(EC, ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['-legacy']);
});
after(async () => {
  await sandbox?.cleanup();
  await fs.rm(outside, { recursive: true, force: true });
});

const install = (name: string, extra: string[] = []): string[] => ['--root', sandbox.root, '--yes', 'cert', 'install', '--domain', `${name},www.${name}`, '--pfx', o(`${name}.pfx`), '--pfx-password-file', passFile, ...extra];

async function assertLive(name: string, keyType: string): Promise<void> {
  const live = path.join(sandbox.root, 'etc/lockstep/live', name);
  const r = await execa('openssl', ['verify', '-CAfile', pki.root, '-untrusted', path.join(live, 'chain.pem'), '-verify_hostname', `www.${name}`, path.join(live, 'cert.pem')], { reject: false });
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.equal((await fs.stat(path.join(live, 'privkey.pem'))).mode & 0o777, 0o600);
  const key = createPrivateKey(await fs.readFile(path.join(live, 'privkey.pem')));
  assert.equal(key.asymmetricKeyType, keyType);
  assert.ok(new X509Certificate(await fs.readFile(path.join(live, 'cert.pem'))).checkPrivateKey(key), 'the live key is the certificate\'s');
  assert.equal(await fs.readFile(path.join(live, 'cert.pem'), 'utf8'), await fs.readFile(o(`${name}.crt`), 'utf8'));
  assert.match(await fs.readFile(path.join(live, 'privkey.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
}

test('an RSA .pfx (AES-256, PBKDF2) is installed into live/ like a purchased certificate; the password in no argv or child environment', async (t) => {
  const r = await runWatched(install(RSA), password);
  assert.equal(r.exitCode, 0, r.stdout + r.stderr);
  assert.deepEqual([...r.leaks], []);
  assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password));
  // openssl pkcs12 (facts) and pkey (the plan) live a few ms: the sampler sees some children, not always both.
  assert.ok(r.children.size > 0, `no child seen in ${r.samples} samples`);
  assert.match(r.stdout, /openssl pkey -in \S+shop\.example\.com\.pfx -passin fd:3 3<\(secret: pfxPassword\)/);
  await assertLive(RSA, 'rsa');
  t.diagnostic(`${r.samples} samples of /proc; children: ${[...r.children].join(', ')}`);
});

test('an ECDSA .pfx in the legacy encryption (RC2/3DES, older Windows exports) is read with -legacy and installed', async () => {
  const info = await execa('openssl', ['pkcs12', '-in', o(`${EC}.pfx`), '-info', '-noout', '-passin', `file:${passFile}`], { reject: false });
  assert.notEqual(info.exitCode, 0, 'OpenSSL 3 reads it only with -legacy'); // what makes it a legacy file
  const r = await lockstep(install(EC));
  assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /openssl pkey -provider legacy -provider default -in/);
  await assertLive(EC, 'ec');
});

test('a wrong password, or a .pfx for other names: exit 2 naming the problem, nothing changed', async () => {
  const wrong = o('wrong.pass');
  await fs.writeFile(wrong, 'not it\n', { mode: 0o600 });
  const before = await snapshot(path.join(sandbox.root, 'etc'));
  const bad = await lockstep(['--root', sandbox.root, '--yes', 'cert', 'install', '--domain', RSA, '--pfx', o(`${RSA}.pfx`), '--pfx-password-file', wrong]);
  assert.equal(bad.exitCode, 2, bad.stdout + bad.stderr);
  assert.match(bad.stderr, /--pfx \S+shop\.example\.com\.pfx: the password does not open it/);
  const names = await lockstep(['--root', sandbox.root, '--yes', 'cert', 'install', '--domain', 'other.example.com', '--pfx', o(`${RSA}.pfx`), '--pfx-password-file', passFile]);
  assert.equal(names.exitCode, 2);
  assert.match(names.stderr, /does not cover other\.example\.com/);
  const missing = await lockstep(['--root', sandbox.root, '--yes', 'cert', 'install', '--domain', RSA, '--pfx', o('none.pfx'), '--pfx-password-file', passFile]);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /--pfx \S+none\.pfx cannot be read/);
  assert.deepEqual(await snapshot(path.join(sandbox.root, 'etc')), before);
});

test('--help names --pfx and --pfx-password-file; the password is in no file under --root (journal, run logs, live/)', async () => {
  const help = await lockstep(['cert', 'install', '--help']);
  assert.match(help.stdout, /--pfx <value>/);
  assert.match(help.stdout, /--pfx-password-file <file>/);
  for (const file of await filesUnder(sandbox.root)) assert.ok(!(await fs.readFile(file, 'latin1')).includes(password), `${file} holds the password`);
});
