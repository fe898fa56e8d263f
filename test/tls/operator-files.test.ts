// Operator files are read as given, lockstep's own paths under --root (DESIGN.md, "--root";
// core/paths.ts decides which a path is): one test per flag naming an operator's file, each
// with --root R and the file outside R — and the same path under R alone is not enough.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO, lockstep, snapshot, tempRoot } from '../helpers.js';
import { makeVendorPki, type VendorPki } from './pki.js';
import { startPebble, type RunningPebble } from './pebble.js';

const NAME = 'ops.example.com';
let root: { root: string; cleanup: () => Promise<void> };
let outside: { root: string; cleanup: () => Promise<void> };
let pki: VendorPki;
const o = (f: string): string => path.join(outside.root, f);
const openssl = async (...args: string[]): Promise<string> => (await execa('openssl', args)).stdout;

before(async () => {
  root = await tempRoot('lockstep-opfiles-root-');
  outside = await tempRoot('lockstep-opfiles-home-');
  pki = await makeVendorPki(o('vendor-ca'));
  // The system's trust store of the target (the default of --trust-store) holds the vendor root.
  await fs.mkdir(path.join(root.root, 'etc/ssl/certs'), { recursive: true });
  await fs.copyFile(pki.root, path.join(root.root, 'etc/ssl/certs/ca-certificates.crt'));
  await openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-config', '/dev/null', '-keyout', o('site.key'), '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME}`, '-out', o('site.csr'));
  await pki.sign(o('site.csr'), o('site.pem'));
});
after(async () => {
  await root?.cleanup();
  await outside?.cleanup();
});

const install = (args: string[], cwd?: string) => lockstep(['--root', root.root, '--yes', 'cert', 'install', '--domain', NAME, ...args], cwd !== undefined ? { cwd } : {});

/** The same file at the same path inside R, so a reader that maps it would find something else there. */
async function decoy(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(path.join(root.root, file)), { recursive: true });
  await fs.writeFile(path.join(root.root, file), content);
}

test('cert install --cert and --chain: the vendor files outside --root are read as given (absolute, and relative to the working directory)', async () => {
  await decoy(o('site.pem'), 'not the certificate\n');
  const run = await install(['--cert', o('site.pem'), '--chain', o('vendor-ca/int.pem'), '--key', o('site.key')]);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  const live = path.join(root.root, 'etc/lockstep/live', NAME);
  const v = await execa('openssl', ['verify', '-CAfile', pki.root, '-untrusted', path.join(live, 'chain.pem'), '-verify_hostname', NAME, path.join(live, 'cert.pem')], { reject: false });
  assert.equal(v.exitCode, 0, v.stdout + v.stderr);
  assert.equal(await fs.readFile(path.join(live, 'cert.pem'), 'utf8'), await fs.readFile(o('site.pem'), 'utf8'));
  // Relative paths from the working directory, as a shell user types them.
  const relative = await install(['--cert', 'site.pem', '--chain', 'vendor-ca/int.pem', '--key', 'site.key'], outside.root);
  assert.equal(relative.exitCode, 0, `${relative.stdout}\n${relative.stderr}`);
  assert.ok(relative.stdout.includes(`install -m 0600 ${o('site.key')} `), 'the key is copied from the path as this machine names it');
});

test('cert install --key: the operator\'s key outside --root is copied into the archive, mode 0600; a key only under R is not found', async () => {
  const run = await install(['--cert', o('site.pem'), '--chain', o('vendor-ca/int.pem'), '--key', o('site.key')]);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  const archive = path.join(root.root, 'etc/lockstep/archive', NAME);
  const keys = (await fs.readdir(archive)).filter((f) => f.startsWith('privkey')).sort();
  const newest = path.join(archive, keys.at(-1) ?? 'none');
  assert.equal(await fs.readFile(newest, 'utf8'), await fs.readFile(o('site.key'), 'utf8'));
  assert.equal((await fs.stat(newest)).mode & 0o777, 0o600);
  await decoy('/only-in-root/site.key', await fs.readFile(o('site.key'), 'utf8'));
  const beforeSnap = await snapshot(path.join(root.root, 'etc'));
  const missing = await install(['--cert', o('site.pem'), '--chain', o('vendor-ca/int.pem'), '--key', '/only-in-root/site.key']);
  assert.equal(missing.exitCode, 2, `${missing.stdout}\n${missing.stderr}`);
  assert.match(missing.stderr, /--key \/only-in-root\/site\.key cannot be read: .*no such file/);
  assert.deepEqual(await snapshot(path.join(root.root, 'etc')), beforeSnap, 'nothing changed');
});

test('cert install --trust-store: a bundle outside --root is read as given; its default is the system\'s, under --root', async () => {
  const bare = await tempRoot('lockstep-opfiles-bare-');
  try {
    const args = ['--root', bare.root, '--yes', 'cert', 'install', '--domain', NAME, '--cert', o('site.pem'), '--chain', o('vendor-ca/int.pem'), '--key', o('site.key')];
    const noStore = await lockstep(args);
    assert.equal(noStore.exitCode, 2, `${noStore.stdout}\n${noStore.stderr}`);
    assert.match(noStore.stderr, /--trust-store \/etc\/ssl\/certs\/ca-certificates\.crt cannot be read/, 'the default is looked for under --root');
    const given = await lockstep([...args, '--trust-store', pki.root]);
    assert.equal(given.exitCode, 0, `${given.stdout}\n${given.stderr}`);
    assert.ok((await fs.stat(path.join(bare.root, 'etc/lockstep/live', NAME, 'fullchain.pem'))).isFile());
  } finally {
    await bare.cleanup();
  }
});

test('cert inspect FILE: a certificate outside --root is read as given', async () => {
  await decoy(o('site.pem'), 'not the certificate\n');
  const run = await lockstep(['--root', root.root, '--json', 'cert', 'inspect', o('site.pem')]);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  const parsed = JSON.parse(run.stdout) as { certificates: { names: string[] }[] };
  assert.deepEqual(parsed.certificates[0]?.names, [NAME]);
});

test('cert letsencrypt --acme-ca-file: Pebble\'s TLS root outside --root is used as given (plan and order); one only under R is refused, exit 2', async () => {
  let pebble: RunningPebble | undefined;
  try {
    pebble = await startPebble(o('pebble'), o('pebble-tls.pem'));
    await decoy(o('pebble-tls.pem'), 'not a certificate\n');
    const args = ['--root', root.root, 'cert', 'letsencrypt', '--domain', 'acme.example.org', '--email', 'ops@example.org', '--agree-tos', '--acme-directory', pebble.directory, '--challenge', 'http-01', '--http-01-port', String(pebble.httpPort)];
    const dry = await lockstep(['--dry-run', ...args, '--acme-ca-file', o('pebble-tls.pem')]);
    assert.equal(dry.exitCode, 0, `${dry.stdout}\n${dry.stderr}`);
    assert.ok(dry.stdout.includes(` --ca-file=${o('pebble-tls.pem')} `), dry.stdout);
    const order = await lockstep(['--yes', ...args, '--acme-ca-file', o('pebble-tls.pem')]);
    assert.equal(order.exitCode, 0, `${order.stdout}\n${order.stderr}`);
    const record = JSON.parse(await fs.readFile(path.join(root.root, 'etc/lockstep/renewal/acme.example.org.json'), 'utf8')) as { answers: { acmeCaFile?: string } };
    assert.equal(record.answers.acmeCaFile, o('pebble-tls.pem'), 'the renewal record names the file as this machine does');

    await decoy('/only-in-root/pebble-tls.pem', await fs.readFile(o('pebble-tls.pem'), 'utf8'));
    const refused = await lockstep(['--yes', ...args, '--acme-ca-file', '/only-in-root/pebble-tls.pem']);
    assert.equal(refused.exitCode, 2, `${refused.stdout}\n${refused.stderr}`);
    assert.match(refused.stderr, /--acme-ca-file \/only-in-root\/pebble-tls\.pem does not exist/);
    assert.match(refused.stderr, /not read under --root/);
  } finally {
    await pebble?.stop();
  }
});

test('ca distribute --to and --node-json: the cookbook outside --root is written and edited as given, nothing at the same path under R', async () => {
  const ca = await tempRoot('lockstep-opfiles-ca-');
  try {
    await fs.mkdir(path.join(ca.root, 'etc/ssl'), { recursive: true });
    await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(ca.root, 'etc/ssl/openssl.cnf'));
    await fs.writeFile(o('ca.pass'), 'correct horse battery staple\n', { mode: 0o600 });
    const init = await lockstep(['--root', ca.root, '--yes', 'ca', 'init', '--passphrase-file', o('ca.pass'), '--country', 'US', '--org', 'Quoin, Inc.', '--key-type', 'ec-p384']);
    assert.equal(init.exitCode, 0, `${init.stdout}\n${init.stderr}`);
    await fs.mkdir(o('cookbook/files'), { recursive: true });
    await fs.writeFile(o('node.json'), JSON.stringify({ primero: { couchdb: { port: 6984 } } }, null, 2));
    const run = await lockstep(['--root', ca.root, '--yes', 'ca', 'distribute', '--to', o('cookbook/files/quoin_ca.crt'), '--node-json', o('node.json')]);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal(await fs.readFile(o('cookbook/files/quoin_ca.crt'), 'utf8'), await fs.readFile(path.join(ca.root, 'etc/pki/CA/certs/couch_ca.cert'), 'utf8'));
    assert.deepEqual(JSON.parse(await fs.readFile(o('node.json'), 'utf8')), { primero: { couchdb: { port: 6984, root_ca_cert_source: 'quoin_ca.crt' } } });
    await assert.rejects(fs.stat(path.join(ca.root, o('cookbook'))), 'nothing under --root at the cookbook\'s path');
  } finally {
    await ca.cleanup();
  }
});
