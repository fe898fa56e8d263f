// `ca sign --crl-url`: the host certificate names where its CRL is (crlDistributionPoints), as
// openssl reads it; none by default (the certificates as before); a bad URL is exit 2 naming the
// flag; renew signs it again naming the same CRL, and the CRL that `ca revoke` publishes lists
// the old one.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockstep } from '../helpers.js';
import { CA, initCa, sandbox, signArgs } from '../e2e/ca-robust-helpers.js';

const URL = 'http://pki.example.test/couch_ca.crl';
const crlExt = async (file: string): Promise<string> =>
  (await execa('openssl', ['x509', '-noout', '-ext', 'crlDistributionPoints', '-in', file], { reject: false })).stdout;

test('ca sign --crl-url names the CRL in the host certificate; none without it; renew keeps it', async () => {
  const box = await sandbox();
  try {
    await initCa(box);
    const bad = await lockstep(signArgs(box, ['bad.example.org'], ['--crl-url', 'ftp://x y']));
    assert.equal(bad.exitCode, 2, `${bad.stdout}\n${bad.stderr}`);
    assert.match(bad.stderr, /--crl-url.*http:\/\/ URL/);

    const plain = await lockstep(signArgs(box, ['plain.example.org']));
    assert.equal(plain.exitCode, 0, plain.stderr);
    assert.equal(await crlExt(box.real(`${CA}/hosts/plain.example.org/plain.example.org.crt`)), '', 'no CRL named by default');

    const named = await lockstep(signArgs(box, ['crl.example.org'], ['--crl-url', URL]));
    assert.equal(named.exitCode, 0, `${named.stdout}\n${named.stderr}`);
    assert.match(named.stdout, new RegExp(`✓ crl\\.example\\.org: names the CRL at ${URL.replace(/\./g, '\\.')}`));
    const crt = box.real(`${CA}/hosts/crl.example.org/crl.example.org.crt`);
    const before = await execa('openssl', ['x509', '-noout', '-serial', '-in', crt]);
    assert.match(await crlExt(crt), new RegExp(`URI:${URL.replace(/\./g, '\\.')}`));

    // renew --force signs it again: the same CRL named, the old serial in the CRL it publishes.
    const renewed = await lockstep(['--root', box.root, 'renew', '--yes', '--force', '--passphrase-file', box.passFile]);
    assert.equal(renewed.exitCode, 0, `${renewed.stdout}\n${renewed.stderr}`);
    assert.match(await crlExt(crt), new RegExp(`URI:${URL.replace(/\./g, '\\.')}`), 'renewal names the same CRL');
    assert.equal(await crlExt(box.real(`${CA}/hosts/plain.example.org/plain.example.org.crt`)), '', 'and none where none was');
    const oldSerial = before.stdout.replace(/^serial=/, '').trim();
    const crl = await execa('openssl', ['crl', '-noout', '-text', '-in', box.real(`${CA}/crl/couch_ca.crl`)]);
    assert.match(crl.stdout, new RegExp(`Serial Number: 0*${oldSerial.replace(/^0+/, '')}`, 'i'));
  } finally {
    await box.cleanup();
  }
});
