// `lockstep onboard` for the other ways to the application certificate, each carried to a
// working HTTPS site by a real nginx on loopback ports (its own prefix under the test's root):
// Let's Encrypt from Pebble (then renewed unattended through nginx's webroot), the private CA
// (init, sign, installed into live/ with the passphrase given once), and a vendor's CSR, where
// the run stops short of HTTPS and says why.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../e2e/nginx.js';
import { lockstep, REPO, tempRoot } from '../helpers.js';
import { startPebble, type RunningPebble } from '../tls/pebble.js';
import { row, tables } from '../tls/renew-table.js';
import { startSiteNginx, type SiteNginx } from '../tls/site-nginx.js';

const CA_FILE = '/etc/lockstep-test/pebble-tls.pem';
const PASS = 'correct horse battery staple';

async function sandbox(prefix: string) {
  const t = await tempRoot(prefix);
  await fs.chmod(t.root, 0o755); // nginx workers (nobody) read the document root from it
  const answers = path.join(t.root, '..', `${path.basename(t.root)}.json`);
  return { ...t, answers, cleanup: async () => (await t.cleanup(), await fs.rm(answers, { force: true })) };
}

async function onboard(root: string, file: string, answers: object, ...extra: string[]) {
  await fs.writeFile(file, JSON.stringify(answers));
  return lockstep(['--root', root, '--answers', file, '--yes', ...extra, 'onboard']);
}

const curlHttps = (name: string, httpPort: number, httpsPort: number, ca: string) =>
  execa('curl', ['-sS', '-L', '-D', '-', '--max-time', '5', '--cacert', ca, '--resolve', `${name}:${httpPort}:127.0.0.1`, '--resolve', `${name}:${httpsPort}:127.0.0.1`, `http://${name}:${httpPort}/`], { reject: false });

describe("onboard with Let's Encrypt (Pebble)", () => {
  const NAME = 'shop.example.org';
  let box: Awaited<ReturnType<typeof sandbox>>;
  let pebble: RunningPebble | undefined;
  let nginx: SiteNginx | undefined;

  before(async () => {
    box = await sandbox('lockstep-onboard-le-');
    pebble = await startPebble(path.join(box.root, '..', `${path.basename(box.root)}-pebble`), path.join(box.root, CA_FILE));
    nginx = await startSiteNginx(box.root);
  });
  after(async () => {
    await nginx?.stop();
    await pebble?.stop();
    await fs.rm(path.join(box.root, '..', `${path.basename(box.root)}-pebble`), { recursive: true, force: true });
    await box?.cleanup();
  });

  test('certificate, HTTPS through nginx, the renewal timer; then renew --force goes through nginx and the served certificate changes', async () => {
    const p = pebble!;
    const httpsPort = await freePort();
    const run = await onboard(box.root, box.answers, {
      steps: ['cert', 'https', 'renewal'],
      cert: { public: true, port80: true, vendorRequired: false, method: 'letsencrypt' },
      'cert letsencrypt': { domain: [NAME], email: 'ops@example.org', agreeTos: true, acmeDirectory: p.directory, acmeCaFile: p.tlsCaFile, http01Port: p.httpPort },
      // Port 80 of the site is where Pebble validates HTTP-01: renewals go through this nginx.
      'web https': { nginxConf: '/etc/nginx/nginx.conf', httpPort: p.httpPort, httpsPort, listenAddress: '127.0.0.1' },
      'cert renew-timer': { scheduler: 'systemd', enable: false },
    });
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /✓ Let's Encrypt certificate\n/);
    assert.match(run.stdout, /✓ HTTPS only with nginx\n/);
    assert.match(run.stdout, /✓ Automatic renewal\n?/);
    assert.doesNotMatch(run.stdout, /\bchallenge\b.*\?/, 'the challenge came from the choice, not a question');

    const rootFile = path.join(box.root, 'pebble-root.pem');
    await fs.writeFile(rootFile, p.rootPem);
    await fs.writeFile(path.join(box.root, 'var/www/html/index.html'), 'shop\n');
    const curl = await curlHttps(NAME, p.httpPort, httpsPort, rootFile);
    assert.equal(curl.exitCode, 0, curl.stderr);
    assert.match(curl.stdout, /^HTTP\/1\.1 301/m);
    assert.match(curl.stdout, /shop/);
    const record = JSON.parse(await fs.readFile(path.join(box.root, 'etc/lockstep/renewal', `${NAME}.json`), 'utf8')) as { answers: { webroot?: string; challenge?: string } };
    assert.equal(record.answers.challenge, 'http-01');
    assert.equal(record.answers.webroot, '/var/www/acme', 'renewals answer HTTP-01 from nginx\'s ACME webroot');
    assert.match(await fs.readFile(path.join(box.root, 'etc/systemd/system/lockstep-renew.service'), 'utf8'), /renew --yes/);

    const live = path.join(box.root, 'etc/lockstep/live', NAME, 'cert.pem');
    const before = new X509Certificate(await fs.readFile(live)).serialNumber;
    const renew = await lockstep(['--root', box.root, 'renew', '--force', '--yes']);
    assert.equal(renew.exitCode, 0, `${renew.stdout}\n${renew.stderr}`);
    assert.equal(tables(renew.stdout, 'Certificates')[0]?.filter((r) => r.certificate === NAME).length, 1, 'listed once, though nginx names it too');
    assert.match(row(renew.stdout, NAME, 'Renewal').what, /^renewed: shop\.example\.org renewed; nginx reloaded and checked$/);
    const after = new X509Certificate(await fs.readFile(live)).serialNumber;
    assert.notEqual(after, before);
    const served = await execa('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', NAME, '-CAfile', rootFile, '-verify_return_error'], { input: '', reject: false });
    assert.equal(served.exitCode, 0, served.stderr);
    assert.equal(new X509Certificate(served.stdout.slice(served.stdout.indexOf('-----BEGIN CERTIFICATE-----'))).serialNumber, after);
  });
});

describe('onboard with the private CA, and with a vendor', () => {
  let box: Awaited<ReturnType<typeof sandbox>>;
  let nginx: SiteNginx | undefined;
  let passFile: string;

  before(async () => {
    box = await sandbox('lockstep-onboard-ca-');
    await fs.mkdir(path.join(box.root, 'etc/ssl'), { recursive: true });
    await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(box.root, 'etc/ssl/openssl.cnf'));
    passFile = path.join(box.root, '..', `${path.basename(box.root)}.pass`);
    await fs.writeFile(passFile, `${PASS}\n`, { mode: 0o600 });
    nginx = await startSiteNginx(box.root);
  });
  after(async () => {
    await nginx?.stop();
    await fs.rm(passFile, { force: true });
    await box?.cleanup();
  });

  test('private CA: init, sign and install with the passphrase given once (never journaled); nginx serves it for every name, trusted by the CA root only; recorded as the private CA\'s, and renew agrees', async () => {
    const NAME = 'couch.internal.example.org';
    const ALSO = 'replica.internal.example.org';
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const run = await onboard(box.root, box.answers, {
      steps: ['cert', 'https'],
      cert: { public: false, vendorRequired: false, method: 'private-ca' },
      'ca init': { passphraseFile: passFile, keyType: 'ec-p384', country: 'US', state: 'Massachusetts', locality: 'Boston', org: 'Quoin, Inc.', email: 'ops@example.org' },
      'ca sign': { host: [NAME, ALSO] },
      'web https': { nginxConf: '/etc/nginx/nginx.conf', httpPort, httpsPort, listenAddress: '127.0.0.1' },
    });
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    // One certificate for the site's names, in live/ under the first; the record, the closing text and renew agree.
    const live = path.join(box.root, 'etc/lockstep/live', NAME);
    assert.equal(new X509Certificate(await fs.readFile(path.join(live, 'cert.pem'))).subjectAltName, `DNS:${NAME}, DNS:${ALSO}`);
    const record = JSON.parse(await fs.readFile(path.join(box.root, 'etc/lockstep/renewal', `${NAME}.json`), 'utf8')) as { method: string; answers: { domain: string[]; caDir: string } };
    assert.equal(record.method, 'private-ca');
    assert.deepEqual(record.answers.domain, [NAME, ALSO]);
    assert.equal(record.answers.caDir, '/etc/pki/CA');
    assert.match(run.stdout, /Record that couch\.internal\.example\.org is renewed by signing it again with the private CA/);
    assert.match(run.stdout, /"lockstep (--root \S+ )?renew" signs it again with your private CA before it expires/);
    const installPart = run.stdout.slice(run.stdout.indexOf('== Install the CA-signed certificate'), run.stdout.indexOf('== HTTPS only'));
    assert.doesNotMatch(installPart, /vendor/i, 'installing the CA-signed certificate talks of no vendor');
    const rootPem = await fs.readFile(path.join(box.root, 'etc/pki/CA/certs/couch_ca.cert'), 'utf8');
    assert.equal(await fs.readFile(path.join(live, 'chain.pem'), 'utf8'), new X509Certificate(rootPem).toString(), 'chain.pem holds the root');
    const verified = await execa('openssl', ['verify', '-CAfile', path.join(box.root, 'etc/pki/CA/certs/couch_ca.cert'), path.join(live, 'fullchain.pem')], { reject: false });
    assert.equal(verified.exitCode, 0, verified.stderr);
    const renew = await lockstep(['--root', box.root, 'renew', '--dry-run'], { env: { CI: 'true', NO_COLOR: '1' } });
    assert.equal(renew.exitCode, 0, `${renew.stdout}\n${renew.stderr}`);
    assert.equal(row(renew.stdout, NAME).kind, 'private CA');
    for (const done of ['Private certificate authority', "Sign the site's certificate with the CA", 'Install the CA-signed certificate for the web server', 'HTTPS only with nginx']) {
      assert.match(run.stdout, new RegExp(`✓ ${done}\\n`), done);
    }
    assert.match(run.stdout, /From the earlier steps: Folder of the certificate authority: \/etc\/pki\/CA; Name of the CA: couch_ca; Passphrase of the root key: the one given earlier/);

    const rootCa = path.join(box.root, 'etc/pki/CA/certs/couch_ca.cert');
    await fs.writeFile(path.join(box.root, 'var/www/html/index.html'), 'couch\n');
    for (const name of [NAME, ALSO]) {
      const trusted = await curlHttps(name, httpPort, httpsPort, rootCa);
      assert.equal(trusted.exitCode, 0, `${name}: ${trusted.stderr}`);
      assert.match(trusted.stdout, /couch/);
    }
    const untrusted = await curlHttps(NAME, httpPort, httpsPort, '/etc/ssl/certs/ca-certificates.crt');
    assert.equal(untrusted.exitCode, 60, 'the public roots do not trust the private CA');

    const journal = await fs.readFile(path.join(box.root, 'var/log/lockstep/journal.jsonl'), 'utf8');
    assert.ok(!journal.includes(PASS), 'the passphrase is in no journal record');
    assert.deepEqual(
      journal.split('\n').filter((l) => l.includes('"t":"run-start"')).map((l) => (JSON.parse(l) as { command: string }).command),
      ['ca init', 'ca sign', 'cert install', 'web https'],
    );
  });

  test('vendor: key and CSR made, the HTTPS site left for when the certificate arrives, with the commands for then', async () => {
    const NAME = 'portal.example.com';
    const run = await onboard(box.root, box.answers, {
      steps: ['cert', 'https', 'renewal'],
      cert: { public: true, port80: true, vendorRequired: true, method: 'purchased' },
      'cert purchased': { domain: [NAME], org: 'Example GmbH', country: 'DE' },
    });
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /✓ Certificate from a vendor: key and CSR\n/);
    assert.match(run.stdout, /- HTTPS only with nginx: skipped \(the vendor's certificate is not here yet: once it is, lockstep --root \S+ cert install, then lockstep --root \S+ web https\)/);
    const csr = await fs.readFile(path.join(box.root, 'etc/lockstep/archive', NAME, 'csr1.pem'), 'utf8');
    const subject = await execa('openssl', ['req', '-noout', '-subject'], { input: csr });
    assert.match(subject.stdout, /O = Example GmbH/);
  });
});
