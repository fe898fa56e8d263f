// `lockstep onboard` end to end, unattended (--answers, --yes), on a server that is a network
// namespace this test makes: a self-signed certificate served HTTPS-only by a real nginx, the
// renewal cron file, the nftables firewall, key-only SSH on a real sshd and unattended upgrades
// checked by the real unattended-upgrade against a local apt repository. Then a client namespace
// proves it all over the wire: curl follows 80 → 443 and trusts the certificate, the admin logs
// in with the key, a stranger reaches the web ports but not SSH.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, tempRoot, waitFor } from '../helpers.js';
import { makeAptWorld, markUnattendedUpgrades } from '../apt/apt-world.js';
import { CLIENT4, CLIENT6, makeNetnsPair, probe, SRV4, SRV6, stopRollbackTimer, whyNoNetns, type NetnsPair } from '../lockdown/netns.js';
import { startSiteNginx, type SiteNginx } from '../tls/site-nginx.js';
import { prepareSshd } from '../lockdown/sshd.js';

const NAME = 'intranet.example.org';
const tools = await execa('sh', ['-c', 'command -v nginx && command -v sshd && command -v unattended-upgrade && command -v dpkg-scanpackages'], { reject: false });
const skip = (await whyNoNetns()) ?? (tools.exitCode === 0 ? false : 'needs nginx, openssh-server, unattended-upgrades and dpkg-dev');

describe('lockstep onboard on a namespace server', { skip }, () => {
  let pair: NetnsPair;
  let root: string;
  let cleanupRoot: () => Promise<void>;
  let world: { dir: string; cleanup: () => Promise<void> };
  let nginx: SiteNginx | undefined;
  let sshd: ReturnType<typeof execa> | undefined;
  const key = (): string => path.join(root, 'client/id_ed25519');

  before(async () => {
    pair = await makeNetnsPair('onb');
    ({ root, cleanup: cleanupRoot } = await tempRoot('lockstep-onboard-'));
    await fs.chmod(root, 0o755); // nginx workers (nobody) read the document root from it
    // The server's own files, as a fresh Debian would have them (under the sandbox): its apt
    // sources are the test's repositories, its dpkg database the old versions.
    await fs.mkdir(path.join(root, 'etc'), { recursive: true });
    await fs.copyFile('/etc/os-release', path.join(root, 'etc/os-release'));
    world = await makeAptWorld({ root });
    await markUnattendedUpgrades(root); // installed: no apt-get install in the plan
    await prepareSshd(root, { port: 22 });
    sshd = execa('ip', ['netns', 'exec', pair.srv, '/usr/sbin/sshd', '-D', '-e', '-f', path.join(root, 'etc/ssh/sshd_config')], { reject: false });
    await waitFor(() => fs.readFile(path.join(root, 'run/sshd.pid'), 'utf8').then((t) => t.trim() !== '', () => false), 'sshd to start');
    nginx = await startSiteNginx(root, ['ip', 'netns', 'exec', pair.srv]);
  });
  after(async () => {
    if (root !== undefined) await stopRollbackTimer(root);
    await pair?.exec(pair.srv, ['nft', 'flush', 'ruleset']);
    await nginx?.stop();
    sshd?.kill();
    await sshd;
    await pair?.cleanup();
    await world?.cleanup();
    await cleanupRoot?.();
  });

  test('certificate, HTTPS, renewal, firewall, SSH and updates in one run; each proved from the client namespace', async () => {
    const answers = {
      steps: ['cert', 'https', 'renewal', 'firewall', 'ssh', 'updates'],
      cert: { public: false, vendorRequired: false, method: 'self-signed' },
      'cert self-signed': { host: [NAME], days: 30 },
      'web https': { nginxConf: '/etc/nginx/nginx.conf' },
      'cert renew-timer': { scheduler: 'cron' },
      firewall: { backend: 'nft', sshFrom: [`${CLIENT4.admin}/32`, `${CLIENT6.admin}/128`], confirmTimeout: 300 },
      ssh: { user: 'root' },
      updates: { rebootTime: '04:30' },
    };
    const file = path.join(world.dir, 'onboard.json');
    await fs.writeFile(file, JSON.stringify(answers));
    const run = await pair.exec(pair.srv, ['node', BIN, '--root', root, '--answers', file, '--yes', 'onboard'], {
      SUDO_USER: '',
      SSH_CONNECTION: `${CLIENT4.admin} 50022 ${SRV4} 22`,
    });
    const out = String(run.stdout);
    assert.equal(run.exitCode, 0, `${out}\n${String(run.stderr)}`);
    const summary = out.slice(out.indexOf('Onboard a new server: what was done'));
    for (const done of ['Self-signed certificate', 'HTTPS only with nginx', 'Automatic renewal', 'Firewall', 'Key-only SSH', 'Automatic security updates']) {
      assert.match(summary, new RegExp(`✓ ${done}(\\n|$)`), `${done} done:\n${summary}`);
    }
    assert.match(summary, /- Let's Encrypt certificate: skipped \(you chose Self-signed\)/);
    assert.match(summary, /- Keep the new firewall rules: skipped \(nobody to ask: from a new SSH session, run lockstep --root \S+ firewall confirm/);
    // web https was not asked the names or the folder: the certificate step settled them.
    assert.match(out, new RegExp(`From the earlier steps: Names the site answers to: ${NAME.replace(/\./g, '\\.')}; Folder holding the certificate .*and privkey.pem: /etc/ssl/lockstep/${NAME.replace(/\./g, '\\.')}`));

    // Every step is its own run in the journal.
    const journal = (await fs.readFile(path.join(root, 'var/log/lockstep/journal.jsonl'), 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { t: string; command?: string });
    assert.deepEqual(journal.filter((r) => r.t === 'run-start').map((r) => r.command), ['cert self-signed', 'web https', 'cert renew-timer', 'firewall', 'ssh', 'updates']);

    // HTTPS from a stranger's address, both families: 80 redirects, 443 serves with the certificate trusted.
    await fs.writeFile(path.join(root, 'var/www/html/index.html'), 'onboarded\n');
    const ca = path.join(root, 'etc/ssl/lockstep', NAME, 'cert.pem');
    for (const [srv, from] of [[SRV4, CLIENT4.stranger], [`[${SRV6}]`, CLIENT6.stranger]] as const) {
      const resolve = ['80', '443'].flatMap((port) => ['--resolve', `${NAME}:${port}:${srv}`]);
      const curl = await pair.exec(pair.cli, ['curl', '-sS', '-L', '-D', '-', '--max-time', '5', '--interface', from, '--cacert', ca, ...resolve, `http://${NAME}/`]);
      assert.equal(curl.exitCode, 0, `${from}: ${String(curl.stderr)}`);
      assert.match(String(curl.stdout), /^HTTP\/1\.1 301/m);
      assert.match(String(curl.stdout), new RegExp(`^Location: https://${NAME.replace(/\./g, '\\.')}/`, 'mi'));
      assert.match(String(curl.stdout), /onboarded/);
    }

    // SSH: the admin logs in with the key, passwords are not offered; a stranger cannot reach port 22.
    const ssh = (extra: readonly string[]) =>
      pair.exec(pair.cli, ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=5', '-b', CLIENT4.admin, ...extra, `root@${SRV4}`, 'echo', 'logged-in']);
    const login = await ssh(['-i', key()]);
    assert.equal(login.exitCode, 0, String(login.stderr));
    assert.match(String(login.stdout), /logged-in/);
    const noKey = await ssh(['-v', '-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password,keyboard-interactive']);
    assert.notEqual(noKey.exitCode, 0);
    assert.match(String(noKey.stderr), /Authentications that can continue: publickey\r?\n/);
    assert.deepEqual(await probe(pair, [{ to: SRV4, port: 22, from: CLIENT4.stranger }, { to: SRV6, port: 22, from: CLIENT6.stranger }, { to: SRV6, port: 22, from: CLIENT6.admin }]), ['dropped', 'dropped', 'open']);

    // Renewal and updates are in place where the system reads them.
    assert.match(await fs.readFile(path.join(root, 'etc/cron.d/lockstep-renew'), 'utf8'), / root .*lockstep\.js --root \S+ renew --yes/);
    assert.match(await fs.readFile(path.join(root, 'etc/apt/apt.conf.d/20auto-upgrades'), 'utf8'), /Unattended-Upgrade "1"/);
    assert.match(out, /✓ unattended-upgrade --dry-run accepts the configuration/);
  });
});
