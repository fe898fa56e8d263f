// `lockstep --plain updates` driven through its standard input, as a screen-reader user's
// keystrokes arrive: which origins (a select, moved with the arrow key), the mail address, the
// reboot time (a bad one re-asked), the preview, then the files written and checked by the real
// apt-config and unattended-upgrade --dry-run on a root whose sources are the test's own file
// repositories (test/apt/apt-world.ts; never the network sources).
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { makeAptWorld, markUnattendedUpgrades } from '../apt/apt-world.js';
import { drivePlain } from '../plain/drive.js';

const haveUu = (await execa('sh', ['-c', 'command -v unattended-upgrade && command -v dpkg-scanpackages'], { reject: false })).exitCode === 0;

test('plain mode: lockstep updates asks origins, mail, reboot time (re-asked after a bad one), previews and applies', { skip: haveUu ? false : 'needs unattended-upgrades and dpkg-dev' }, async (t) => {
  const apt = await makeAptWorld();
  t.after(apt.cleanup);
  const root = apt.root;
  await markUnattendedUpgrades(root);

  const run = drivePlain(['--root', root, 'updates'], {});
  const { child, answer } = run;
  t.after(() => child.kill());
  await answer('Which updates install themselves', '\u001B[B\r'); // the second choice: security and stable updates
  await answer('Mail a report of each upgrade to', '\u0015ops@example.org\r');
  await answer('Reboot automatically when an upgrade needs it', '\u001525:00\r');
  await answer('"25:00" is not a time like 04:30', '\u001504:30\r');
  await answer('Apply this plan', 'y\r');
  const result = await child;
  const out = run.screen();
  assert.equal(result.exitCode, 0, out);

  // The preview came before anything was written, and showed both files.
  const plan = out.indexOf('The plan');
  assert.ok(plan >= 0 && plan < out.indexOf('Apply this plan'), out);
  assert.match(out.slice(plan), /52lockstep-unattended-upgrades/);
  assert.match(out.slice(plan), /20auto-upgrades/);
  assert.match(out, /✓ apt reads the periodic settings/);
  assert.match(out, /✓ the origins are exactly lockstep's/);
  assert.match(out, new RegExp(`✓ unattended-upgrade --dry-run accepts the configuration .*origin=Debian,codename=${apt.codename}-updates`));

  const dir = path.join(root, 'etc/apt/apt.conf.d');
  assert.equal(await fs.readFile(path.join(dir, '20auto-upgrades'), 'utf8'), 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n');
  const origins = await fs.readFile(path.join(dir, '52lockstep-unattended-upgrades'), 'utf8');
  assert.match(origins, /^#clear Unattended-Upgrade::Origins-Pattern;$/m);
  assert.match(origins, /"origin=Debian,codename=\$\{distro_codename\}-security,label=Debian-Security";/);
  assert.match(origins, /"origin=Debian,codename=\$\{distro_codename\}-updates";/);
  assert.match(origins, /^Unattended-Upgrade::Mail "ops@example\.org";$/m);
  assert.match(origins, /^Unattended-Upgrade::Automatic-Reboot "true";$/m);
  assert.match(origins, /^Unattended-Upgrade::Automatic-Reboot-Time "04:30";$/m);
  assert.doesNotMatch(origins, /25:00/);
});
