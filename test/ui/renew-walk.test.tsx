// Renewal in the TUI: a walk through each certificate (here two host certificates of a real
// private CA made with openssl under a temporary root). The list first, then per certificate
// what will happen and a yes, then its steps each previewed and confirmed — the CA's passphrase
// asked once, masked — and a "no" that leaves the other certificate as it was.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { loadFlows } from '../../src/flows/index.js';
import { renewFlow } from '../../src/flows/renew-flow.js';
import { lockstep, REPO } from '../helpers.js';
import { KEY, startApp, tempRootsPerTest } from './harness.js';

const FLOWS = await loadFlows();

const PASS = 'correct horse battery staple';
const newRoot = tempRootsPerTest();

async function caWithTwoHosts(root: string): Promise<void> {
  await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
  const pass = path.join(root, 'pass');
  await fs.writeFile(pass, `${PASS}\n`, { mode: 0o600 });
  const init = await lockstep(['--root', root, 'ca', 'init', '--yes', '--passphrase-file', pass, '--key-type', 'ec-p384', '--country', 'US', '--state', 'MA', '--locality', 'Boston', '--org', 'Quoin', '--email', 'ops@example.org']);
  assert.equal(init.exitCode, 0, init.stderr);
  const sign = await lockstep(['--root', root, 'ca', 'sign', '--yes', '--passphrase-file', pass, '--host', 'a.example.org', '--host', 'b.example.org', '--days', '30']);
  assert.equal(sign.exitCode, 0, sign.stderr);
  await fs.rm(pass);
}

/** The frame with its wrapped lines joined, for sentences that wrap at the terminal's width. */
const oneLine = (frame: string): string => frame.replace(/\s+/g, ' ');

const serial = async (root: string, host: string): Promise<string> =>
  new X509Certificate(await fs.readFile(path.join(root, 'etc/pki/CA/hosts', host, `${host}.crt`))).serialNumber;

test('renew walk: nothing due, so nothing is asked', async () => {
  const root = await newRoot();
  await caWithTwoHosts(root);
  const app = startApp({ root, flows: FLOWS, start: renewFlow({ force: false, caDir: '/etc/pki/CA', caName: 'couch_ca' }) });
  const end = oneLine(await app.waitFor('Certificate renewal: what was done'));
  // One table: certificate, kind, days left, due or not, what will happen.
  assert.match(end, /Certificates: certificate kind days left due what will happen a\.example\.org private CA 29 of 30 no nothing now; renew from 20\d\d-\d\d-\d\d b\.example\.org private CA 29 of 30 no nothing now; renew from/);
  assert.match(end, /Nothing to renew now: every certificate is outside its renewal window/);
  assert.doesNotMatch(end, /skipped/, 'certificates not due are rows of the table, not skipped steps');
  assert.doesNotMatch(end, /Renewal: certificate/, 'nothing was to be done: the first table said it all');
  assert.equal(await app.exited, 0);
});

test('renew walk with --force: the first renewed (passphrase asked once, each plan confirmed), the second declined', async () => {
  const root = await newRoot();
  await caWithTwoHosts(root);
  const [a0, b0] = [await serial(root, 'a.example.org'), await serial(root, 'b.example.org')];
  const app = startApp({ root, flows: FLOWS, start: renewFlow({ force: true, caDir: '/etc/pki/CA', caName: 'couch_ca' }) });
  const ask = await app.waitFor('Renew a.example.org now?');
  assert.match(ask, /2 of 2 to renew: a\.example\.org, b\.example\.org/);
  assert.match(oneLine(ask), /Not due \(29 days left\); asked because of --force\. The certificate signed again by the private CA with the same names, key type and lifetime, then the old one revoked \(superseded\)/);
  assert.match(ask, /▸ a\.example\.org {2}· b\.example\.org/);
  app.press('y');
  const pass = await app.waitFor('Passphrase of the root key');
  assert.match(oneLine(pass), /From the certificate in use and its renewal record: .*Host names to sign a certificate for: a\.example\.org/);
  app.press(...PASS, KEY.enter);
  await app.waitFor('Apply this plan?');
  assert.doesNotMatch(app.frame(), new RegExp(PASS), 'the passphrase is never on screen');
  app.press('y');
  // The old certificate is revoked after the new one is in place: a kill in between leaves it valid.
  const revoke = await app.waitFor(/a\.example\.org: revoke the certificate it replaces \(superseded\)[\s\S]*Apply this plan\?/);
  assert.doesNotMatch(revoke, /\? Passphrase/, 'the passphrase is not asked twice');
  app.press('y');
  await app.waitFor('Renew b.example.org now?');
  app.press('n');
  const end = oneLine(await app.waitFor('Certificate renewal: what was done'));
  assert.match(end, /✓ a\.example\.org: sign a new certificate with the CA/);
  assert.match(end, /✓ a\.example\.org: revoke the certificate it replaces \(superseded\)/);
  assert.match(end, /- b\.example\.org: sign a new certificate with the CA: not applied \(you chose not to\)/);
  assert.match(end, /- b\.example\.org: revoke the certificate it replaces \(superseded\): skipped \(you chose not to renew b\.example\.org\)/);
  assert.match(end, /Renewal: certificate kind days left due what was done a\.example\.org private CA 29 of 30 no \(--force\) renewed: a\.example\.org signed again by the private CA b\.example\.org private CA 29 of 30 no \(--force\) not renewed: you chose not to/);
  assert.equal(await app.exited, 0);

  assert.notEqual(await serial(root, 'a.example.org'), a0, 'a was signed again');
  assert.equal(await serial(root, 'b.example.org'), b0, 'b is as it was');
  const index = await fs.readFile(path.join(root, 'etc/pki/CA/index.txt'), 'utf8');
  assert.match(index, new RegExp(`^R\\t\\S+\\t\\S+,superseded\\t${a0.replace(/^0+/, '')}\\t`, 'mi'), 'the old certificate of a is revoked as superseded');
  const verify = await execa('openssl', ['verify', '-CAfile', path.join(root, 'etc/pki/CA/certs/couch_ca.cert'), path.join(root, 'etc/pki/CA/hosts/a.example.org/a.example.org.crt')], { reject: false });
  assert.equal(verify.exitCode, 0, verify.stderr);
  const journal = await fs.readFile(path.join(root, 'var/log/lockstep/journal.jsonl'), 'utf8');
  assert.ok(!journal.includes(PASS));
});
