// The built CLI's Ink TUI in a real terminal: tmux gives it a TTY of 120x40, the test types into
// it with send-keys (one special key per call: tmux delivers the keys of one call as one input)
// and reads the screen back with capture-pane, as a person at the keyboard would.
import { execa, execaSync } from 'execa';
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { shellQuote } from '../../src/core/describe.js';
import { FLOWS } from '../../src/flows/index.js';
import { BIN, REPO, snapshot, tempRoot } from '../helpers.js';

const tmuxMissing = ((): string | false => {
  try {
    execaSync('tmux', ['-V']);
    return false;
  } catch {
    return 'tmux is not installed';
  }
})();

const notBuilt = !existsSync(path.join(REPO, 'dist', 'cli.js'));

/** A tmux server and session of the test's own (its own socket), running `lockstep ARGS`. */
async function startInTmux(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
  assert.ok(!notBuilt, 'the built CLI is missing: run "npm run build" first');
  const id = `lockstep-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmux = (...a: string[]) => execa('tmux', ['-L', id, ...a]);
  // CI must be unset, not empty: Ink (is-in-ci) takes CI= as "in CI" and then draws nothing.
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const command = ['env', '-u', 'CI', '-u', 'NO_COLOR', ...envArgs, 'node', BIN, ...args].map((w, i) => (i >= 5 + envArgs.length ? shellQuote(w) : w));
  await tmux('new-session', '-d', '-s', id, '-x', '120', '-y', '40', `${command.join(' ')}; echo lockstep-exit=$?; sleep 600`);
  const socket = (await tmux('display-message', '-p', '#{socket_path}')).stdout.trim();
  const screen = async (colours = false): Promise<string> =>
    (await tmux('capture-pane', '-p', ...(colours ? ['-e'] : []), '-t', id)).stdout;
  return {
    screen,
    /** Polls the visible screen until it shows `text`. */
    async waitFor(text: string, timeoutMs = 20_000): Promise<string> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = await screen();
        if (s.includes(text)) return s;
        if (Date.now() > until) throw new Error(`timed out waiting for "${text}"; the screen shows:\n${s}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** One key by its tmux name (Enter, Down, C-c, ...). */
    key: (name: string) => tmux('send-keys', '-t', id, name),
    /** Moves the home menu's focus to a flow: Down as many times as flows come before it. */
    async focus(stepId: string): Promise<void> {
      const at = FLOWS.findIndex((f) => f.step.id === stepId);
      assert.ok(at >= 0, `no flow ${stepId}`);
      for (let i = 0; i < at; i++) await tmux('send-keys', '-t', id, 'Down');
    },
    /** Text, typed literally. */
    type: (text: string) => tmux('send-keys', '-t', id, '-l', text),
    /** Ends the server (and the program in it) and removes its socket, which tmux leaves behind. */
    async kill(): Promise<void> {
      await tmux('kill-server').catch(() => undefined);
      if (socket.endsWith(id)) await fs.rm(socket, { force: true });
    },
  };
}

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
    await plain.type('exam');
    await plain.key('C-c');
    const end = await plain.waitFor('lockstep-exit=1');
    assert.match(end, /Stopped at a question: nothing was changed\./);
    assert.deepEqual(await snapshot(root), before);
  } finally {
    await colour.kill();
    await plain.kill();
    await cleanup();
  }
});
