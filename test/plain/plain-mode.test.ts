// --plain driven through its standard input, as a screen-reader user's keystrokes would arrive.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, snapshot, tempRoot, waitFor } from '../helpers.js';

const strip = (s: string): string => s.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');

function startPlain(root: string, extra: readonly string[] = []) {
  const child = execa('node', [BIN, '--root', root, '--plain', 'cert', 'self-signed', ...extra], {
    reject: false,
    stdin: 'pipe',
    env: { CI: 'true', NO_COLOR: '1', TERM: 'xterm-256color' },
    all: true,
  });
  let screen = '';
  child.all?.on('data', (d: Buffer) => (screen += d.toString()));
  const seen = () => strip(screen);
  /** Waits until `text` appears after `from` characters of output, then types `keys`. */
  async function answer(text: string, keys: string, from: { at: number }): Promise<void> {
    await waitFor(() => seen().indexOf(text, from.at) >= 0, `"${text}" on screen`, 15_000);
    from.at = seen().indexOf(text, from.at) + text.length;
    child.stdin?.write(keys);
  }
  return { child, seen, answer };
}

let sandbox: { root: string; cleanup: () => Promise<void> };
before(async () => {
  sandbox = await tempRoot();
});
after(() => sandbox.cleanup());

test('plain mode asks each question, re-asks after a bad host name, previews and applies', async (t) => {
  const { child, seen, answer } = startPlain(sandbox.root);
  t.after(() => child.kill());
  const at = { at: 0 };
  await answer('Host names the certificate is for', 'bad host\r', at);
  await answer('contains a space', '\u0015example.org, www.example.org\r', at);
  await answer('Key type', '\r', at); // the default, ECDSA P-256
  await answer('Valid for how many days', '30\r', at);
  await answer('Folder for privkey.pem', '\r', at); // default /etc/ssl/lockstep/example.org
  await answer('Passphrase for the private key', '\r', at); // none
  await answer('Apply this plan', 'y\r', at);
  const result = await child;
  const out = seen();
  assert.equal(result.exitCode, 0, out);
  assert.match(out, /\$ openssl genpkey -algorithm EC/);
  assert.match(out, /✓ key matches certificate/);

  const dir = path.join(sandbox.root, 'etc/ssl/lockstep/example.org');
  const cert = new X509Certificate(await fs.readFile(path.join(dir, 'cert.pem')));
  assert.equal(cert.subjectAltName, 'DNS:example.org, DNS:www.example.org');
  assert.ok(cert.checkPrivateKey(createPrivateKey(await fs.readFile(path.join(dir, 'privkey.pem')))));
  assert.equal((await fs.stat(path.join(dir, 'privkey.pem'))).mode & 0o777, 0o600);
  const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
  assert.equal(Math.round(days), 30);
});

test('plain mode: answering no at the confirmation changes nothing', async (t) => {
  const { root, cleanup } = await tempRoot();
  try {
    const before = await snapshot(root);
    const { child, seen, answer } = startPlain(root, ['--host', 'example.org', '--days', '10']);
    t.after(() => child.kill());
    const at = { at: 0 };
    await answer('Key type', '\r', at);
    await answer('Folder for privkey.pem', '\r', at);
    await answer('Passphrase for the private key', '\r', at);
    await answer('Apply this plan', 'n\r', at);
    const result = await child;
    assert.equal(result.exitCode, 1, seen());
    assert.match(seen(), /Nothing was changed/);
    assert.deepEqual(await snapshot(root), before);
  } finally {
    await cleanup();
  }
});

test('plain mode: a question\'s help comes with it (under it, before the answer), a rejected answer is cleared, not kept to append to', async (t) => {
  const { root, cleanup } = await tempRoot();
  t.after(cleanup);
  const { child, seen, answer } = startPlain(root);
  t.after(() => child.kill());
  const at = { at: 0 };
  await answer('Host names the certificate is for', 'foo..bar\r', at);
  await answer('has an empty label', 'plain.example.org\r', at);
  await answer('Key type', '\u0003', at);
  await child;
  const out = seen();
  const question = out.indexOf('? Host names the certificate is for');
  const help = out.indexOf('Separate several with commas');
  assert.ok(question >= 0 && help > question, `the help is under its question:\n${out}`);
  assert.ok(out.lastIndexOf('== Self-signed certificate ==', question) >= 0 && !out.slice(0, question).includes('Separate several with commas'), 'not printed above it');
  assert.match(out, /Host names the certificate is for plain\.example\.org/, 'the answer taken is the one typed after the rejection');
  assert.doesNotMatch(out, /foo\.\.barplain/, 'the rejected text was cleared, not appended to');
});

test('TERM=dumb: line prompts only — not one escape code; help and how to answer printed once with each question; a rejected answer read again on a fresh line', async (t) => {
  const { root, cleanup } = await tempRoot();
  t.after(cleanup);
  const child = execa('node', [BIN, '--root', root, '--plain', 'cert', 'self-signed'], { reject: false, stdin: 'pipe', all: true, env: { CI: 'true', TERM: 'dumb' } });
  t.after(() => child.kill());
  let raw = '';
  child.all?.on('data', (d: Buffer) => (raw += d.toString()));
  let at = 0;
  const answer = async (text: string, keys: string): Promise<void> => {
    await waitFor(() => raw.indexOf(text, at) >= 0, `"${text}" on screen`, 15_000);
    at = raw.indexOf(text, at) + text.length;
    child.stdin?.write(keys);
  };
  await answer('? Host names the certificate is for', 'foo..bar\r');
  await answer('Type it again.', 'dumb.example.org\r');
  await answer('? Key type', '2\r'); // ECDSA P-384, by its number
  await answer('? Valid for how many days', '\r');
  await answer('? Folder for privkey.pem', '\r');
  await answer('? Passphrase for the private key', '\r');
  await answer('? Apply this plan', 'y\r');
  const result = await child;
  assert.equal(result.exitCode, 0, raw);
  assert.equal(raw.includes('\u001B'), false, `no escape code at all:\n${JSON.stringify(raw.slice(0, 400))}`);
  assert.match(raw, /\? Host names the certificate is for\n {2}Separate several with commas[^\n]*\n {2}One or more DNS names, separated by commas\.\n> /);
  assert.match(raw, /Not taken: "foo\.\.bar" has an empty label[^\n]*Type it again\.\n> /);
  assert.equal(raw.split('? Host names the certificate is for').length - 1, 1, 'the question is printed once, not redrawn');
  assert.match(raw, / {2}2\) ECDSA P-384/);
  assert.match(raw, /Enter keeps 1 \(ECDSA P-256\)\./);
  const cert = new X509Certificate(await fs.readFile(path.join(root, 'etc/ssl/lockstep/dumb.example.org/cert.pem')));
  assert.equal(cert.subjectAltName, 'DNS:dumb.example.org');
  assert.equal(createPrivateKey(await fs.readFile(path.join(root, 'etc/ssl/lockstep/dumb.example.org/privkey.pem'))).asymmetricKeyDetails?.namedCurve, 'secp384r1');
});
