// src/platform/ on the real os-release files of Debian 11–13 and Ubuntu 16.04–24.04
// (fixtures/os-release/): the distribution and release, the support verdict on fixed dates,
// and each distribution's conventions as updates and the firewall use them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { System } from '../../src/core/system.js';
import { detectBackend } from '../../src/firewall/detect.js';
import { defaultFirewall, expandPattern, nginxConventions, originPatternText, securityOrigins, sshService, updateOrigins } from '../../src/platform/conventions.js';
import { distroName, platformOf, readPlatform, type Platform } from '../../src/platform/distribution.js';
import { endOf, lifecycleOf, releaseWarning, RELEASES, supportStatus } from '../../src/platform/lifecycle.js';
import { parseOsRelease, parseOsReleaseFields } from '../../src/platform/os-release.js';
import { originsText, updatesStep } from '../../src/updates/updates-step.js';
import { REPO, tempRoot } from '../helpers.js';

const FIXTURES = path.join(REPO, 'fixtures', 'os-release');
const platform = (name: string): Platform => platformOf(parseOsRelease(fs.readFileSync(path.join(FIXTURES, name), 'utf8')));
const TODAY = new Date('2026-12-03T12:00:00Z');

describe('os-release', () => {
  test('each fixture: distribution, release, codename, name', () => {
    const seen = ['debian-11', 'debian-12', 'debian-13', 'ubuntu-16.04', 'ubuntu-20.04', 'ubuntu-22.04', 'ubuntu-24.04'].map((f) => {
      const p = platform(f);
      return `${p.distro} ${p.release} ${p.codename} | ${p.prettyName}`;
    });
    assert.deepEqual(seen, [
      'debian 11 bullseye | Debian GNU/Linux 11 (bullseye)',
      'debian 12 bookworm | Debian GNU/Linux 12 (bookworm)',
      'debian 13 trixie | Debian GNU/Linux 13 (trixie)',
      'ubuntu 16.04 xenial | Ubuntu 16.04.7 LTS',
      'ubuntu 20.04 focal | Ubuntu 20.04.6 LTS',
      'ubuntu 22.04 jammy | Ubuntu 22.04.5 LTS',
      'ubuntu 24.04 noble | Ubuntu 24.04.3 LTS',
    ]);
    assert.deepEqual(platform('ubuntu-24.04').like, ['debian']);
    assert.equal(distroName(platform('ubuntu-22.04')), 'Ubuntu');
  });

  test('shell quoting, comments, a codename only in VERSION, a derivative, a broken field, no file at all', () => {
    assert.deepEqual(parseOsReleaseFields('# comment\nNAME=\'Single\'\nPRETTY_NAME="say \\"hi\\" \\$HOME"\nBAD LINE\nID=plain # trailing\n'), {
      NAME: 'Single',
      PRETTY_NAME: 'say "hi" $HOME',
      ID: 'plain',
    });
    const old = platformOf(parseOsRelease('ID=debian\nVERSION_ID="9"\nVERSION="9 (stretch)"\nPRETTY_NAME="Debian GNU/Linux 9 (stretch)"\n'));
    assert.equal(old.codename, 'stretch');
    const raspbian = platformOf(parseOsRelease('ID=raspbian\nID_LIKE=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n'));
    assert.deepEqual([raspbian.distro, raspbian.id, raspbian.like], ['other', 'raspbian', ['debian']]);
    // An upper-case codename breaks the schema's form for that field only.
    const odd = parseOsRelease('ID=debian\nVERSION_CODENAME=Bookworm\nVERSION_ID="12"\n');
    assert.deepEqual([odd.ID, odd.VERSION_ID, odd.VERSION_CODENAME], ['debian', '12', undefined]);
    assert.equal(platformOf(undefined).known, false);
  });

  test('read under --root, with /usr/lib/os-release as the fallback', async () => {
    const { root, cleanup } = await tempRoot();
    try {
      const sys = new System(root);
      assert.equal((await readPlatform(sys)).known, false);
      fs.mkdirSync(path.join(root, 'usr/lib'), { recursive: true });
      fs.copyFileSync(path.join(FIXTURES, 'ubuntu-22.04'), path.join(root, 'usr/lib/os-release'));
      assert.equal((await readPlatform(sys)).codename, 'jammy');
      fs.mkdirSync(path.join(root, 'etc'));
      fs.copyFileSync(path.join(FIXTURES, 'debian-13'), path.join(root, 'etc/os-release'));
      assert.equal((await readPlatform(sys)).codename, 'trixie');
    } finally {
      await cleanup();
    }
  });
});

describe('release lifecycle', () => {
  test('every release in the table has both dates in order', () => {
    assert.equal(RELEASES.length, 10);
    for (const r of RELEASES) assert.ok(endOf(r.standardUntil) < endOf(r.extendedUntil), r.name);
    assert.equal(endOf('2026-04').toISOString(), '2026-04-30T23:59:59.999Z');
    assert.equal(endOf('2026-06-10').toISOString(), '2026-06-10T23:59:59.999Z');
  });

  test('on 2026-12-03: trixie and 22.04/24.04 supported, bookworm and 20.04 extended only, bullseye and 16.04 at their end', () => {
    const verdicts = ['debian-11', 'debian-12', 'debian-13', 'ubuntu-16.04', 'ubuntu-20.04', 'ubuntu-22.04', 'ubuntu-24.04'].map((f) => `${f} ${supportStatus(platform(f), TODAY).status}`);
    assert.deepEqual(verdicts, [
      'debian-11 end-of-life',
      'debian-12 extended-only',
      'debian-13 supported',
      'ubuntu-16.04 end-of-life',
      'ubuntu-20.04 extended-only',
      'ubuntu-22.04 supported',
      'ubuntu-24.04 supported',
    ]);
    assert.equal(supportStatus(platform('debian-12'), TODAY).sentence,
      'Debian 12 (bookworm) left regular security support on 2026-06-10; only Debian LTS (a subset of packages, amd64/arm64/i386/armhf only) covers it, until 2028-06-30. Plan the upgrade to Debian 13.');
    assert.match(supportStatus(platform('ubuntu-16.04'), TODAY).sentence, /^Ubuntu 16\.04 LTS \(xenial\) reached its end of life in April 2026: it gets no security updates any more/);
    assert.match(supportStatus(platform('ubuntu-20.04'), TODAY).sentence, /Ubuntu Pro's Expanded Security Maintenance .* until April 2030/);
    assert.equal(releaseWarning(platform('debian-13'), TODAY), undefined);
    assert.match(releaseWarning(platform('ubuntu-16.04'), TODAY) ?? '', /^warning: Ubuntu 16\.04/);
  });

  test('the edges of a window, an unknown release, another distribution', () => {
    const bookworm = platform('debian-12');
    assert.equal(supportStatus(bookworm, new Date('2026-06-10T23:00:00Z')).status, 'supported');
    assert.equal(supportStatus(bookworm, new Date('2026-06-11T00:00:00Z')).status, 'extended-only');
    assert.equal(supportStatus(bookworm, new Date('2028-07-01T00:00:00Z')).status, 'end-of-life');
    const interim = platformOf(parseOsRelease('ID=ubuntu\nVERSION_ID="25.10"\nVERSION_CODENAME=questing\nPRETTY_NAME="Ubuntu 25.10"\n'));
    assert.equal(lifecycleOf(interim), undefined);
    assert.match(supportStatus(interim, TODAY).sentence, /Ubuntu 25\.10 is not a release lockstep knows \(only LTS releases are listed\)/);
    const fedora = platformOf(parseOsRelease('ID=fedora\nVERSION_ID=43\nPRETTY_NAME="Fedora Linux 43"\n'));
    assert.deepEqual([supportStatus(fedora, TODAY).status, releaseWarning(fedora, TODAY)], ['unknown', 'warning: Fedora Linux 43 is not Debian or Ubuntu: lockstep cannot say whether it still gets security updates.']);
  });
});

describe('conventions', () => {
  test('security origins as unattended-upgrades writes them; expanded for one server', () => {
    assert.deepEqual(securityOrigins('ubuntu').map(originPatternText), [
      'origin=${distro_id},archive=${distro_codename}-security',
      'origin=${distro_id}ESMApps,archive=${distro_codename}-apps-security',
      'origin=${distro_id}ESM,archive=${distro_codename}-infra-security',
    ]);
    assert.deepEqual(securityOrigins('debian').map(originPatternText), [
      'origin=Debian,codename=${distro_codename}-security,label=Debian-Security',
      'origin=Debian,codename=${distro_codename},label=Debian-Security',
    ]);
    assert.deepEqual(updateOrigins('ubuntu', 'security-and-updates').map(originPatternText).at(-1), 'origin=${distro_id},archive=${distro_codename}-updates');
    assert.deepEqual(expandPattern(securityOrigins('ubuntu')[1]!, { distroId: 'Ubuntu', codename: 'noble' }), { origin: 'UbuntuESMApps', archive: 'noble-apps-security' });
    assert.equal(originPatternText({ origin: 'My, Corp' }), 'origin=My\\, Corp');
  });

  test('updates writes the distribution\'s origins: ESM on Ubuntu, Debian-Security on Debian', () => {
    const ubuntu = originsText({ origins: 'security', mail: 'none', rebootTime: 'none' }, 'ubuntu');
    assert.match(ubuntu, /^\t"origin=\$\{distro_id\}ESM,archive=\$\{distro_codename\}-infra-security";$/m);
    assert.doesNotMatch(ubuntu, /-updates/);
  });

  test('updates previews the release warning on an end-of-life release, and says nothing alarming on a supported one', () => {
    const xenial = updatesStep.notes!({}, { platform: platform('ubuntu-16.04'), installed: true });
    assert.match(xenial[0] ?? '', /^warning: Ubuntu 16\.04 LTS \(xenial\) reached its end of life/);
    const trixie = updatesStep.notes!({}, { platform: platform('debian-13'), installed: true });
    assert.match(trixie[0] ?? '', /^Debian 13 \(trixie\) gets security updates until 2028-08-09/);
    const plan = updatesStep.plan({ origins: 'security', mail: 'none', rebootTime: 'none' }, { platform: platform('ubuntu-16.04'), installed: true });
    assert.ok(plan.some((a) => a.kind === 'write' && a.content.includes('${distro_id}ESMApps')), 'an EOL release still gets its plan, not a crash');
    assert.throws(() => updatesStep.plan({ origins: 'security' }, { platform: platformOf(parseOsRelease('ID=fedora\nPRETTY_NAME="Fedora Linux 43"\n')), installed: true }), /This is Fedora Linux 43, not Debian or Ubuntu/);
  });

  test('firewall: with nothing loaded, Ubuntu prefers its ufw (when installed), Debian nftables; what is loaded still wins', () => {
    const nothing = { ruleset: '', iptables: '' };
    assert.deepEqual(detectBackend({ ...nothing, ufwEnabled: false, platform: platform('ubuntu-24.04') }), { backend: 'ufw', why: 'no firewall is loaded; Ubuntu ships ufw as its firewall front end, and it is installed' });
    assert.equal(detectBackend({ ...nothing, platform: platform('ubuntu-24.04') }).backend, 'nft', 'ufw not installed');
    assert.equal(detectBackend({ ...nothing, ufwEnabled: false, platform: platform('debian-12') }).backend, 'nft');
    assert.equal(detectBackend({ ruleset: 'table inet filter {\n}', iptables: '', ufwEnabled: false, platform: platform('ubuntu-22.04') }).backend, 'nft');
    assert.equal(defaultFirewall(platform('debian-13')).frontEnd, 'nft');
  });

  test('sshd\'s service and nginx\'s layout', () => {
    assert.deepEqual(sshService(platform('ubuntu-24.04')), { unit: 'ssh.service', socketActivated: true });
    assert.deepEqual(sshService(platform('ubuntu-22.04')), { unit: 'ssh.service', socketActivated: false });
    assert.deepEqual(sshService(platform('debian-12')), { unit: 'ssh.service', socketActivated: false });
    assert.equal(sshService(platformOf(parseOsRelease('ID=fedora\n'))).unit, 'sshd.service');
    assert.equal(nginxConventions(platform('debian-12'), 'http {\n\tinclude /etc/nginx/conf.d/*.conf;\n\tinclude /etc/nginx/sites-enabled/*;\n}\n').layout, 'sites-enabled');
    assert.equal(nginxConventions(platform('debian-12'), 'http {\n    include /etc/nginx/conf.d/*.conf;\n}\n').layout, 'conf.d');
    assert.equal(nginxConventions(platform('ubuntu-24.04')).layout, 'sites-enabled');
    assert.equal(nginxConventions(platform('ubuntu-24.04')).siteDir, '/etc/nginx/conf.d');
  });
});
