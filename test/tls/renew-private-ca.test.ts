// `renew` with a real private CA (ca init, ca sign) whose host certificate was installed into
// live/ (cert install) and is served by a real nginx on loopback (web https): without the
// passphrase a reminder and exit 1; with it the CA's own steps revoke and sign again, cert install
// puts the new one in live/, nginx reloads and serves it.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO, lockstep, snapshot, tempRoot } from '../helpers.js';
import { freePort } from '../e2e/nginx.js';
import { startSiteNginx, type SiteNginx } from './site-nginx.js';
import { row, tables } from './renew-table.js';

const HOST = 'app.internal.example';
const CA = '/etc/pki/CA';
const PASS = 'correct horse battery staple';
const DAY = 86_400_000;
let sandbox: { root: string; cleanup: () => Promise<void> };
let passFile = '';
let nginx: SiteNginx | undefined;
let httpsPort = 0;

const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => lockstep(['--root', sandbox.root, ...args], { env: { CI: 'true', NO_COLOR: '1', ...env } });
const ok = (r: { exitCode?: number; stdout: string; stderr: string }): void => assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
const real = (p: string): string => path.join(sandbox.root, p);
const utc = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
const fingerprint = async (pem: string): Promise<string> => (await execa('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem })).stdout;
const served = async (): Promise<string> => {
  const sc = await execa('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', HOST], { input: '', reject: false });
  return fingerprint(sc.stdout);
};

before(async () => {
  sandbox = await tempRoot('lockstep-renew-ca-');
  await fs.chmod(sandbox.root, 0o755);
  await fs.mkdir(real('etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), real('etc/ssl/openssl.cnf'));
  passFile = `${sandbox.root}.pass`;
  await fs.writeFile(passFile, `${PASS}\n`, { mode: 0o600 });
  ok(await run(['ca', 'init', '--yes', '--passphrase-file', passFile, '--country', 'US', '--org', 'Quoin, Inc.', '--key-type', 'ec-p384']));
  // A host certificate already inside its window: 4 days long, 1 day left. openssl ca takes the
  // dates from the CA section for this one signing; the lines go again before renewal.
  const config = real(`${CA}/config.cnf`);
  const original = await fs.readFile(config, 'utf8');
  const dated = original.replace(/^default_days .*$/m, (line) => `${line}\ndefault_startdate = ${utc(Date.now() - 3 * DAY)}\ndefault_enddate = ${utc(Date.now() + DAY)}`);
  assert.notEqual(dated, original);
  await fs.writeFile(config, dated);
  ok(await run(['ca', 'sign', '--yes', '--passphrase-file', passFile, '--host', HOST, '--san', 'DNS:www.internal.example', '--key-type', 'ec-p256', '--days', '4']));
  await fs.writeFile(config, original);
  const host = `${CA}/hosts/${HOST}/${HOST}`;
  ok(await run(['cert', 'install', '--yes', '--domain', HOST, '--cert', real(`${host}.crt`), '--key', real(`${host}.key`), '--trust-store', real(`${CA}/certs/couch_ca.cert`)]));
  await fs.chmod(real('var'), 0o755);
  httpsPort = await freePort();
  nginx = await startSiteNginx(sandbox.root);
  ok(await run(['--yes', 'web', 'https', '--domain', HOST, '--nginx-conf', '/etc/nginx/nginx.conf', '--http-port', String(await freePort()), '--https-port', String(httpsPort), '--listen-address', '127.0.0.1']));
});

after(async () => {
  await nginx?.stop();
  await sandbox?.cleanup();
  await fs.rm(passFile, { force: true });
});

test('renew re-signs a due private-CA certificate with the passphrase, installs it in live/ and nginx serves it', async () => {
  const livePem = (): Promise<string> => fs.readFile(real(`/etc/lockstep/live/${HOST}/cert.pem`), 'utf8');
  const old = await fingerprint(await livePem());
  assert.equal(await served(), old);

  const reminder = await run(['renew', '--yes'], { LOCKSTEP_PASSPHRASE: '' });
  assert.equal(reminder.exitCode, 1, reminder.stdout);
  assert.equal(tables(reminder.stdout, 'Certificates')[0]?.filter((r) => r.certificate === HOST).length, 1, `one entry for the installed CA certificate:\n${reminder.stdout}`);
  const listed = row(reminder.stdout, HOST);
  assert.match(`${listed.kind} | ${listed.days} | ${listed.due}`, /^private CA \| [01] of 4 \| due$/);
  assert.match(reminder.stderr, /EXPIRY WARNING: app\.internal\.example .*passphrase.*lockstep --root \S+ ca sign --host app\.internal\.example .*--sign-again .*ca revoke --host app\.internal\.example .*--older-only/);
  assert.equal(await served(), old, 'nothing changed without the passphrase');

  // --dry-run with the passphrase: the exact plan of the first step (the new signing, as openssl
  // will run it), the later steps named as following it; nothing changes.
  const before = await snapshot(real('etc'));
  const dry = await run(['renew', '--dry-run', '--passphrase-file', passFile]);
  assert.equal(dry.exitCode, 0, `${dry.stdout}\n${dry.stderr}`);
  assert.match(dry.stdout, /== app\.internal\.example: sign a new certificate with the CA ==[\s\S]*The plan \(\d+ actions; nothing has changed yet\):[\s\S]*\$ openssl ca [^\n]*-batch /);
  assert.doesNotMatch(dry.stdout, /would revoke/);
  assert.match(row(dry.stdout, HOST, 'Renewal').what, /^previewed \(dry run\): the plan is shown above; "app\.internal\.example: install it into live\/app\.internal\.example\/", "app\.internal\.example: revoke the certificate it replaces \(superseded\)", "app\.internal\.example: reload nginx and check what it serves" follow once it has run; nothing was changed$/);
  assert.doesNotMatch(dry.stdout + dry.stderr, new RegExp(PASS));
  assert.deepEqual(await snapshot(real('etc')), before, '--dry-run changed nothing');

  const renewed = await run(['renew', '--yes', '--passphrase-file', passFile]);
  assert.equal(renewed.exitCode, 0, `${renewed.stdout}\n${renewed.stderr}`);
  assert.match(row(renewed.stdout, HOST, 'Renewal').what, /^renewed: app\.internal\.example signed again by the private CA and installed in live\/app\.internal\.example\/; nginx reloaded and checked$/);
  // The reload is a step of the plan (web reload): previewed, journaled, verified.
  assert.match(renewed.stdout, /== app\.internal\.example: reload nginx and check what it serves ==[\s\S]*\$ \S+ \S+ internal nginx --root=\S+ -s reload -c [\s\S]*sandbox \(--root\)[\s\S]*✓ nginx serves/);
  const journal = await fs.readFile(real('/var/log/lockstep/journal.jsonl'), 'utf8');
  assert.match(journal, /"step":"web reload"/);
  assert.doesNotMatch(renewed.stdout + renewed.stderr, new RegExp(PASS));
  const now = await fingerprint(await livePem());
  assert.notEqual(now, old);
  for (let i = 0; i < 3; i++) assert.equal(await served(), now);
  const index = await fs.readFile(real(`${CA}/index.txt`), 'utf8');
  assert.match(index, /^R\t.*superseded\t.*CN=app\.internal\.example/m, 'the old one revoked as superseded');
  assert.match(index, /^V\t.*CN=app\.internal\.example/m);
  const text = (await execa('openssl', ['x509', '-noout', '-text', '-in', real(`/etc/lockstep/live/${HOST}/cert.pem`)])).stdout;
  assert.match(text, /DNS:app\.internal\.example, DNS:www\.internal\.example/, 'same names');
  assert.match(text, /prime256v1/, 'same key type');
  const record = JSON.parse(await fs.readFile(real(`/etc/lockstep/renewal/${HOST}.json`), 'utf8')) as { deploy?: { httpsPort: number } };
  assert.equal(record.deploy?.httpsPort, httpsPort, 'the deploy record survives the reinstall');

  // Now 4 days long with 4 left: quiet, exit 0. --force with LOCKSTEP_PASSPHRASE signs again.
  const quiet = await run(['renew', '--yes']);
  assert.equal(quiet.exitCode, 0, quiet.stderr);
  const forced = await run(['renew', '--yes', '--force'], { LOCKSTEP_PASSPHRASE: PASS });
  assert.equal(forced.exitCode, 0, `${forced.stdout}\n${forced.stderr}`);
  assert.notEqual(await served(), now);
});
