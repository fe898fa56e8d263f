// Every command lockstep suggests carries the run's --root (and --ca-dir, --answers where the
// run had them): pasted from a sandbox session, it acts on the same sandbox, never on /.
// The rewrite as data, then through the built CLI: ca init's "Next:", cert's choice, a refused
// plan's hint, and the commands that stay as written (previews and files).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { withRunFlags } from '../../src/core/run-flags.js';
import { REPO, lockstep, tempRoot } from '../helpers.js';

test('withRunFlags: --root after "lockstep", --ca-dir for ca commands, --answers for onboard; prose and / untouched', () => {
  const f = { root: '/tmp/sand box', caDir: '/srv/CA', answers: '/home/op/a.json' };
  assert.equal(withRunFlags('Next: lockstep ca sign --host <host name>', f), "Next: lockstep --root '/tmp/sand box' ca sign --ca-dir /srv/CA --host <host name>");
  assert.equal(withRunFlags('Next: lockstep ca sign --ca-dir /x --host h', f), "Next: lockstep --root '/tmp/sand box' ca sign --ca-dir /x --host h", 'a --ca-dir already there stays');
  assert.equal(withRunFlags('To go on: lockstep onboard --steps ssh,updates', f), "To go on: lockstep --root '/tmp/sand box' --answers /home/op/a.json onboard --steps ssh,updates");
  assert.equal(withRunFlags('run there: lockstep firewall confirm', { root: '/r' }), 'run there: lockstep --root /r firewall confirm');
  assert.equal(withRunFlags('"lockstep resume" continues it', { root: '/r' }), '"lockstep --root /r resume" continues it');
  assert.equal(withRunFlags('lockstep renew --yes && lockstep ca revoke --host h', { root: '/r' }), 'lockstep --root /r renew --yes && lockstep --root /r ca revoke --host h');
  assert.equal(withRunFlags('a key that lockstep firewall does not read', { root: '/r' }), 'a key that lockstep firewall does not read');
  assert.equal(withRunFlags('Next: lockstep cert letsencrypt', { root: '/' }), 'Next: lockstep cert letsencrypt', 'on / nothing is added');
  assert.equal(withRunFlags("lockstep's own table; /var/log/lockstep/journal.jsonl", { root: '/r' }), "lockstep's own table; /var/log/lockstep/journal.jsonl");
});

test('ca init --root R --ca-dir D: "Next:" names R and D; the dedicated openssl.cnf it writes is not rewritten', async () => {
  const { root, cleanup } = await tempRoot('lockstep-runflags-');
  try {
    await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
    await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
    const pass = path.join(root, '..', `${path.basename(root)}.pass`);
    await fs.writeFile(pass, 'correct horse battery staple\n', { mode: 0o600 });
    try {
      const run = await lockstep(['--root', root, 'ca', 'init', '--yes', '--ca-dir', '/srv/pki/CA', '--passphrase-file', pass, '--country', 'US', '--org', 'Quoin, Inc.']);
      assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
      assert.ok(run.stdout.includes(`Next: lockstep --root ${root} ca sign --ca-dir /srv/pki/CA --host <host name>`), run.stdout);
      assert.doesNotMatch(run.stdout, /Next: lockstep ca /);
    } finally {
      await fs.rm(pass, { force: true });
    }
  } finally {
    await cleanup();
  }
});

test('cert (the choice) and a refused plan\'s hint carry --root', async () => {
  const { root, cleanup } = await tempRoot('lockstep-runflags-');
  try {
    const choice = await lockstep(['--root', root, 'cert', '--public', '--no-port-80', '--dns']);
    assert.equal(choice.exitCode, 0, choice.stderr);
    assert.match(choice.stdout, new RegExp(`^ +Next: lockstep --root ${root.replace(/[/.]/g, '\\$&')} cert letsencrypt --challenge dns-01`, 'm'));
    // firewall confirm with nothing pending: refused, and the hint to run "lockstep firewall" names the root.
    const confirm = await lockstep(['--root', root, '--yes', 'firewall', 'confirm']);
    assert.equal(confirm.exitCode, 2, confirm.stderr);
    assert.ok(confirm.stderr.includes(`Run "lockstep --root ${root} firewall" to apply the policy again.`), confirm.stderr);
  } finally {
    await cleanup();
  }
});

test('the TUI\'s closing banner: "lockstep resume" names the run\'s --root too', async () => {
  const { bannerFor } = await import('../../src/ui/ink/error-banner.js');
  const { AbortedError } = await import('../../src/core/errors.js');
  const banner = bannerFor(new AbortedError('Stopped.'), { applied: true, journalFile: '/r/var/log/lockstep/journal.jsonl', advise: (t) => withRunFlags(t, { root: '/r' }) });
  assert.ok(banner.lines.some((l) => l.startsWith('"lockstep --root /r resume" continues the run')), banner.lines.join('\n'));
});
