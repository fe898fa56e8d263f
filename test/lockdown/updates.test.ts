// `lockstep updates`: the written apt configuration as data, then read by the real apt-config
// and a real `unattended-upgrade --dry-run` on a --root whose sources are two local file
// repositories this test builds and whose dpkg database has their old versions (never the
// network sources, never the host's apt state).
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { probeInRootMounts } from '../../src/apt/apt-root.js';
import { System } from '../../src/core/system.js';
import { originsText } from '../../src/updates/updates-step.js';
import { makeAptWorld, markUnattendedUpgrades, type AptWorld } from '../apt/apt-world.js';
import { lockstep, snapshot, tempRoot } from '../helpers.js';

async function updatesWorld(): Promise<AptWorld> {
  const world = await makeAptWorld();
  await markUnattendedUpgrades(world.root);
  return world;
}

const haveUu = (await execa('sh', ['-c', 'command -v unattended-upgrade && command -v dpkg-scanpackages'], { reject: false })).exitCode === 0;

test('origins file: security only by default, clears the package lists, mail and reboot only when asked', () => {
  const text = originsText({ origins: 'security', mail: 'none', rebootTime: 'none' }, 'debian');
  assert.match(text, /^#clear Unattended-Upgrade::Origins-Pattern;$/m);
  assert.match(text, /"origin=Debian,codename=\$\{distro_codename\}-security,label=Debian-Security";/);
  assert.doesNotMatch(text, /-updates|label=Debian"/);
  assert.doesNotMatch(text, /Mail/);
  assert.match(text, /Automatic-Reboot "false"/);
  const ubuntu = originsText({ origins: 'security-and-updates', mail: 'ops@example.org', rebootTime: '04:30' }, 'ubuntu');
  assert.match(ubuntu, /archive=\$\{distro_codename\}-updates/);
  assert.match(ubuntu, /Unattended-Upgrade::Mail "ops@example.org";/);
  assert.match(ubuntu, /Automatic-Reboot-Time "04:30";/);
});

describe('lockstep updates with the real apt and unattended-upgrade', { skip: haveUu ? false : 'needs unattended-upgrades and dpkg-dev' }, () => {
  test('writes 20auto-upgrades and the origins; apt-config and unattended-upgrade --dry-run accept them; only the security origin is allowed', async () => {
    const world = await updatesWorld();
    const { root } = world;
    const hostStatus = await fs.readFile('/var/lib/dpkg/status', 'utf8').catch(() => '');
    try {
      const apt = world;
      const run = await lockstep(['--root', root, 'updates', '--mail', 'ops@example.org', '--reboot-time', '04:30', '--yes']);
      assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /✓ apt reads the periodic settings/);
      assert.match(run.stdout, /✓ the origins are exactly lockstep's/);
      assert.match(run.stdout, new RegExp(`✓ unattended-upgrade --dry-run accepts the configuration .*origin=Debian,codename=${apt.codename}-security,label=Debian-Security`));
      assert.equal(
        await fs.readFile(path.join(root, 'etc/apt/apt.conf.d/20auto-upgrades'), 'utf8'),
        'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
      );

      // The same configuration, read by unattended-upgrade in debug mode on the root (its apt and
      // dpkg folders mounted over the host's in a namespace of its own, as lockstep's check does):
      // the regular updates repository is pinned out, the security one is not, and what it would
      // upgrade is what lockstep's classifier calls security (mixed: its security fix 1.1, not 1.2).
      const dry = await probeInRootMounts(new System(root), ['unattended-upgrade', '--dry-run', '-d'], { timeoutMs: 180_000 });
      const out = `${dry.stdout}\n${dry.stderr}`;
      assert.ok(dry.isolated, out);
      assert.equal(dry.exitCode, 0, out);
      assert.match(out, /Marking not allowed .*updates_\._Packages.*l=Debian\b/);
      assert.doesNotMatch(out, /Marking not allowed .*security_\._Packages/);
      assert.match(out, /Packages that will be upgraded: lockstep-libsec lockstep-mixed lockstep-secpkg\n/);
      assert.equal(await fs.readFile('/var/lib/dpkg/status', 'utf8').catch(() => ''), hostStatus, 'the host\'s dpkg database is untouched');
    } finally {
      await world.cleanup();
    }
  });

  test('bad input names the flag, exits 2 and changes nothing', async () => {
    const { root, cleanup } = await tempRoot('lockstep-updates-');
    try {
      await fs.mkdir(path.join(root, 'etc'), { recursive: true });
      await fs.copyFile('/etc/os-release', path.join(root, 'etc/os-release'));
      await markUnattendedUpgrades(root);
      const snap = await snapshot(root);
      for (const [args, message] of [
        [['--reboot-time', '25:00'], /--reboot-time.*"25:00" is not a time/],
        [['--mail', 'ops at example'], /--mail.*not a mail address/],
        [['--origins', 'everything'], /--origins.*not one of/],
      ] as const) {
        const run = await lockstep(['--root', root, 'updates', ...args, '--yes']);
        assert.equal(run.exitCode, 2, run.stderr);
        assert.match(run.stderr, message);
      }
      assert.deepEqual(await snapshot(root), snap);
    } finally {
      await cleanup();
    }
  });
});
