// `cert renew-timer`: the systemd units are written and systemd-analyze verify accepts them; the
// cron variant has its schedule line; nothing is enabled on this machine (--no-enable).
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, tempRoot } from '../helpers.js';

test('systemd: service and timer written, verified by systemd-analyze, running renew --yes under the same --root', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const run = await lockstep(['--root', root, '--yes', 'cert', 'renew-timer', '--scheduler', 'systemd', '--no-enable']);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /systemd-analyze verify accepts the units/);
    const service = await fs.readFile(path.join(root, 'etc/systemd/system/lockstep-renew.service'), 'utf8');
    assert.match(service, new RegExp(`^ExecStart=\\S+node \\S+lockstep\\.js --root ${root} renew --yes$`, 'm'));
    const timer = path.join(root, 'etc/systemd/system/lockstep-renew.timer');
    assert.match(await fs.readFile(timer, 'utf8'), /^OnCalendar=\*-\*-\* 00,12:00:00$/m);
    // systemd-analyze comes with systemd, which a minimal CI container may lack; lockstep's own
    // check then says "not checked" rather than passing silently.
    const analyze = await execa('systemd-analyze', ['verify', path.join(root, 'etc/systemd/system/lockstep-renew.service'), timer], { reject: false });
    if ((analyze as { code?: string }).code === 'ENOENT') assert.match(run.stdout, /not installed: not checked/);
    else assert.equal(analyze.exitCode, 0, analyze.stderr);
  } finally {
    await cleanup();
  }
});

test('cron: /etc/cron.d/lockstep-renew runs renew twice a day as root', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const run = await lockstep(['--root', root, '--yes', 'cert', 'renew-timer', '--scheduler', 'cron']);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    const cron = await fs.readFile(path.join(root, 'etc/cron.d/lockstep-renew'), 'utf8');
    assert.match(cron, /^[0-9]{1,2} \*\/12 \* \* \* root \S+node \S+lockstep\.js --root \S+ renew --yes 2>&1 \| logger -t lockstep-renew$/m);
    const bad = await lockstep(['--root', root, '--yes', 'cert', 'renew-timer', '--scheduler', 'anacron']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /--scheduler/);
  } finally {
    await cleanup();
  }
});
