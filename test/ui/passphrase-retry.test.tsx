// The TUI asks again when the CA's passphrase does not open its root key (three tries in all),
// then stops with nothing changed — instead of ending the run at the plan after every question.
// A real CA made by the built CLI under a temporary root; ca sign in the TUI.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FLOWS } from '../../src/flows/index.js';
import { REPO, lockstep, snapshot, tempRoot } from '../helpers.js';
import { KEY, cleanup, startApp } from './harness.js';

const PASS = 'correct horse battery staple';
const sign = FLOWS.find((f) => f.step.id === 'ca sign')!;
let box: { root: string; cleanup: () => Promise<void> };

before(async () => {
  box = await tempRoot('lockstep-ui-pass-');
  await fs.mkdir(path.join(box.root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(box.root, 'etc/ssl/openssl.cnf'));
  const passFile = `${box.root}.pass`;
  await fs.writeFile(passFile, `${PASS}\n`, { mode: 0o600 });
  const init = await lockstep(['--root', box.root, '--yes', 'ca', 'init', '--passphrase-file', passFile, '--country', 'US', '--org', 'Quoin, Inc.', '--key-type', 'ec-p384']);
  await fs.rm(passFile);
  assert.equal(init.exitCode, 0, init.stderr);
});
after(async () => {
  cleanup();
  await box?.cleanup();
});

const flags = (host: string) => new Map<string, string | readonly string[]>([['host', [host]], ['san', ''], ['keyType', 'ec-p256'], ['days', '90'], ['caDir', '/etc/pki/CA'], ['caName', 'couch_ca']]);

test('a wrong passphrase is asked again, with why; the right one on the second try goes on to the plan and signs', async () => {
  const app = startApp({ root: box.root, flows: FLOWS, start: sign, flags: flags('one.internal.example') });
  await app.waitFor('Passphrase of the root key');
  app.press(...'not the passphrase', KEY.enter);
  const again = await app.waitFor('Try 2 of 3');
  assert.match(again, /that passphrase does not open the root key \/etc\/pki\/CA\/private\/couch_ca\.pem/);
  assert.match(again, /Passphrase of the root key/);
  assert.doesNotMatch(again, /not the passphrase/, 'the secret is never shown');
  app.press(...PASS, KEY.enter);
  await app.waitFor('Apply this plan?');
  app.press('y');
  assert.equal(await app.exited, 0);
  cleanup();
  const crt = await fs.readFile(path.join(box.root, 'etc/pki/CA/hosts/one.internal.example/one.internal.example.crt'), 'utf8');
  assert.equal(new X509Certificate(crt).subject, 'CN=one.internal.example');
});

test('three wrong passphrases: the run stops before any plan, nothing changed, exit 2', async () => {
  const before = await snapshot(box.root);
  const app = startApp({ root: box.root, flows: FLOWS, start: sign, flags: flags('two.internal.example') });
  for (const [i, wrong] of ['first wrong', 'second wrong', 'third wrong'].entries()) {
    await app.waitFor(i === 0 ? 'Passphrase of the root key' : `Try ${i + 1} of 3`);
    app.press(...wrong, KEY.enter);
  }
  const end = await app.waitFor('Nothing was changed: 3 tries did not open it');
  assert.doesNotMatch(end, /Apply this plan\?/);
  assert.equal(await app.exited, 2);
  cleanup();
  assert.deepEqual(await snapshot(box.root), before);
});
