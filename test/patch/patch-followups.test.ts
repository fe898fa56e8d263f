// After the upgrade: a chroot's stale copies listed in the log and copied in (old copy kept), the
// checksum baseline and what changed outside an upgrade since, the sudoers drop-in checked by the
// real visudo, and needrestart's batch output as the real tool prints it.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { System } from '../../src/core/system.js';
import { parseNeedrestart, restartInfo } from '../../src/patch/after-upgrade.js';
import type { AptWorld } from '../apt/apt-world.js';
import { lockstep } from '../helpers.js';
import { localDay } from '../../src/patch/session-spec.js';
import { patchWorld } from './patch-world.js';

const haveTools = (await execa('sh', ['-c', 'command -v dpkg-scanpackages && command -v apt-get'], { reject: false })).exitCode === 0;
const haveVisudo = (await execa('sh', ['-c', 'command -v visudo'], { reject: false })).exitCode === 0;
const day = (): string => localDay(new Date());
const SEC = '/usr/share/lockstep-test/lockstep-secpkg.txt';

describe('after the upgrade', { skip: haveTools ? false : 'needs dpkg-dev and apt' }, () => {
  let world: AptWorld;
  before(async () => {
    world = await patchWorld();
  });
  after(async () => {
    await world?.cleanup();
  });

  test('--chroot (an answers-file list): the stale copy listed in the log, copied in with the old one kept; the baseline taken', async () => {
    const chroot = path.join(world.root, 'srv/chroot');
    await fs.mkdir(path.join(chroot, path.dirname(SEC)), { recursive: true });
    await fs.writeFile(path.join(chroot, SEC), 'lockstep-secpkg 1.0\n');
    const answers = path.join(world.dir, 'patch.json');
    await fs.writeFile(answers, JSON.stringify({ upgrade: 'security', chroot: ['/srv/chroot'] }));
    const r = await lockstep(['--root', world.root, 'patch', '--answers', answers, '--yes']);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    const log = await fs.readFile(path.join(world.root, `var/log/OSPATCH-${day()}.log`), 'utf8');
    assert.match(log, new RegExp(`Chroot copies that differ from the upgraded packages \\(1\\):\\n  /srv/chroot${SEC} \\(differs from ${SEC}\\)`));
    assert.match(r.stdout, /cp --preserve=mode,ownership,timestamps --backup=numbered \S+lockstep-secpkg\.txt \S+srv\/chroot\/usr\/share\/lockstep-test\/lockstep-secpkg\.txt/);
    assert.equal(await fs.readFile(path.join(chroot, SEC), 'utf8'), 'lockstep-secpkg 1.1\n');
    assert.equal(await fs.readFile(path.join(chroot, `${SEC}.~1~`), 'utf8'), 'lockstep-secpkg 1.0\n', 'the old copy kept');
    assert.match(r.stdout, /✓ \/srv\/chroot has the upgraded packages' files/);

    const baseline = JSON.parse(await fs.readFile(path.join(world.root, 'var/lib/lockstep/patch/baseline.json'), 'utf8')) as { files: Record<string, string> };
    const { createHash } = await import('node:crypto');
    assert.equal(baseline.files[SEC], createHash('sha256').update('lockstep-secpkg 1.1\n').digest('hex'));
  });

  test('the next session says which baseline files changed outside an upgrade', async () => {
    await fs.writeFile(path.join(world.root, SEC), 'tampered\n');
    const r = await lockstep(['--root', world.root, 'patch', '--dry-run', '--upgrade', 'all']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`1 file\\(s\\) of earlier upgraded packages changed outside an upgrade since the baseline of \\S+: ${SEC}: changed`));
    assert.match(r.stdout, new RegExp(`\\+  ${SEC}: changed`), 'and in the log to be written');
  });

  test('--sudo-log: the drop-in checked by visudo -cf before it is in place', { skip: haveVisudo ? false : 'needs sudo (visudo)' }, async () => {
    const r = await lockstep(['--root', world.root, 'patch', '--yes', '--upgrade', 'security', '--sudo-log']);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    const file = path.join(world.root, 'etc/sudoers.d/lockstep-log-output');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o440);
    assert.match(await fs.readFile(file, 'utf8'), /^Defaults log_output\nDefaults!\/usr\/bin\/sudoreplay !log_output$/m);
    assert.equal((await execa('visudo', ['-cf', file], { reject: false })).exitCode, 0);
    assert.match(r.stdout, /visudo -cf \S+lockstep-log-output\.new/);
    await assert.rejects(fs.stat(`${file}.new`), 'the checked file was moved, not copied');
  });
});

describe('a log that appeared since the preview', () => {
  test('is never replaced: the session stops before any change (link(2) where no file is)', async () => {
    const { tempRoot } = await import('../helpers.js');
    const t = await tempRoot('lockstep-patch-open-');
    try {
      const stamp = '20261203T120000Z';
      const state = path.join(t.root, 'var/lib/lockstep/patch');
      await fs.mkdir(state, { recursive: true });
      await fs.mkdir(path.join(t.root, 'var/log'), { recursive: true });
      const spec = { stamp, log: `/var/log/OSPATCH-${localDay(new Date())}.log`, host: 'h', choice: 'all', packages: [], chroots: [] };
      await fs.writeFile(path.join(state, `session-${stamp}.json`), JSON.stringify(spec));
      await fs.writeFile(path.join(state, `session-${stamp}.head.log`), `lockstep patch session ${stamp} on h\n`);
      const other = path.join(t.root, spec.log);
      await fs.writeFile(other, 'another session\'s log\n');
      const r = await lockstep(['internal', 'patch', 'open', '--root', t.root, '--session', stamp]);
      assert.equal(r.exitCode, 2);
      assert.match(r.stderr, /appeared since the preview \(another session\?\): it is left as it is/);
      assert.equal(await fs.readFile(other, 'utf8'), 'another session\'s log\n');
      await fs.rm(other);
      const ok = await lockstep(['internal', 'patch', 'open', '--root', t.root, '--session', stamp]);
      assert.equal(ok.exitCode, 0, ok.stderr);
      assert.equal(await fs.readFile(other, 'utf8'), `lockstep patch session ${stamp} on h\n`);
    } finally {
      await t.cleanup();
    }
  });
});

describe('needrestart', () => {
  test('its batch lines parsed; on the real root it is asked (read-only), under --root never', async () => {
    const fixture = 'NEEDRESTART-VER: 3.6\nNEEDRESTART-KCUR: 6.1.0-17-amd64\nNEEDRESTART-KEXP: 6.1.0-18-amd64\nNEEDRESTART-KSTA: 3\nNEEDRESTART-SVC: ssh.service\nNEEDRESTART-SVC: cron.service\n';
    assert.deepEqual(parseNeedrestart(fixture), { kernel: 3, services: ['ssh.service', 'cron.service'] });
    const real = await execa('needrestart', ['-b'], { reject: false });
    if (real.exitCode === 0) assert.ok([0, 1, 2, 3].includes(parseNeedrestart(real.stdout).kernel ?? -1), real.stdout);
    const seen: string[][] = [];
    const sandbox = new System('/tmp', { prober: async (argv) => (seen.push([...argv]), { exitCode: 0, stdout: fixture, stderr: '', missing: false, timedOut: false }) });
    assert.equal((await restartInfo(sandbox)).services.length, 0);
    assert.deepEqual(seen, [], 'under --root needrestart is not run: it reads the running system, not the root');
  });
});
