// What a step needs of the machine is read before its first question: on a bare sandbox root
// (no nginx, no sshd, no /etc/os-release) `lockstep web https` says so at once instead of asking
// its questions first, and `lockstep onboard` skips those parts with what is missing and how to
// get it, says so before the first part runs, and goes on with the certificate.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, REPO, snapshot, tempRoot } from '../helpers.js';
import { drivePlain } from '../plain/drive.js';

test('web https on a root without nginx: refused before its first question, naming what is missing and how to get it; nothing changed', async () => {
  const { root, cleanup } = await tempRoot('lockstep-needs-');
  try {
    const before = await snapshot(root);
    const run = await lockstep(['--root', root, 'web', 'https']);
    assert.equal(run.exitCode, 2, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /HTTPS only with nginx cannot run here: nginx is not installed here: there is no \/etc\/nginx\/nginx\.conf\./);
    assert.match(run.stderr, /Install it with apt-get install nginx, or point --nginx-conf at its main configuration\./);
    assert.doesNotMatch(run.stderr, /Missing answer/, 'no question was reached');

    // A person at --plain is not asked the site's names first either.
    const plain = drivePlain(['--root', root, 'web', 'https'], {});
    const end = await plain.child;
    assert.equal(end.exitCode, 2);
    assert.match(plain.screen(), /nginx is not installed here/);
    assert.doesNotMatch(plain.screen(), /Names the site answers to/);

    // Given --nginx-conf, the need names the flag.
    const given = await lockstep(['--root', root, 'web', 'https', '--nginx-conf', '/opt/nginx/nginx.conf']);
    assert.equal(given.exitCode, 2);
    assert.match(given.stderr, /--nginx-conf \/opt\/nginx\/nginx\.conf does not exist/);
    assert.deepEqual(await snapshot(root), before);
  } finally {
    await cleanup();
  }
});

test('onboard on a bare root: the parts it cannot run are skipped at once with the reason, the certificate is made, the closing list and "To go on" name them', async () => {
  const { root, cleanup } = await tempRoot('lockstep-needs-');
  const answers = `${root}.json`;
  const pass = `${root}.pass`;
  try {
    await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
    await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
    await fs.writeFile(pass, 'correct horse battery staple\n', { mode: 0o600 });
    await fs.writeFile(
      answers,
      JSON.stringify({
        steps: ['cert', 'https', 'ssh', 'updates'],
        cert: { public: false, vendorRequired: false, method: 'private-ca' },
        'ca init': { passphraseFile: pass, keyType: 'ec-p384', country: 'US', org: 'Quoin, Inc.' },
        'ca sign': { host: ['couch.internal.example'] },
      }),
    );
    const run = await lockstep(['--root', root, '--answers', answers, '--yes', 'onboard']);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    const out = run.stdout;
    const nginx = '- HTTPS only with nginx: skipped (nginx is not installed here: there is no /etc/nginx/nginx.conf. Install it with apt-get install nginx, or point --nginx-conf at its main configuration)';
    const sshd = '- Key-only SSH: skipped (sshd is not installed here: there is no /etc/ssh/sshd_config. Install it with apt-get install openssh-server)';
    const updates = /- Automatic security updates: skipped \(there is no \/etc\/os-release to say this is Debian or Ubuntu\./;
    // Said at once: before the first part runs, not after the certificate's questions.
    const first = out.indexOf('== Onboard a new server ==');
    assert.ok(out.indexOf(nginx) >= 0 && out.indexOf(nginx) < first, out);
    assert.ok(out.indexOf(sshd) >= 0 && out.indexOf(sshd) < first, out);
    assert.ok(updates.exec(out)!.index < first, out);
    // The others go on.
    assert.match(out, /✓ Install the CA-signed certificate for the web server\n/);
    const closing = out.slice(out.indexOf('Onboard a new server: what was done'));
    assert.ok(closing.includes(`  ${nginx}`), closing);
    assert.ok(closing.includes(`  ${sshd}`), closing);
    assert.match(closing, /To go on: once what was missing is there, then: lockstep (--root \S+ )?(--answers \S+ )?onboard --steps https,ssh,updates/);
    assert.ok((await fs.stat(path.join(root, 'etc/lockstep/live/couch.internal.example/fullchain.pem'))).isFile());
    assert.equal(await fs.stat(path.join(root, 'etc/nginx')).catch(() => undefined), undefined, 'nothing of nginx was written');
  } finally {
    await fs.rm(answers, { force: true });
    await fs.rm(pass, { force: true });
    await cleanup();
  }
});

test('firewall with a change still waiting for its confirmation: refused before its first question, naming the rollback timer and what to do', async (t) => {
  const { root, cleanup } = await tempRoot('lockstep-needs-');
  t.after(cleanup);
  // A live process stands for the rollback timer (the test's own sleep, ended by the test).
  const timer = execa('sleep', ['30'], { reject: false });
  t.after(async () => {
    timer.kill();
    await timer;
  });
  await fs.mkdir(path.join(root, 'var/lib/lockstep/firewall'), { recursive: true });
  await fs.writeFile(path.join(root, 'var/lib/lockstep/firewall/pending'), '');
  await fs.writeFile(path.join(root, 'var/lib/lockstep/firewall/rollback.pid'), `${timer.pid}\n`);
  const run = await lockstep(['--root', root, 'firewall']);
  assert.equal(run.exitCode, 2, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr, new RegExp(`Firewall cannot run here: a firewall change is still waiting for confirmation \\(rollback timer pid ${timer.pid}\\)\\.`));
  assert.match(run.stderr, /Run "lockstep (--root \S+ )?firewall confirm" to keep it, or wait for the rollback/);
  assert.doesNotMatch(run.stderr, /Missing answer/, 'asked nothing first');
});
