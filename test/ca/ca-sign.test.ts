// ca sign and ca revoke through the built CLI with the real openssl, under a temporary --root:
// a host that already has its certificate (left alone and verified as such, or --reissue'd,
// also across a kill and `lockstep resume`), a moved CA (config.cnf's dir follows --ca-dir, the
// old folder's database untouched), config.cnf free of the --root path, --san per host, a
// wildcard host's folder, and ca revoke's resume when the revocation is already there.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lockstep, snapshot, waitFor } from '../helpers.js';
import { groupMembers, journalRecords, killTree, requireBuiltCli } from '../core/process-tree.js';
import { CA, filesUnder, initCa, ok, readIndex, sandbox, signArgs, verifyAll, type Sandbox } from '../e2e/ca-robust-helpers.js';

const cert = async (file: string): Promise<X509Certificate> => new X509Certificate(await fs.readFile(file));

/** Runs lockstep in its own process group; SIGKILLs the group when `armed` fires. */
async function killedWhen(args: readonly string[], armed: (kill: () => void) => () => void): Promise<string | undefined> {
  const cli = lockstep(args, { detached: true });
  const pid = cli.pid!;
  let over = false;
  const disarm = armed(() => {
    if (!over) killTree(pid);
  });
  try {
    const r = await cli;
    return r.signal ?? undefined;
  } finally {
    over = true;
    disarm();
    await waitFor(() => groupMembers(pid).every((p) => { try { return fsSync.readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z'); } catch { return true; } }), `group ${pid} gone`);
  }
}

describe('ca sign of hosts that already have a certificate', () => {
  let box: Sandbox;
  let caDir: string;
  before(async () => {
    requireBuiltCli();
    box = await sandbox();
    caDir = box.real(CA);
    await initCa(box);
    ok(await lockstep(signArgs(box, ['old.example.org'], ['--key-type', 'rsa2048'])), 'the first ca sign');
  });
  after(async () => box?.cleanup());

  test('config.cnf names the CA folder as on the server, never the --root path', async () => {
    const cnf = await fs.readFile(path.join(caDir, 'config.cnf'), 'utf8');
    assert.match(cnf, /^dir\s+= \/etc\/pki\/CA$/m);
    for (const file of ['config.cnf', 'openssl.cnf']) assert.ok(!(await fs.readFile(path.join(caDir, file), 'utf8')).includes(box.root), `${file} holds the --root path`);
  });

  test('another key type and lifetime: the old host is left alone and verified as it is; the new one as asked; exit 0', async () => {
    const before = await fs.readFile(path.join(caDir, 'hosts/old.example.org/old.example.org.crt'), 'utf8');
    const r = await lockstep(signArgs(box, ['new.example.org', 'old.example.org'], ['--key-type', 'ec-p256', '--days', '90']));
    ok(r, 'ca sign new + old');
    assert.match(r.stdout, /old\.example\.org already has its certificate from this CA, which differs from what is asked \(.*key type fails: rsa 2048.*\): left as it is.*--reissue signs it again/);
    assert.match(r.stdout, /✓ old\.example\.org: key matches certificate \(left as it was\)/);
    assert.doesNotMatch(r.stdout, /✓ old\.example\.org: key type/);
    assert.match(r.stdout, /✓ new\.example\.org: key type as requested — ec prime256v1/);
    assert.match(r.stdout, /\[#{20}\] 1\/1 hosts signed/);
    assert.equal(await fs.readFile(path.join(caDir, 'hosts/old.example.org/old.example.org.crt'), 'utf8'), before);
    const c = await cert(path.join(caDir, 'hosts/new.example.org/new.example.org.crt'));
    assert.equal(Math.round((Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000), 90);
  });

  test('--reissue, killed during the revocation of the old certificate: lockstep resume finishes, the old one revoked once and a CRL lists it', async (t) => {
    const oldSerial = (await cert(path.join(caDir, 'hosts/old.example.org/old.example.org.crt'))).serialNumber.replace(/^0+/, '');
    const args = signArgs(box, ['new.example.org', 'old.example.org'], ['--key-type', 'ec-p256', '--days', '90', '--reissue']);
    // The revocation is the first openssl ca of the plan: its first rename of index.txt.
    const signal = await killedWhen(args, (kill) => {
      const watcher = fsSync.watch(caDir, (_e, name) => name === 'index.txt' && kill());
      return () => watcher.close();
    });
    t.diagnostic(`ca sign --reissue ended by ${signal ?? 'itself'}`);
    const r = await lockstep(['--root', box.root, 'resume', '--yes', '--passphrase-file', box.passFile]);
    ok(r, 'lockstep resume');
    assert.doesNotMatch(r.stdout, /✗/);
    const index = await readIndex(caDir);
    assert.deepEqual(index.filter((l) => l.subject === '/CN=old.example.org').map((l) => l.status), ['R', 'V']);
    assert.equal(index.find((l) => l.status === 'R')?.serial, oldSerial);
    const now = await cert(path.join(caDir, 'hosts/old.example.org/old.example.org.crt'));
    assert.equal(now.publicKey.asymmetricKeyType, 'ec');
    const crl = (await execa('openssl', ['crl', '-in', path.join(caDir, 'crl/couch_ca.crl'), '-noout', '-text'])).stdout;
    assert.match(crl, new RegExp(`Serial Number: ${oldSerial}`));
    await verifyAll(path.join(caDir, 'certs/couch_ca.cert'), ['new', 'old'].map((h) => path.join(caDir, `hosts/${h}.example.org/${h}.example.org.crt`)));
    // Asked again: both are as asked now, nothing is signed.
    const again = await lockstep(args);
    ok(again, 'ca sign --reissue again');
    assert.match(again.stdout, /The plan \(0 actions/);
  });
});

describe('a moved or copied CA, --san per host, wildcard hosts, ca revoke twice', () => {
  let box: Sandbox;
  before(async () => {
    requireBuiltCli();
    box = await sandbox();
    await initCa(box);
    ok(await lockstep(signArgs(box, ['a.example.org'])), 'ca sign before the copy');
  });
  after(async () => box?.cleanup());

  test('a copy in another folder: config.cnf is set to --ca-dir (shown first), openssl writes only the new database', async () => {
    await fs.cp(box.real(CA), box.real('/srv/ca2'), { recursive: true });
    const old = await snapshot(box.real(CA));
    const r = await lockstep(signArgs(box, ['b.example.org'], ['--ca-dir', '/srv/ca2']));
    ok(r, 'ca sign --ca-dir /srv/ca2');
    assert.match(r.stdout, /config\.cnf: dir = \/srv\/ca2 \(it names \/etc\/pki\/CA \(the CA was moved or copied\)\)/);
    assert.match(r.stdout, /-dir\s+= \/etc\/pki\/CA\n\s+\+dir\s+= \/srv\/ca2/);
    assert.deepEqual(await snapshot(box.real(CA)), old, 'the old CA folder changed');
    assert.deepEqual((await readIndex(box.real('/srv/ca2'))).map((l) => l.subject), ['/CN=a.example.org', '/CN=b.example.org']);
    assert.match(await fs.readFile(box.real('/srv/ca2/config.cnf'), 'utf8'), /^dir\s+= \/srv\/ca2$/m);
  });

  test('a config.cnf path outside the CA folder is refused (exit 2), naming the key', async () => {
    const file = box.real('/srv/ca2/config.cnf');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace(/^database\s+=.*$/m, 'database         = /etc/pki/CA/index.txt'));
    const before = await snapshot(box.real('/srv'));
    const r = await lockstep(signArgs(box, ['c.example.org'], ['--ca-dir', '/srv/ca2']));
    assert.equal(r.exitCode, 2, r.stdout + r.stderr);
    assert.match(r.stderr + r.stdout, /database = \/etc\/pki\/CA\/index\.txt is outside the CA folder \/srv\/ca2/);
    assert.deepEqual(await snapshot(box.real('/srv')), before);
    await fs.writeFile(file, text);
  });

  test('--san HOST=…: each host its own names; a bare --san with two hosts is exit 2 saying how; with one host it still works', async () => {
    const bare = await lockstep(signArgs(box, ['s1.example.org', 's2.example.org'], ['--san', 'IP:10.0.0.1']));
    assert.equal(bare.exitCode, 2);
    assert.match(bare.stderr + bare.stdout, /--san IP:10\.0\.0\.1 names no host, and 2 hosts are signed: say whose, e\.g\. --san s1\.example\.org=IP:10\.0\.0\.1/);
    ok(await lockstep(signArgs(box, ['s1.example.org', 's2.example.org'], ['--san', 's1.example.org=IP:10.0.0.1,DNS:one.example.org', '--san', 's2.example.org=IP:10.0.0.2'])), 'per-host --san');
    const s1 = await cert(box.real(`${CA}/hosts/s1.example.org/s1.example.org.crt`));
    const s2 = await cert(box.real(`${CA}/hosts/s2.example.org/s2.example.org.crt`));
    assert.equal(s1.subjectAltName, 'DNS:s1.example.org, IP Address:10.0.0.1, DNS:one.example.org');
    assert.equal(s2.subjectAltName, 'DNS:s2.example.org, IP Address:10.0.0.2');
    ok(await lockstep(signArgs(box, ['s3.example.org'], ['--san', 'IP:10.0.0.3'])), 'one host, bare --san');
    assert.equal((await cert(box.real(`${CA}/hosts/s3.example.org/s3.example.org.crt`))).subjectAltName, 'DNS:s3.example.org, IP Address:10.0.0.3');
    const unknown = await lockstep(signArgs(box, ['s4.example.org'], ['--san', 'other.example.org=IP:10.0.0.4']));
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr + unknown.stdout, /"other\.example\.org" is not one of the --host names \(s4\.example\.org\)/);
  });

  test('*.example.org is signed into hosts/_wildcard.example.org/ (as --help says), and a client accepts it for a name it covers', async () => {
    const help = await lockstep(['ca', 'sign', '--help']);
    assert.match(help.stdout.replace(/\s+/g, ' '), /a wildcard \*\.example\.org in hosts\/_wildcard\.example\.org\/ \(a \* in a path is a glob/);
    ok(await lockstep(signArgs(box, ['*.example.org'])), 'ca sign of a wildcard');
    const dir = box.real(`${CA}/hosts/_wildcard.example.org`);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['_wildcard.example.org.crt', '_wildcard.example.org.csr', '_wildcard.example.org.ext', '_wildcard.example.org.key', 'couch_ca.crt']);
    assert.ok(!(await filesUnder(box.real(CA))).some((f) => f.includes('*')), 'a file name with a *');
    const r = await execa('openssl', ['verify', '-CAfile', box.real(`${CA}/certs/couch_ca.cert`), '-verify_hostname', 'couch9.example.org', path.join(dir, '_wildcard.example.org.crt')], { reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
  });

  test('--p12: one .p12 per host (0600) that openssl pkcs12 opens with the password: the host key, its certificate and the root; the password in no file', async () => {
    const p12pass = `p12-${Date.now().toString(36)}-secret`;
    const p12File = `${box.root}.p12pass`;
    await fs.writeFile(p12File, `${p12pass}\n`, { mode: 0o600 });
    try {
      const r = await lockstep(signArgs(box, ['p1.example.org', 'p2.example.org'], ['--key-type', 'ec-p256', '--p12', '--p12-password-file', p12File]));
      ok(r, 'ca sign --p12');
      assert.match(r.stdout, /openssl pkcs12 -export -inkey \S+p1\.example\.org\.key .* -passout fd:3 3<\(secret: p12Password\)/);
      // The preview shows the root copy's diff once; the second host's names the first.
      assert.match(r.stdout, /p2\.example\.org: root certificate for clients\n\s+new file, mode 0644\n\s+content: the same \d+ lines as \d+\. above \(\S+\/hosts\/p1\.example\.org\/couch_ca\.crt\)/);
      for (const h of ['p1.example.org', 'p2.example.org']) {
        const file = box.real(`${CA}/hosts/${h}/${h}.p12`);
        assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
        const out = (await execa('openssl', ['pkcs12', '-in', file, '-noenc', '-passin', `file:${p12File}`])).stdout;
        const certs = [...out.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]));
        assert.equal(certs.length, 2);
        assert.equal(certs[0]!.subject, `CN=${h}`);
        assert.equal(certs[1]!.fingerprint256, (await cert(box.real(`${CA}/certs/couch_ca.cert`))).fingerprint256);
        const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(out)![0];
        assert.equal(key.replace(/\n/g, ''), (await fs.readFile(box.real(`${CA}/hosts/${h}/${h}.key`), 'utf8')).trim().replace(/\n/g, ''));
        const wrong = await execa('openssl', ['pkcs12', '-in', file, '-noout', '-passin', 'pass:wrong'], { reject: false });
        assert.notEqual(wrong.exitCode, 0, 'a wrong password opens it');
      }
      for (const f of await filesUnder(box.root)) assert.ok(!(await fs.readFile(f, 'latin1')).includes(p12pass), `${f} holds the .p12 password`);
    } finally {
      await fs.rm(p12File, { force: true });
    }
  });

  test('ca revoke killed after openssl revoked: resume publishes the CRL ("already revoked" is done, not a failure); a second revoke too', async () => {
    const args = ['--root', box.root, 'ca', 'revoke', '--yes', '--passphrase-file', box.passFile, '--host', 'a.example.org', '--reason', 'keyCompromise'];
    const caDir = box.real(CA);
    // Killed the moment openssl ca -revoke has put its new index.txt in place.
    await killedWhen(args, (kill) => {
      const watcher = fsSync.watch(caDir, () => {
        let index = '';
        try {
          index = fsSync.readFileSync(path.join(caDir, 'index.txt'), 'utf8');
        } catch {
          return; // between openssl's renames
        }
        if (index.startsWith('R')) kill();
      });
      return () => watcher.close();
    });
    const runs = (await journalRecords(box.root)).filter((r) => r.t === 'run-start').length;
    const r = await lockstep(['--root', box.root, 'resume', '--yes', '--passphrase-file', box.passFile]);
    ok(r, 'resume of ca revoke');
    assert.match(r.stdout, /is already revoked .*nothing to revoke; the CRL is published again/);
    assert.ok((await journalRecords(box.root)).filter((x) => x.t === 'run-start').length >= runs);
    const crl = (await execa('openssl', ['crl', '-in', path.join(caDir, 'crl/couch_ca.crl'), '-noout', '-text'])).stdout;
    assert.match(crl, /Key Compromise/);
    const again = await lockstep(args);
    ok(again, 'a second ca revoke');
    assert.match(again.stdout, /already revoked/);
    assert.deepEqual((await readIndex(caDir)).filter((l) => l.subject === '/CN=a.example.org').map((l) => l.status), ['R']);
  });
});
