// Bad input is exit 2 naming the option, never "This is a bug in lockstep": --root naming a
// file, a --root this user cannot write, a --log that cannot be opened; an empty
// LOCKSTEP_PASSPHRASE is blamed on the variable, not on --passphrase-file; --allow without
// the reason --help calls required is refused, as --help says.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'node:test';
import { BIN, REPO, lockstep, snapshot, tempRoot } from '../helpers.js';

const noBug = (stderr: string): void => assert.doesNotMatch(stderr, /This is a bug in lockstep/);

test('--root naming a file: exit 2, the option named', async () => {
  const { root, cleanup } = await tempRoot('lockstep-badpaths-');
  try {
    const file = path.join(root, 'a-file');
    await fs.writeFile(file, '');
    for (const command of [['--yes', 'cert', 'self-signed', '--host', 'a.example.org'], ['ca', 'list'], ['cert', 'inspect', '--domain', 'a.example.org']]) {
      const run = await lockstep(['--root', file, ...command]);
      assert.equal(run.exitCode, 2, `${command.join(' ')}\n${run.stderr}`);
      assert.match(run.stderr, new RegExp(`--root ${file.replace(/[/.]/g, '\\$&')} is not a folder`));
      noBug(run.stderr);
    }
  } finally {
    await cleanup();
  }
});

test('a --root this user cannot write: exit 2 before anything runs; a dry run is not refused for it', async () => {
  const { root, cleanup } = await tempRoot('lockstep-badpaths-');
  try {
    await fs.chmod(root, 0o755);
    const as = { uid: 65534, gid: 65534 }; // nobody: the sandbox belongs to root
    const run = await execa('node', [BIN, '--root', root, '--yes', 'cert', 'self-signed', '--host', 'a.example.org'], { reject: false, stdin: 'ignore', env: { CI: 'true', NO_COLOR: '1' }, ...as });
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(run.stderr, /--root \S+ is not writable by this user/);
    assert.match(run.stderr, /add --dry-run to only see the plan/);
    noBug(run.stderr);
    assert.deepEqual(await snapshot(root), {});
    const dry = await execa('node', [BIN, '--root', root, '--dry-run', 'cert', 'self-signed', '--host', 'a.example.org'], { reject: false, stdin: 'ignore', env: { CI: 'true', NO_COLOR: '1' }, ...as });
    noBug(dry.stderr);
    // The dry run is not refused up front (it writes nothing); the step itself says what it could not write.
    assert.doesNotMatch(dry.stderr, /is not writable by this user/);
    assert.match(dry.stderr, /Cannot use --out-dir \/etc\/ssl\/lockstep\/a\.example\.org: \/ is not writable/);
  } finally {
    await cleanup();
  }
});

test('--log that cannot be opened: exit 2 saying why', async () => {
  const { root, cleanup } = await tempRoot('lockstep-badpaths-');
  try {
    const cases: [string, RegExp][] = [
      [path.join(root, 'no-such-folder', 'run.log'), /cannot be opened for appending: its folder does not exist/],
      [root, /cannot be opened for appending: it is a folder/],
    ];
    for (const [log, message] of cases) {
      const run = await lockstep(['--root', root, '--log', log, '--yes', 'cert', 'self-signed', '--host', 'a.example.org']);
      assert.equal(run.exitCode, 2, run.stderr);
      assert.match(run.stderr, /--log /);
      assert.match(run.stderr, message);
      noBug(run.stderr);
    }
  } finally {
    await cleanup();
  }
});

test('an empty LOCKSTEP_PASSPHRASE names the variable, not --passphrase-file', async () => {
  const { root, cleanup } = await tempRoot('lockstep-badpaths-');
  try {
    // ca init needs an openssl.cnf to start from (its precondition): the passphrase is what is wrong here.
    await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
    await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
    const run = await lockstep(['--root', root, '--yes', 'ca', 'init', '--country', 'US', '--org', 'Example'], { env: { CI: 'true', NO_COLOR: '1', LOCKSTEP_PASSPHRASE: '' } });
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(run.stderr, /LOCKSTEP_PASSPHRASE is set but empty/);
    assert.doesNotMatch(run.stderr.split('\n')[0] ?? '', /--passphrase-file/);
    assert.match(run.stderr, /unset it to be asked for it, or give --passphrase-file FILE/);
  } finally {
    await cleanup();
  }
});

test('--allow without a reason: refused as --help says (exit 2, naming the fix), and --help says the reason is needed', async () => {
  const { root, cleanup } = await tempRoot('lockstep-badpaths-');
  try {
    const run = await lockstep(['--root', root, '--dry-run', 'firewall', '--ssh-from', '10.0.0.0/8', '--allow', '8443/tcp']);
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(run.stderr, /--allow .*"8443\/tcp" has no reason: add one after a colon, e\.g\. 8443\/tcp:admin console/);
    const help = await lockstep(['firewall', '--help']);
    assert.match(help.stdout.replace(/\s+/g, ' '), /--allow <value> Other ports to open, as PORT\/PROTO:reason .*each needs a reason/);
  } finally {
    await cleanup();
  }
});
