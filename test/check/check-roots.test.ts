// `lockstep check` on a fresh root and on the same root hardened by lockstep's own steps (ssh,
// updates): the real sshd -T (the root's config mapped into the root), the real apt-config and
// apt-get -s on the test apt world. A step that just ran passes its checks; nothing under the
// root changes while the checklist reads it; the JSON is the schema's, the reports hold every id.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeAptWorld, markUnattendedUpgrades, type AptWorld } from '../apt/apt-world.js';
import { System } from '../../src/core/system.js';
import { readPlatform } from '../../src/platform/distribution.js';
import { supportStatus } from '../../src/platform/lifecycle.js';
import { lockstep, snapshot, tempRoot } from '../helpers.js';
import { byId, checkJson, cloudImageSsh } from './roots.js';

const ready = process.getuid?.() === 0 && (await execa('sh', ['-c', 'test -x /usr/sbin/sshd && command -v dpkg-scanpackages && command -v unattended-upgrade'], { reject: false })).exitCode === 0;
const ONLY = ['--only', 'os,updates,patch,ssh'];

describe('lockstep check on a fresh and a hardened root', { skip: ready ? false : 'needs root, openssh-server, dpkg-dev and unattended-upgrades' }, () => {
  let world: AptWorld;
  let root: string;
  before(async () => {
    world = await makeAptWorld();
    root = world.root;
    await markUnattendedUpgrades(root);
    await cloudImageSsh(root);
  });
  after(async () => world?.cleanup());

  test('fresh: passwords on through 50-cloud-init.conf, no unattended upgrades, the security update pending — exit 1, and nothing under the root changes', async () => {
    const before = await snapshot(root);
    const { doc, exitCode } = await checkJson(root, ONLY);
    assert.deepEqual(await snapshot(root), before, 'the checklist wrote under the root');
    assert.equal(exitCode, 1);
    const pw = byId(doc, 'ssh.passwords');
    assert.equal(pw.status, 'fail');
    assert.match(pw.evidence, /sshd -T says passwordauthentication yes \(set by \/etc\/ssh\/sshd_config\.d\/50-cloud-init\.conf:1\)/);
    assert.equal(pw.fix.startsWith('lockstep ssh'), true);
    assert.match(pw.seed.sentence, /passwordless/);
    assert.equal(byId(doc, 'ssh.kbd-interactive').status, 'pass');
    assert.equal(byId(doc, 'ssh.allow').status, 'warn');
    assert.equal(byId(doc, 'ssh.keys').status, 'warn', 'root has no key, deploy has one');
    assert.equal(byId(doc, 'updates.enabled').status, 'fail');
    assert.equal(byId(doc, 'updates.origins').status, 'fail');
    assert.equal(byId(doc, 'updates.last-run').status, 'warn', 'only time settles a first run');
    const pending = byId(doc, 'patch.pending');
    assert.equal(pending.status, 'fail', pending.evidence);
    assert.match(pending.evidence, /from a security archive: /);
    assert.equal(byId(doc, 'patch.logs').status, 'skip');
    // The root's os-release is the host's: its verdict is lifecycle.ts's for today.
    const verdict = supportStatus(await readPlatform(new System(root)));
    assert.equal(byId(doc, 'os.release').status, { supported: 'pass', 'extended-only': 'warn', 'end-of-life': 'fail', unknown: 'warn' }[verdict.status]);
    assert.ok(byId(doc, 'os.release').evidence.includes(verdict.sentence));
    assert.deepEqual(doc.summary, { pass: doc.checks.filter((c) => c.status === 'pass').length, warn: doc.checks.filter((c) => c.status === 'warn').length, fail: doc.checks.filter((c) => c.status === 'fail').length, skip: doc.checks.filter((c) => c.status === 'skip').length });
    process.stderr.write(`fresh root: ${JSON.stringify(doc.summary)}\nfailing item: ${JSON.stringify(pw)}\n`);
  });

  test('hardened by lockstep ssh and lockstep updates: their checks pass; a read-only patch log passes, a writable one fails', async () => {
    const ssh = await lockstep(['--root', root, 'ssh', '--user', 'deploy', '--allow-users', 'deploy', '--yes'], { env: { CI: 'true', NO_COLOR: '1', SUDO_USER: '' } });
    assert.equal(ssh.exitCode, 0, `${ssh.stdout}\n${ssh.stderr}`);
    const updates = await lockstep(['--root', root, 'updates', '--yes']);
    assert.equal(updates.exitCode === 0 || /unattended-upgrade --dry-run/.test(String(updates.stdout)), true, `${updates.stdout}\n${updates.stderr}`);
    await fs.writeFile(path.join(root, 'var/log/OSPATCH-20261201.log'), 'Script started\n', { mode: 0o444 });
    await fs.chmod(path.join(root, 'var/log/OSPATCH-20261201.log'), 0o444);
    const { doc } = await checkJson(root, ONLY);
    for (const id of ['ssh.passwords', 'ssh.kbd-interactive', 'ssh.root-login', 'ssh.dropin-order', 'ssh.keys', 'ssh.allow', 'updates.installed', 'updates.enabled', 'updates.origins', 'patch.logs']) {
      assert.equal(byId(doc, id).status, 'pass', `${id}: ${byId(doc, id).evidence}`);
    }
    assert.match(byId(doc, 'ssh.dropin-order').evidence, /50-cloud-init\.conf:1 says yes, ignored: sshd keeps \/etc\/ssh\/sshd_config\.d\/00-lockstep\.conf:\d+'s no/);
    await fs.chmod(path.join(root, 'var/log/OSPATCH-20261201.log'), 0o644);
    const again = await checkJson(root, ['--only', 'patch.logs']);
    assert.deepEqual(again.doc.checks.map((c) => [c.id, c.status]), [['patch.logs', 'fail']]);
    assert.equal(again.exitCode, 1);
    process.stderr.write(`hardened root: ${JSON.stringify(doc.summary)}\n`);
  });

  test('--report: the HTML page and the Markdown hold every id, status and fix; bad --only and --report are exit 2 naming them', async () => {
    const { root: out, cleanup } = await tempRoot('lockstep-report-');
    try {
      const html = path.join(out, 'report.html');
      const run = await lockstep(['--root', root, 'check', '--plain', ...ONLY, '--report', html]);
      assert.ok(run.exitCode === 0 || run.exitCode === 1, String(run.stderr));
      const { doc } = await checkJson(root, ONLY);
      const page = await fs.readFile(html, 'utf8');
      assert.match(page, /^<!doctype html>/);
      assert.doesNotMatch(page, /<script|<link|src="http/, 'self-contained');
      for (const item of doc.checks) {
        assert.ok(page.includes(`id="${item.id}"`), `${item.id} missing from the HTML`);
        assert.ok(page.includes(item.fix.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')), `${item.id}'s fix missing`);
      }
      const md = path.join(out, 'report.md');
      await lockstep(['--root', root, 'check', '--plain', ...ONLY, '--report', md]);
      const text = await fs.readFile(md, 'utf8');
      for (const item of doc.checks) assert.ok(text.includes(`\`${item.id}\``), `${item.id} missing from the Markdown`);
      const bad = await lockstep(['--root', root, 'check', '--only', 'ssh,nope']);
      assert.equal(bad.exitCode, 2);
      assert.match(String(bad.stderr), /Invalid --only: "nope" names no group/);
      const ext = await lockstep(['--root', root, 'check', '--report', path.join(out, 'r.pdf')]);
      assert.equal(ext.exitCode, 2);
      assert.match(String(ext.stderr), /--report: ".*r\.pdf" ends neither in \.html nor \.md/);
    } finally {
      await cleanup();
    }
  });
});
