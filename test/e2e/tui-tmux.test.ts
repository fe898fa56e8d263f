// The built CLI's Ink TUI in a real terminal: tmux gives it a TTY of 120x40, the test types into
// it with send-keys (one special key per call: tmux delivers the keys of one call as one input)
// and reads the screen back with capture-pane, as a person at the keyboard would.
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { snapshot, tempRoot } from '../helpers.js';
import { startInTmux, tmuxMissing } from './tmux.js';

test('the TUI in a real terminal: home menu to summary, a certificate made, exit 0', { skip: tmuxMissing }, async () => {
  const { root, cleanup } = await tempRoot('lockstep-tmux-');
  const term = await startInTmux(['--root', root]);
  try {
    await term.waitFor('lockstep: what would you like to do?');
    await term.focus('cert self-signed');
    await term.waitFor('❯ Self-signed certificate');
    await term.key('Enter');
    await term.waitFor('? Host names the certificate is for');
    await term.type('bad host');
    await term.key('Enter');
    await term.waitFor('"bad host" contains a space; host names have none');
    await term.key('C-u');
    await term.type('example.org, www.example.org');
    await term.key('Enter');
    await term.waitFor('? Key type');
    await term.key('Down');
    await term.waitFor('❯ ECDSA P-384');
    await term.key('Enter');
    await term.waitFor('? Valid for how many days');
    await term.type('30');
    await term.key('Enter');
    await term.waitFor('? Folder for privkey.pem and cert.pem');
    await term.key('Enter');
    await term.waitFor('? Passphrase for the private key');
    await term.key('Enter');
    const preview = await term.waitFor('? Apply this plan? (y/N)');
    assert.match(preview, /\$ openssl req -new -x509/);
    await term.type('y');
    const done = await term.waitFor('Press Enter to return to the menu, or q to quit.');
    assert.match(done, /✓ key matches certificate/);
    assert.match(done, /Certificate: \/etc\/ssl\/lockstep\/example\.org\/cert\.pem \(valid 30 days/);
    await term.type('q');
    await term.waitFor('lockstep-exit=0');

    const dir = path.join(root, 'etc/ssl/lockstep/example.org');
    const cert = new X509Certificate(await fs.readFile(path.join(dir, 'cert.pem')));
    assert.equal(cert.subjectAltName, 'DNS:example.org, DNS:www.example.org');
    const key = createPrivateKey(await fs.readFile(path.join(dir, 'privkey.pem')));
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'secp384r1');
    assert.ok(cert.checkPrivateKey(key));
    assert.equal(Math.round((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000), 30);
  } finally {
    await term.kill();
    await cleanup();
  }
});

test('the TUI in a real terminal: colour unless NO_COLOR; Ctrl+C at a question changes nothing, exit 1', { skip: tmuxMissing }, async () => {
  const { root, cleanup } = await tempRoot('lockstep-tmux-');
  const colour = await startInTmux(['--root', root]);
  const plain = await startInTmux(['--root', root, 'cert', 'self-signed'], { NO_COLOR: '1' });
  const colourCodes = /\u001B\[[0-9;]*(3[0-7]|9[0-7]|38;[0-9;]+)m/;
  try {
    await colour.waitFor('lockstep: what would you like to do?');
    assert.match(await colour.screen(true), colourCodes, 'a colour terminal gets colour');
    await colour.type('q');
    await colour.waitFor('lockstep-exit=0');

    const before = await snapshot(root);
    await plain.waitFor('? Host names the certificate is for');
    assert.doesNotMatch(await plain.screen(true), colourCodes, 'NO_COLOR: no colour at all');
    // Typed text and Ctrl+C in one write, so Ink reads them as one chunk (as when typed fast on a loaded machine).
    await plain.type('exam\u0003');
    const end = await plain.waitFor('lockstep-exit=1');
    assert.match(end, /Stopped at a question: nothing was changed\./);
    assert.deepEqual(await snapshot(root), before);
  } finally {
    await colour.kill();
    await plain.kill();
    await cleanup();
  }
});
