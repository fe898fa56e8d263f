// A dumb terminal (TERM=dumb) in a real pty: lockstep picks line prompts by itself, and not one
// escape code reaches the terminal — not at a question, not on a keystroke, not in a rejected
// answer, not in the plan. The raw bytes are recorded with tmux's pipe-pane.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { tempRoot } from '../helpers.js';
import { startInTmux, tmuxMissing } from './tmux.js';

test('TERM=dumb in a real terminal: line prompts, no escape code in any byte written', { skip: tmuxMissing }, async () => {
  const { root, cleanup } = await tempRoot('lockstep-dumb-');
  const raw = `${root}.raw`;
  const term = await startInTmux(['--root', root, 'cert', 'self-signed'], { TERM: 'dumb' });
  try {
    await term.record(raw);
    await term.waitFor('? Host names the certificate is for');
    await term.type('foo..bar');
    await term.key('Enter');
    await term.waitFor('Type it again.');
    await term.type('dumb.example.org');
    await term.key('Enter');
    for (const q of ['? Key type', '? Valid for how many days', '? Folder for privkey.pem', '? Passphrase for the private key']) {
      await term.waitFor(q);
      await term.key('Enter');
    }
    await term.waitFor('? Apply this plan');
    await term.type('y');
    await term.key('Enter');
    await term.waitFor('lockstep-exit=0');
    const bytes = await fs.readFile(raw, 'utf8');
    assert.match(bytes, /> foo\.\.bar\r?\n {2}Not taken: "foo\.\.bar" has an empty label[^\n]*Type it again\.\r?\n> dumb\.example\.org/, 'rejected, then read again on a fresh line');
    assert.ok(bytes.includes('? Key type') && bytes.includes('The plan'), 'the recording holds the run');
    assert.equal(bytes.includes('\u001B'), false, `an escape code was written: ${JSON.stringify(bytes.slice(Math.max(0, bytes.indexOf('\u001B') - 40), bytes.indexOf('\u001B') + 20))}`);
    const cert = new X509Certificate(await fs.readFile(path.join(root, 'etc/ssl/lockstep/dumb.example.org/cert.pem')));
    assert.equal(cert.subjectAltName, 'DNS:dumb.example.org');
  } finally {
    await term.kill();
    await fs.rm(raw, { force: true });
    await cleanup();
  }
});
