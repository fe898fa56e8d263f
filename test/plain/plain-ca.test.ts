// ca init and ca sign in --plain mode, answered through standard input.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, REPO, tempRoot, waitFor } from '../helpers.js';

const PASS = 'correct horse battery';
const strip = (s: string): string => s.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');

function startPlain(root: string, args: readonly string[]) {
  const child = execa('node', [BIN, '--root', root, '--plain', ...args], { reject: false, stdin: 'pipe', env: { CI: 'true', NO_COLOR: '1', TERM: 'xterm-256color' }, all: true });
  let screen = '';
  child.all?.on('data', (d: Buffer) => (screen += d.toString()));
  const at = { i: 0 };
  return {
    child,
    seen: () => strip(screen),
    async answer(text: string, keys: string): Promise<void> {
      await waitFor(() => strip(screen).indexOf(text, at.i) >= 0, `"${text}" on screen`, 15_000);
      at.i = strip(screen).indexOf(text, at.i) + text.length;
      child.stdin?.write(keys);
    },
  };
}

test('plain mode: ca init asks the passphrase twice and refuses md5; ca sign then signs a host', async (t) => {
  const { root, cleanup } = await tempRoot('lockstep-plain-ca-');
  t.after(cleanup);
  await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));

  const init = startPlain(root, ['ca', 'init', '--ca-dir', '/etc/pki/CA', '--ca-name', 'couch_ca', '--key-type', 'ec-p384', '--config-mode', 'dedicated', '--openssl-cnf', '/etc/ssl/openssl.cnf', '--country', 'US', '--state', 'MA', '--locality', 'Boston', '--org', 'Quoin', '--email', 'ops@example.org', '--cn', 'Quoin Root', '--days', '3650']);
  t.after(() => init.child.kill());
  await init.answer('Passphrase of the root key', `${PASS}\r`);
  await init.answer('The same again', `${PASS}\r`);
  await init.answer('Signature digest', 'md5\r');
  await init.answer('md5 is broken', '\u0015sha256\r');
  await init.answer('Apply this plan', 'y\r');
  const r = await init.child;
  assert.equal(r.exitCode, 0, init.seen());
  assert.ok(!init.seen().includes(PASS));

  const sign = startPlain(root, ['ca', 'sign', '--host', 'couch1.example.org', '--key-type', 'ec-p256', '--days', '90']);
  t.after(() => sign.child.kill());
  await sign.answer('Folder of the certificate authority', '\r');
  await sign.answer('Name of the CA', '\r');
  await sign.answer('Extra subjectAltNames', '\r');
  // A wrong passphrase is asked again, saying why (three tries in all), not refused at the plan.
  await sign.answer('Passphrase of the root key', 'not it at all\r');
  await sign.answer('that passphrase does not open the root key /etc/pki/CA/private/couch_ca.pem. Try 2 of 3.', '');
  await sign.answer('Passphrase of the root key', `${PASS}\r`);
  await sign.answer('Apply this plan', 'y\r');
  const s = await sign.child;
  assert.equal(s.exitCode, 0, sign.seen());
  const ca = path.join(root, 'etc/pki/CA');
  const rootCert = new X509Certificate(await fs.readFile(path.join(ca, 'certs/couch_ca.cert')));
  const host = new X509Certificate(await fs.readFile(path.join(ca, 'hosts/couch1.example.org/couch1.example.org.crt')));
  assert.ok(host.verify(rootCert.publicKey));
});
