// lockstep patch timer: the systemd units (checked by systemd-analyze) or the cron line, and the
// command they hold run as the timer would run it: the sink receives the daily list.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import type { AptWorld } from '../apt/apt-world.js';
import { lockstep } from '../helpers.js';
import { startSmtpSink, type SmtpSink } from '../smtp-sink.js';
import { patchWorld } from './patch-world.js';

const haveTools = (await execa('sh', ['-c', 'command -v dpkg-scanpackages && command -v apt-get'], { reject: false })).exitCode === 0;

describe('lockstep patch timer', { skip: haveTools ? false : 'needs dpkg-dev and apt' }, () => {
  let world: AptWorld;
  let sink: SmtpSink;
  before(async () => {
    world = await patchWorld();
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink?.stop();
    await world?.cleanup();
  });

  test('systemd: the service runs "patch pending --mail" daily; its ExecStart, run, mails the list', async () => {
    const r = await lockstep(['--root', world.root, 'patch', 'timer', '--scheduler', 'systemd', '--no-enable', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`, '--yes']);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    const timer = await fs.readFile(path.join(world.root, 'etc/systemd/system/lockstep-patch-pending.timer'), 'utf8');
    assert.match(timer, /^OnCalendar=daily$/m);
    const service = await fs.readFile(path.join(world.root, 'etc/systemd/system/lockstep-patch-pending.service'), 'utf8');
    const exec = /^ExecStart=(.*)$/m.exec(service)![1]!.split(' ');
    assert.deepEqual(exec.slice(-8), ['--root', world.root, 'patch', 'pending', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`]);
    const ran = await execa(exec[0]!, exec.slice(1), { reject: false, env: { CI: 'true' } });
    assert.equal(ran.exitCode, 0, ran.stderr);
    assert.match(ran.stderr, /\$ apt-get update/);
    const m = sink.messages.at(-1)!;
    assert.match(m.data, /^Subject: \[lockstep\] \S+: 4 upgrades pending, 3 SECURITY$/m);
  });

  test('cron where there is no systemd: one daily line, output to syslog', async () => {
    const r = await lockstep(['--root', world.root, 'patch', 'timer', '--scheduler', 'cron', '--mail', 'ops@example.org', '--yes']);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    const cron = await fs.readFile(path.join(world.root, 'etc/cron.d/lockstep-patch-pending'), 'utf8');
    assert.match(cron, new RegExp(`^17 6 \\* \\* \\* root \\S+ \\S+ --root ${world.root} patch pending --mail ops@example.org --smtp none 2>&1 \\| logger -t lockstep-patch$`, 'm'));
  });

  test('without --mail and with --yes: exit 2 naming the flag', async () => {
    const r = await lockstep(['--root', world.root, 'patch', 'timer', '--scheduler', 'cron', '--yes']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /Set it with --mail/);
  });
});
