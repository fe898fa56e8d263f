// `lockstep web https` end to end: a certificate from Pebble (cert letsencrypt), then a real
// nginx on loopback ports with its own prefix under the test's root (never the system nginx).
// curl with Pebble's root follows 80 → 443; openssl s_client checks the chain; a broken
// certificate makes nginx -t fail and the previous site file comes back.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { lockstep, snapshot, tempRoot } from '../helpers.js';
import { freePort } from '../e2e/nginx.js';
import { startPebble, type RunningPebble } from './pebble.js';
import { makeVendorPki } from './pki.js';
import { row } from './renew-table.js';
import { startSiteNginx, type SiteNginx } from './site-nginx.js';

let sandbox: { root: string; cleanup: () => Promise<void> };
let pebble: RunningPebble | undefined;
let nginx: SiteNginx | undefined;
let httpPort = 0;
let httpsPort = 0;
let rootFile = '';
const CA_FILE = '/etc/lockstep-test/pebble-tls.pem';
const NAME = 'shop.example.org';
const OTHER = 'other.example.org';

before(async () => {
  sandbox = await tempRoot('lockstep-nginx-');
  await fs.chmod(sandbox.root, 0o755); // nginx workers run as nobody and serve index.html from it
  pebble = await startPebble(path.join(sandbox.root, 'pebble'), path.join(sandbox.root, CA_FILE));
  rootFile = path.join(sandbox.root, 'pebble-root.pem');
  await fs.writeFile(rootFile, pebble.rootPem);
  const issue = await lockstep([
    '--root', sandbox.root, '--yes', 'cert', 'letsencrypt', '--domain', `${NAME},www.${NAME}`, '--email', 'ops@example.org', '--agree-tos',
    '--acme-directory', pebble.directory, '--acme-ca-file', pebble.tlsCaFile, '--http-01-port', String(pebble.httpPort),
  ]);
  assert.equal(issue.exitCode, 0, `${issue.stdout}\n${issue.stderr}`);
  const other = await lockstep([
    '--root', sandbox.root, '--yes', 'cert', 'letsencrypt', '--domain', OTHER, '--email', 'ops@example.org', '--agree-tos',
    '--acme-directory', pebble.directory, '--acme-ca-file', pebble.tlsCaFile, '--http-01-port', String(pebble.httpPort),
  ]);
  assert.equal(other.exitCode, 0, `${other.stdout}\n${other.stderr}`);
  // The journal made var/ (for var/log/lockstep) owner-only; a real /var is not.
  await fs.chmod(path.join(sandbox.root, 'var'), 0o755);

  // Port 80 of the site is where Pebble validates HTTP-01, so renewals go through nginx.
  httpPort = pebble.httpPort;
  httpsPort = await freePort();
  nginx = await startSiteNginx(sandbox.root);
});
after(async () => {
  await nginx?.stop();
  await pebble?.stop();
  await sandbox?.cleanup();
});

const web = (...extra: string[]) =>
  lockstep([
    '--root', sandbox.root, '--yes', 'web', 'https', '--domain', `${NAME},www.${NAME}`, '--nginx-conf', '/etc/nginx/nginx.conf',
    '--http-port', String(httpPort), '--https-port', String(httpsPort), '--listen-address', '127.0.0.1', ...extra,
  ]);

test('HTTPS only: curl follows 80 → 443 and trusts the chain; s_client verifies it; HSTS when asked', async () => {
  const run = await web('--hsts');
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  await fs.writeFile(path.join(sandbox.root, 'var/www/html/index.html'), 'hello over https\n');
  const resolve = [`${NAME}:${httpPort}:127.0.0.1`, `${NAME}:${httpsPort}:127.0.0.1`].flatMap((r) => ['--resolve', r]);
  const curl = await execa('curl', ['-sS', '-L', '-D', '-', '--cacert', rootFile, ...resolve, `http://${NAME}:${httpPort}/`], { reject: false });
  assert.equal(curl.exitCode, 0, curl.stderr);
  assert.match(curl.stdout, /^HTTP\/1\.1 301/m);
  assert.match(curl.stdout, new RegExp(`^Location: https://${NAME.replace(/\./g, '\\.')}:${httpsPort}/`, 'mi'));
  assert.match(curl.stdout, /^Strict-Transport-Security: max-age=63072000/mi);
  assert.match(curl.stdout, /hello over https/);

  const sc = await execa('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', `www.${NAME}`, '-CAfile', rootFile, '-verify_return_error', '-verify_hostname', `www.${NAME}`], { input: '', reject: false });
  assert.equal(sc.exitCode, 0, sc.stderr);
  assert.match(sc.stdout, /Verify return code: 0 \(ok\)/);
  const old = await execa('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', NAME, '-tls1_1'], { input: '', reject: false });
  assert.notEqual(old.exitCode, 0, 'TLS 1.1 is refused');
  const site = await fs.readFile(path.join(sandbox.root, `etc/nginx/conf.d/lockstep-${NAME}.conf`), 'utf8');
  assert.match(site, /No OCSP stapling/);
});

test('nginx -t failing restores the previous site file and exits 1', async () => {
  const siteFile = path.join(sandbox.root, `etc/nginx/conf.d/lockstep-${NAME}.conf`);
  const before = await fs.readFile(siteFile, 'utf8');
  const broken = path.join(sandbox.root, 'etc/lockstep/broken');
  await fs.mkdir(broken, { recursive: true });
  for (const f of ['fullchain.pem', 'chain.pem', 'cert.pem']) await fs.writeFile(path.join(broken, f), 'not a certificate\n');
  await fs.writeFile(path.join(broken, 'privkey.pem'), 'not a key\n', { mode: 0o600 });
  const run = await web('--cert-dir', '/etc/lockstep/broken');
  assert.equal(run.exitCode, 1, run.stdout);
  assert.match(run.stdout, /nginx -t rejected the new configuration/);
  assert.equal(await fs.readFile(siteFile, 'utf8'), before);
  // and the site still serves
  const sc = await execa('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', NAME, '-CAfile', rootFile, '-verify_return_error'], { input: '', reject: false });
  assert.equal(sc.exitCode, 0, sc.stderr);
});

test('a missing certificate folder is bad input: exit 2 naming --cert-dir, nothing written', async () => {
  const etc = path.join(sandbox.root, 'etc');
  const before = await snapshot(etc);
  const run = await web('--cert-dir', '/etc/lockstep/live/nothing-here');
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /--cert-dir/);
  assert.deepEqual(await snapshot(etc), before);
});

const served = async (): Promise<string> => {
  const sc = await execa('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', NAME], { input: '', reject: false });
  return (await execa('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: sc.stdout })).stdout;
};
const utc = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

test('renew: only the certificate inside its window is renewed, through nginx\'s webroot; nginx then serves the new one', async () => {
  // Make shop's live certificate one with 2 of 30 days left (same key, signed by a test CA).
  const live = path.join(sandbox.root, 'etc/lockstep/live', NAME);
  const pki = await makeVendorPki(path.join(sandbox.root, 'short-ca'));
  const csr = path.join(sandbox.root, 'short.csr');
  await execa('openssl', ['req', '-new', '-config', '/dev/null', '-key', path.join(live, 'privkey.pem'), '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME},DNS:www.${NAME}`, '-out', csr]);
  await pki.sign(csr, path.join(live, 'cert.pem'), { start: utc(Date.now() - 28 * 86_400_000), end: utc(Date.now() + 2 * 86_400_000) });
  const before = await served();
  const otherArchive = path.join(sandbox.root, 'etc/lockstep/archive', OTHER);
  const otherBefore = await fs.readdir(otherArchive);

  const run = await lockstep(['--root', sandbox.root, '--yes', 'renew']);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  const [due, other] = [row(run.stdout, NAME), row(run.stdout, OTHER)];
  assert.match(`${due.kind} | ${due.days} | ${due.due}`, /^ACME \| [12] of 30 \| due$/);
  assert.match(`${other.days} | ${other.due} | ${other.what}`, /^[0-9]+ of [0-9]+ \| no \| nothing now; renew from /);
  assert.match(run.stdout, new RegExp(`== ${NAME.replace(/\./g, '\\.')}: reload nginx and check what it serves ==`), 'the reload is a step of the plan');
  assert.match(run.stdout, /--webroot/, 'renewed through the ACME webroot nginx serves');
  assert.deepEqual(await fs.readdir(otherArchive), otherBefore, `${OTHER} was not renewed`);
  const liveFp = (await execa('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', path.join(live, 'cert.pem')])).stdout;
  assert.notEqual(liveFp, before);
  // renew waited for the reload; each of several connections now gets the new certificate.
  for (let i = 0; i < 5; i++) assert.equal(await served(), liveFp);

  const again = await lockstep(['--root', sandbox.root, '--yes', 'renew']);
  assert.equal(again.exitCode, 0, 'nothing due is success');
  assert.equal(row(again.stdout, NAME).due, 'no');
});
