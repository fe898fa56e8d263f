// The CA of the seed through the TUI: init from the home menu (the passphrase typed twice,
// the guide's openssl.cnf diff previewed), then a host signed, all with the real openssl.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { FLOWS } from '../../src/flows/index.js';
import { REPO, tempRoot } from '../helpers.js';
import { KEY, cleanup, focusOn, startApp } from './harness.js';

const PASS = 'correct horse battery';
const flow = (id: string) => FLOWS.find((f) => f.step.id === id)!;
const roots: Array<() => Promise<void>> = [];
afterEach(async () => {
  cleanup();
  for (const c of roots.splice(0)) await c();
});

test('ca init from the home menu, then ca sign: the certificate verifies against the new root', async () => {
  const { root, cleanup: done } = await tempRoot('lockstep-ui-ca-');
  roots.push(done);
  await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));

  // Subject and key type come as flags; the rest is answered on screen.
  const flags = new Map<string, string | readonly string[]>([
    ['keyType', 'ec-p384'],
    ['country', 'US'],
    ['org', 'Quoin, Inc.'],
    ['state', 'Massachusetts'],
    ['locality', 'Boston'],
    ['email', 'ops@example.org'],
  ]);
  const app = startApp({ root, flows: FLOWS, flags });
  await focusOn(app, FLOWS, 'Private certificate authority');
  app.press(KEY.enter);
  await app.waitFor('Folder of the certificate authority');
  app.press(KEY.enter); // /etc/pki/CA
  await app.waitFor('Name of the CA');
  app.press(KEY.enter); // couch_ca
  await app.waitFor('Passphrase of the root key');
  app.press(...'too short', KEY.enter);
  await app.waitFor('at least 12');
  app.press(KEY.ctrlU, ...PASS, KEY.enter);
  await app.waitFor('once more');
  app.press(...PASS, KEY.enter);
  await app.waitFor("Where should the guide's openssl.cnf changes go?");
  app.press(KEY.enter); // dedicated copy
  await app.waitFor('The system openssl.cnf');
  app.press(KEY.enter);
  await app.waitFor('Common name of the root certificate');
  app.press(KEY.enter); // "Quoin, Inc. Root CA"
  await app.waitFor('Root certificate valid for how many days');
  app.press(KEY.enter);
  await app.waitFor('Signature digest');
  app.press(KEY.ctrlU, ...'md5', KEY.enter);
  await app.waitFor('md5 is broken');
  app.press(KEY.ctrlU, ...'sha256', KEY.enter);
  // 13 actions: one line each first, the details folded until d.
  const folded = await app.waitFor('Apply this plan?');
  assert.match(folded, /^1\. Create \/etc\/pki\/CA$/m);
  assert.match(folded, /^12\. Self-sign the root certificate$/m);
  assert.match(folded, /Details folded: press d at "Apply this plan\?"/);
  assert.match(folded, /d shows every command and file change/);
  assert.doesNotMatch(app.frames.join('\n'), /openssl genpkey/, 'no details before d');
  app.press('d');
  await app.waitFor('The plan in full:');
  await app.waitFor('Apply this plan?');
  const preview = app.frames.join('\n');
  assert.match(preview, /-# keyUsage = cRLSign, keyCertSign/);
  assert.match(preview, /\+keyUsage = critical, cRLSign, keyCertSign/);
  assert.match(preview, /openssl genpkey -algorithm EC/);
  assert.match(preview, /-aes256 -pass fd:3/);
  app.press('y');
  await app.waitFor('Finished');
  app.press('q');
  assert.equal(await app.exited, 0);
  assert.ok(!app.frames.some((f) => f.includes(PASS)), 'the passphrase never reaches the screen');

  const ca = path.join(root, 'etc/pki/CA');
  const rootCert = new X509Certificate(await fs.readFile(path.join(ca, 'certs/couch_ca.cert')));
  assert.ok(rootCert.ca);
  assert.ok(rootCert.checkPrivateKey(createPrivateKey({ key: await fs.readFile(path.join(ca, 'private/couch_ca.pem')), passphrase: PASS })));
  cleanup();

  const sign = startApp({ root, flows: FLOWS, start: flow('ca sign'), flags: new Map<string, string | readonly string[]>([['host', ['couch1.example.org']], ['san', 'IP:10.0.0.5']]) });
  await sign.waitFor('Folder of the certificate authority');
  sign.press(KEY.enter);
  await sign.waitFor('Name of the CA');
  sign.press(KEY.enter);
  await sign.waitFor('Key type for the host keys');
  sign.press(KEY.enter);
  await sign.waitFor('Host certificates valid for how many days');
  sign.press(KEY.enter);
  await sign.waitFor('Passphrase of the root key');
  sign.press(...PASS, KEY.enter);
  await sign.waitFor('Apply this plan?');
  // Under --root openssl ca reads the CA's paths inside the root (config.cnf names /etc/pki/CA).
  assert.match(sign.frames.join('\n'), /openssl ca -config \S+\/etc\/pki\/CA\/lockstep-root\.cnf -batch -notext/);
  sign.press('y');
  assert.equal(await sign.exited, 0);
  assert.ok(sign.frames.some((f) => /\[#{20}\] 1\/1 hosts signed/.test(f)), 'the progress bar of the hosts signed');
  const host = new X509Certificate(await fs.readFile(path.join(ca, 'hosts/couch1.example.org/couch1.example.org.crt')));
  assert.ok(host.verify(rootCert.publicKey));
  assert.equal(host.subjectAltName, 'DNS:couch1.example.org, IP Address:10.0.0.5');
});
