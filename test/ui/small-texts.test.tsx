// The small texts a newcomer trips on: an empty default is said as such (not "Enter keeps ."),
// a missing answer keeps the question's capitals ("e.g. US"), and each cause of SSH's refusal to
// turn passwords off gets its own hint (ssh-copy-id only where a key is what is missing).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, tempRoot } from '../helpers.js';
import { KEY, startApp, tempRootsPerTest, testFlow } from './harness.js';

const newRoot = tempRootsPerTest();

test('TUI: a question whose default is empty says "Enter leaves it empty.", one with a value "Enter keeps it"', async () => {
  const root = await newRoot();
  const flow = testFlow('small-texts', [], {
    questions: [
      { kind: 'text', id: 'san', message: 'Extra subjectAltNames (empty for none)', default: '', optional: true },
      { kind: 'text', id: 'caName', message: 'Name of the CA', default: 'couch_ca' },
    ],
  });
  const app = startApp({ root, flows: [flow], start: flow });
  const empty = await app.waitFor('Extra subjectAltNames');
  assert.match(empty, /Enter leaves it empty\./);
  assert.doesNotMatch(empty, /Enter keeps \./);
  app.press(KEY.enter);
  const named = await app.waitFor('Name of the CA');
  assert.match(named, /Enter keeps couch_ca\./);
  app.press(KEY.enter);
  await app.waitFor('Apply this plan?');
  app.press('n');
  await app.exited;
});

test('a missing answer names the question with its capitals: "country (two-letter ISO code, e.g. DE)"', async () => {
  const { root, cleanup } = await tempRoot('lockstep-texts-');
  try {
    const run = await lockstep(['--root', root, '--yes', 'cert', 'purchased', '--domain', 'portal.example.com', '--org', 'Example GmbH']);
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /Missing answer: country \(two-letter ISO code, e\.g\. DE\)\./);
    const missing = await lockstep(['--root', root, '--yes', 'cert', 'self-signed']);
    assert.match(missing.stderr, /Missing answer: host names the certificate is for\./, 'an ordinary first word is still lowered');
  } finally {
    await cleanup();
  }
});

test('ssh --dry-run: no such user, no authorized_keys, no valid key line: each its own hint', async () => {
  const { root, cleanup } = await tempRoot('lockstep-texts-');
  try {
    await fs.mkdir(path.join(root, 'etc/ssh'), { recursive: true });
    await fs.mkdir(path.join(root, 'home/admin/.ssh'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/ssh/sshd_config'), 'Include /etc/ssh/sshd_config.d/*.conf\n');
    await fs.writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nadmin:x:1000:1000::/home/admin:/bin/bash\n');
    const ssh = (user: string) =>
      lockstep(['--root', root, '--dry-run', 'ssh', '--user', user, '--permit-root-login', 'no', '--allow-users', 'none', '--allow-groups', 'none'], { env: { CI: 'true', NO_COLOR: '1', SUDO_USER: '' } });

    const ghost = await ssh('ghost');
    assert.equal(ghost.exitCode, 2);
    assert.match(ghost.stderr, /ghost is not in \/etc\/passwd/);
    assert.match(ghost.stderr, /give --user the account you log in with .*or create it first \(adduser ghost\)/);
    assert.doesNotMatch(ghost.stderr, /ssh-copy-id/, 'no key to copy for an account that does not exist');

    const noFile = await ssh('admin');
    assert.match(noFile.stderr, /admin has no \/home\/admin\/\.ssh\/authorized_keys\./);
    assert.match(noFile.stderr, /ssh-copy-id admin@this-server/);

    await fs.writeFile(path.join(root, 'home/admin/.ssh/authorized_keys'), 'ssh-ed25519 not-base64!\n');
    const badLine = await ssh('admin');
    assert.match(badLine.stderr, /admin's \/home\/admin\/\.ssh\/authorized_keys holds no valid public key line/);
    assert.match(badLine.stderr, /must be "TYPE BASE64 \[comment\]"/);
  } finally {
    await cleanup();
  }
});
