// `lockstep --plain renew` is the walk too (not the unattended run): the table of certificates,
// then per certificate "Renew NAME now?", its steps each previewed and confirmed — the private
// CA's passphrase asked once — and a "no" that leaves the other certificate as it was; the
// closing table says what was done. A real CA under a temporary root, answered through stdin.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, REPO, tempRoot } from '../helpers.js';
import { row } from '../tls/renew-table.js';
import { drivePlain } from './drive.js';

const PASS = 'correct horse battery staple';

test('--plain renew --force: the walk through stdin; the first signed again, the second declined', async (t) => {
  const { root, cleanup } = await tempRoot('lockstep-plain-renew-');
  t.after(cleanup);
  await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
  const pass = path.join(root, 'pass');
  await fs.writeFile(pass, `${PASS}\n`, { mode: 0o600 });
  const init = await lockstep(['--root', root, 'ca', 'init', '--yes', '--passphrase-file', pass, '--key-type', 'ec-p384', '--country', 'US', '--org', 'Quoin']);
  assert.equal(init.exitCode, 0, init.stderr);
  const sign = await lockstep(['--root', root, 'ca', 'sign', '--yes', '--passphrase-file', pass, '--host', 'a.example.org', '--host', 'b.example.org', '--days', '30']);
  assert.equal(sign.exitCode, 0, sign.stderr);
  await fs.rm(pass);
  const serial = async (host: string): Promise<string> => new X509Certificate(await fs.readFile(path.join(root, 'etc/pki/CA/hosts', host, `${host}.crt`))).serialNumber;
  const [a0, b0] = [await serial('a.example.org'), await serial('b.example.org')];

  const walk = drivePlain(['--root', root, 'renew', '--force'], {});
  t.after(() => walk.child.kill());
  await walk.answer('Renew a.example.org now?', 'y\r');
  await walk.answer('Passphrase of the root key', `${PASS}\r`);
  await walk.answer('Apply this plan', 'y\r');
  await walk.answer('Apply this plan', 'y\r');
  await walk.answer('Renew b.example.org now?', 'n\r');
  const done = await walk.child;
  const screen = walk.screen();
  assert.equal(done.exitCode, 0, screen);

  const first = row(screen, 'a.example.org');
  assert.deepEqual([first.kind, first.days, first.due], ['private CA', '29 of 30', 'no (--force)']);
  assert.match(first.what, /^signed again by the private CA with the same names, key type and lifetime, then the old one revoked \(superseded\)$/);
  assert.match(row(screen, 'a.example.org', 'Renewal').what, /^renewed: a\.example\.org signed again by the private CA$/);
  assert.equal(row(screen, 'b.example.org', 'Renewal').what, 'not renewed: you chose not to');
  assert.ok(screen.indexOf('Certificates:') < screen.indexOf('Renew a.example.org now?'), 'the table comes first');
  assert.doesNotMatch(screen, new RegExp(PASS));
  // The new certificate first, then the old one revoked.
  const revoking = screen.indexOf('== a.example.org: revoke the certificate it replaces (superseded) ==');
  assert.ok(revoking > screen.indexOf('== a.example.org: sign a new certificate with the CA =='), screen);
  assert.doesNotMatch(screen.slice(revoking), /Passphrase of the root key/, 'asked once, for the signing; the revocation takes it from there');
  assert.notEqual(await serial('a.example.org'), a0, 'a was signed again');
  assert.equal(await serial('b.example.org'), b0, 'b is as it was');
});
