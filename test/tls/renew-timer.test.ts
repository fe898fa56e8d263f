// `cert renew-timer`: the systemd units are written and systemd-analyze verify accepts them; the
// cron variant has its schedule line; nothing is enabled on this machine (--no-enable). With
// --mail (and --smtp) the scheduled renew mails the expiry report; a bad address or server is
// bad input naming its flag, and nothing is written.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, snapshot, tempRoot } from '../helpers.js';

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

/** systemd-analyze comes with systemd, which a minimal CI container may lack: then lockstep says "not checked". */
async function analyzed(root: string, stdout: string): Promise<void> {
  const units = ['lockstep-renew.service', 'lockstep-renew.timer'].map((u) => path.join(root, 'etc/systemd/system', u));
  const analyze = await execa('systemd-analyze', ['verify', ...units], { reject: false });
  if ((analyze as { code?: string }).code === 'ENOENT') assert.match(stdout, /not installed: not checked/);
  else assert.equal(analyze.exitCode, 0, analyze.stderr);
}

test('--mail and --smtp: the timer\'s renew mails the expiry report (systemd and cron); --smtp defaults to localhost:25', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const run = await lockstep(['--root', root, '--yes', 'cert', 'renew-timer', '--scheduler', 'systemd', '--no-enable', '--mail', 'ops@example.org', '--smtp', '127.0.0.1:2525']);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    const service = await fs.readFile(path.join(root, 'etc/systemd/system/lockstep-renew.service'), 'utf8');
    assert.match(service, new RegExp(`^ExecStart=\\S+node \\S+lockstep\\.js --root ${root} renew --yes --mail ops@example\\.org --smtp 127\\.0\\.0\\.1:2525$`, 'm'));
    assert.match(run.stdout, /reported by mail to ops@example\.org through 127\.0\.0\.1:2525/);
    await analyzed(root, run.stdout);

    const cron = await lockstep(['--root', root, '--yes', 'cert', 'renew-timer', '--scheduler', 'cron', '--mail', 'ops@example.org']);
    assert.equal(cron.exitCode, 0, `${cron.stdout}\n${cron.stderr}`);
    assert.match(await fs.readFile(path.join(root, 'etc/cron.d/lockstep-renew'), 'utf8'), / root \S+node \S+lockstep\.js --root \S+ renew --yes --mail ops@example\.org --smtp localhost:25 2>&1 \| logger -t lockstep-renew$/m);

    const none = await lockstep(['--root', root, '--yes', 'cert', 'renew-timer', '--scheduler', 'cron', '--mail', 'none', '--smtp', 'ignored:25']);
    assert.equal(none.exitCode, 0, none.stderr);
    assert.doesNotMatch(await fs.readFile(path.join(root, 'etc/cron.d/lockstep-renew'), 'utf8'), /--mail|--smtp/);
  } finally {
    await cleanup();
  }
});

test('an address with characters the schedulers read specially reaches renew as given (cron through /bin/sh; systemd-analyze accepts the unit)', async () => {
  const { root, cleanup } = await tempRoot();
  const address = "o'neil%ops$HOME@example.org";
  try {
    const cron = await lockstep(['--root', root, '--yes', 'cert', 'renew-timer', '--scheduler', 'cron', '--mail', address]);
    assert.equal(cron.exitCode, 0, `${cron.stdout}\n${cron.stderr}`);
    const line = (await fs.readFile(path.join(root, 'etc/cron.d/lockstep-renew'), 'utf8')).split('\n').find((l) => l.includes(' root '));
    // What cron does before the shell: "\\%" becomes "%" (an unescaped % would end the command).
    const command = (line ?? '').replace(/^.* root /, '').replace(/ 2>&1 \| logger.*$/, '');
    assert.doesNotMatch(command.replace(/\\%/g, ''), /%/);
    const words = await execa('/bin/sh', ['-c', `printf '%s\\n' ${command.replace(/\\%/g, '%')}`]);
    assert.equal(words.stdout.split('\n').at(-3), address);

    const systemd = await lockstep(['--root', root, '--yes', 'cert', 'renew-timer', '--scheduler', 'systemd', '--no-enable', '--mail', address]);
    assert.equal(systemd.exitCode, 0, `${systemd.stdout}\n${systemd.stderr}`);
    const service = await fs.readFile(path.join(root, 'etc/systemd/system/lockstep-renew.service'), 'utf8');
    assert.ok(service.includes(' --mail "o\'neil%%ops$$HOME@example.org" --smtp localhost:25\n'), service);
    await analyzed(root, systemd.stdout);
  } finally {
    await cleanup();
  }
});

test('a bad --mail or --smtp: exit 2 naming the flag, nothing written', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const before = await snapshot(root);
    for (const [args, flag] of [[['--mail', 'not-an-address'], /--mail/], [['--mail', 'ops@example.org', '--smtp', 'host:99999'], /--smtp/], [['--mail', 'a b@example.org'], /--mail/]] as const) {
      const run = await lockstep(['--root', root, '--yes', 'cert', 'renew-timer', '--scheduler', 'systemd', '--no-enable', ...args]);
      assert.equal(run.exitCode, 2, `${args.join(' ')}: ${run.stdout}\n${run.stderr}`);
      assert.match(run.stderr, flag);
    }
    assert.deepEqual(await snapshot(root), before);
  } finally {
    await cleanup();
  }
});
