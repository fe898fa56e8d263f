// lockstep patch against the real apt, dpkg and SMTP: a test apt world (dpkg-deb, dpkg-scanpackages,
// a security-labelled archive, dpkg --root), the built CLI without a TTY, and the SMTP sink on
// loopback. A full session (log mode and content, the mail as received), a second one the same
// day, a dry run that changes nothing, an unreachable mail server.
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { pendingDocumentSchema } from '../../src/patch/approval.js';
import { lockstep, snapshot } from '../helpers.js';
import { startSmtpSink, type SmtpSink } from '../smtp-sink.js';
import type { AptWorld } from '../apt/apt-world.js';
import { localDay } from '../../src/patch/session-spec.js';
import { patchWorld } from './patch-world.js';

const haveTools = (await execa('sh', ['-c', 'command -v dpkg-scanpackages && command -v apt-get && command -v chattr'], { reject: false })).exitCode === 0;
const haveRepack = (await execa('sh', ['-c', 'command -v dpkg-repack'], { reject: false })).exitCode === 0;
const day = (): string => localDay(new Date());
const sha = async (file: string): Promise<string> => createHash('sha256').update(await fs.readFile(file)).digest('hex');

describe('lockstep patch on a test root', { skip: haveTools ? false : 'needs dpkg-dev, apt and chattr' }, () => {
  let world: AptWorld;
  let sink: SmtpSink;

  before(async () => {
    world = await patchWorld({ signed: true });
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink?.stop();
    await world?.cleanup();
  });

  test('patch pending: the lists refreshed, every upgrade with its archive, SECURITY by the archive; --json is the approval document; --mail', async () => {
    const r = await lockstep(['--root', world.root, 'patch', 'pending']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /\$ apt-get update\n.*(Get|Hit|Ign):1 file:/s, 'apt-get update ran, its lines shown');
    assert.match(r.stdout, /^lockstep-secpkg +1\.0 +1\.1 +SECURITY +Debian-Security stable-security/m);
    assert.match(r.stdout, /^lockstep-updpkg +1\.0 +1\.1 +no +Debian stable-updates/m);
    assert.match(r.stdout, /^lockstep-mixed +1\.0 +1\.2 +fix 1\.1 /m, 'a security fix under a newer regular update');
    const json = await lockstep(['--root', world.root, 'patch', 'pending', '--json', '--no-update']);
    assert.equal(json.exitCode, 0, json.stderr);
    const lines = json.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'a report prints its document alone');
    const doc = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(doc.type, 'result');
    const parsed = pendingDocumentSchema.parse(doc);
    assert.deepEqual(parsed.packages.map((p) => `${p.name} ${p.current} ${p.candidate} ${p.security}`), ['lockstep-libsec 2.0-1 2.0-1+deb1 true', 'lockstep-mixed 1.0 1.2 false', 'lockstep-secpkg 1.0 1.1 true', 'lockstep-updpkg 1.0 1.1 false']);
    const mailed = await lockstep(['--root', world.root, 'patch', 'pending', '--no-update', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`]);
    assert.equal(mailed.exitCode, 0, mailed.stderr);
    const m = sink.messages.at(-1)!;
    assert.deepEqual(m.to, ['ops@example.org']);
    assert.match(m.data, /^Subject: \[lockstep\] \S+: 4 upgrades pending, 3 SECURITY$/m);
    assert.match(m.data, /lockstep-secpkg +1\.0 +1\.1 +SECURITY/);
  });

  test('the repository report: the signed archive with its keyring, the unsigned ones warned; a tampered signed index makes pending fail', async () => {
    const r = await lockstep(['--root', world.root, 'patch', '--dry-run', '--upgrade', 'security']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\+  deb file:\\S+/repos/signed \\./  \\[/etc/apt/sources.list.d/lockstep-test-signed.sources:2\\]\\n\\s+\\+      signed-by ${world.keyring!.replace(/[.]/g, '\\.')}`));
    assert.match(r.stdout, /WARNING: \/etc\/apt\/sources.list.d\/lockstep-test.list:1 file:\S+\/repos\/security is marked trusted=yes: apt installs from it without checking any signature\./);
    const inRelease = path.join(world.dir, 'repos/signed/InRelease');
    const good = await fs.readFile(inRelease, 'utf8');
    try {
      await fs.writeFile(inRelease, good.replace('Label: Lockstep Test', 'Label: Lockstep Tampered'));
      const p = await lockstep(['--root', world.root, 'patch', 'pending']);
      assert.equal(p.exitCode, 1, p.stderr);
      assert.match(p.stderr, /warning: (W|E): .*(signature|not signed|BADSIG)/);
    } finally {
      await fs.writeFile(inRelease, good);
    }
    assert.equal((await lockstep(['--root', world.root, 'patch', 'pending'])).exitCode, 0);
  });

  test('--dry-run: the plan, and the dpkg database and /var/log exactly as they were', async () => {
    const dpkg = await snapshot(path.join(world.root, 'var/lib/dpkg'));
    const log = await snapshot(path.join(world.root, 'var/log'));
    const r = await lockstep(['--root', world.root, 'patch', '--dry-run', '--upgrade', 'all', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /DEBIAN_FRONTEND=noninteractive .*apt-get .*-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold upgrade/);
    assert.match(r.stdout, new RegExp(`OSPATCH-${day()}\\.log`));
    assert.match(r.stdout, /trusted=yes: NOT CHECKED/);
    assert.deepEqual(await snapshot(path.join(world.root, 'var/lib/dpkg')), dpkg);
    assert.deepEqual(await snapshot(path.join(world.root, 'var/log')), log);
    const picked = await lockstep(['--root', world.root, 'patch', '--dry-run', '--packages', 'lockstep-updpkg']);
    assert.equal(picked.exitCode, 0, picked.stderr);
    assert.match(picked.stdout, /install --only-upgrade lockstep-updpkg=1\.1\n/);
    const unknown = await lockstep(['--root', world.root, 'patch', '--dry-run', '--packages', 'lockstep-nope']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /--packages: lockstep-nope is not among the pending upgrades\.\nPending: lockstep-libsec, lockstep-mixed, lockstep-secpkg, lockstep-updpkg\./);
    const conflict = await lockstep(['--root', world.root, 'patch', '--yes', '--upgrade', 'all', '--packages', 'lockstep-updpkg']);
    assert.equal(conflict.exitCode, 2, 'naming packages never upgrades everything');
    assert.match(conflict.stderr, /--upgrade must be pick \(or left out\), not all/);
  });

  test('a full session: the log (mode 0444, whole session), the conffile kept, versions re-checked, the mail as received, the sha256 in the mail and the journal; then a second session the same day', async () => {
    const conf = path.join(world.root, 'etc/lockstep-secpkg.conf');
    await fs.writeFile(conf, 'setting = local\n');
    const count = sink.messages.length;
    const r = await lockstep(['--root', world.root, 'patch', '--yes', '--upgrade', 'all', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`]);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    const logFile = path.join(world.root, `var/log/OSPATCH-${day()}.log`);
    const st = await fs.stat(logFile);
    assert.equal(st.mode & 0o777, 0o444, 'chmod a-wx');
    const lsattr = await execa('lsattr', [logFile], { reject: false });
    if (lsattr.exitCode === 0) assert.match(lsattr.stdout.split(' ')[0]!, /i/, 'chattr +i where the filesystem has it');
    const log = await fs.readFile(logFile, 'utf8');
    for (const want of [/== Pending upgrades/, /== Repository report/, /trusted=yes: NOT CHECKED/, /\$ .*apt-get .*upgrade/, /Setting up lockstep-secpkg \(1\.1\)/, /== Summary: ok/, /^lockstep-secpkg +1\.0 +1\.1 +yes +dpkg-query: installed; CVE-2026-12345 CVE-2026-23456$/m, /Changelog of lockstep-secpkg since 1\.0 \(fixes CVE-2026-12345, CVE-2026-23456\)/, /lockstep-secpkg 1\.0: dpkg --root=\S+ -i \S+\/var\/cache\/lockstep\/patch\/lockstep-secpkg_1\.0_all\.deb/]) {
      assert.match(log, want);
    }
    assert.equal(await fs.readFile(conf, 'utf8'), 'setting = local\n', 'the changed conffile is kept');
    assert.equal(await fs.readFile(`${conf}.dpkg-dist`, 'utf8'), 'setting = 2\n', "the package's version beside it");
    assert.ok((await fs.stat(path.join(world.root, 'var/cache/lockstep/patch/lockstep-secpkg_1.0_all.deb'))).isFile(), 'the old .deb kept');
    if (haveRepack) {
      // 2.0-1 was never in an archive: dpkg-repack rebuilds it from what dpkg installed.
      assert.match(log, /lockstep-libsec 2\.0-1: \/var\/cache\/lockstep\/patch\/lockstep-libsec_2\.0-1_all\.deb \(rebuilt from the installed files by dpkg-repack\)/);
      const field = await execa('dpkg-deb', ['-f', path.join(world.root, 'var/cache/lockstep/patch/lockstep-libsec_2.0-1_all.deb'), 'Version']);
      assert.equal(field.stdout.trim(), '2.0-1');
    }
    const versions = await world.apt('dpkg-query', ['-W', '-f', '${Package} ${Version}\n']);
    assert.match(versions.stdout, /^lockstep-secpkg 1\.1$/m);
    assert.match(versions.stdout, /^lockstep-mixed 1\.2$/m);

    assert.equal(sink.messages.length, count + 1);
    const m = sink.messages.at(-1)!;
    assert.match(m.data, /^Subject: \[lockstep\] patch \S+: ok, 4 upgraded \(2 security\)$/m);
    assert.match(m.data, /^lockstep-secpkg +1\.0 +1\.1 +yes/m);
    const hash = await sha(logFile);
    assert.match(m.data, new RegExp(`sha256 of the log: ${hash}`));
    const journal = await fs.readFile(path.join(world.root, 'var/log/lockstep/journal.jsonl'), 'utf8');
    assert.match(journal, new RegExp(`"t":"verify".*sha256 ${hash}`));
    assert.match(r.stdout, /Summary mailed to ops@example.org through 127\.0\.0\.1/);

    // The same day again: nothing pending, its own log, the first left as it was.
    const again = await lockstep(['--root', world.root, 'patch', '--yes', '--upgrade', 'all', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`]);
    assert.equal(again.exitCode, 0, `${again.stdout}\n${again.stderr}`);
    assert.equal(await sha(logFile), hash, 'the first log is never changed');
    const second = await fs.readFile(path.join(world.root, `var/log/OSPATCH-${day()}-2.log`), 'utf8');
    assert.match(second, /Nothing to upgrade: every installed package is at its candidate version\./);
    assert.match(second, /== Summary: nothing to do/);
    assert.match(sink.messages.at(-1)!.data, /^Subject: \[lockstep\] patch \S+: nothing to do$/m);
  });

  test('an unreachable mail server: the session still completes and says the mail was not sent', async () => {
    const closed = await import('node:net').then((net) => new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    }));
    const r = await lockstep(['--root', world.root, 'patch', '--yes', '--upgrade', 'all', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${closed}`]);
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /The summary mail was NOT sent: the mail to ops@example.org was not sent: .*ECONNREFUSED/);
    assert.match(r.stdout, new RegExp(`the message is in /var/log/OSPATCH-${day()}-\\d\\.log`));

    const json = await lockstep(['--root', world.root, '--json', 'patch', '--yes', '--upgrade', 'all', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${closed}`]);
    assert.equal(json.exitCode, 0, json.stderr);
    const result = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { type: string; command: string; session: { status: string; logSha256: string; mail: { sent: boolean } } };
    assert.equal(result.type, 'result');
    assert.equal(result.command, 'patch');
    assert.equal(result.session.status, 'nothing');
    assert.equal(result.session.mail.sent, false);
    assert.match(result.session.logSha256, /^[0-9a-f]{64}$/);
  });
});
