// The ca. and renew. checks on what lockstep's own steps made: `ca init` (its verification,
// caChecks, is what ca. reads) passes; a private/ opened to others and a CRL past its next
// update fail. `cert renew-timer --scheduler cron` passes renew.scheduled; its first run is
// still to come (warn, not fail).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lockstep, REPO, tempRoot } from '../helpers.js';
import { byId, checkJson } from './roots.js';

describe('lockstep check: the private CA and renewal', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let passFile: string;
  before(async () => {
    ({ root, cleanup } = await tempRoot('lockstep-check-ca-'));
    await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
    await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
    passFile = path.join(root, '..', `${path.basename(root)}.pass`);
    await fs.writeFile(passFile, 'correct horse battery staple\n', { mode: 0o600 });
  });
  after(async () => {
    await cleanup();
    await fs.rm(passFile, { force: true });
  });

  test('ca init → every ca. check passes; private/ 0755 fails; the seed\'s md5 in the CA\'s openssl.cnf fails', async () => {
    const none = await checkJson(root, ['--only', 'ca']);
    assert.deepEqual(none.doc.checks.map((c) => [c.id, c.status]), [['ca.present', 'skip']]);
    const init = await lockstep(['--root', root, 'ca', 'init', '--yes', '--passphrase-file', passFile, '--country', 'US', '--state', 'Massachusetts', '--locality', 'Boston', '--org', 'Quoin, Inc.', '--key-type', 'ec-p384']);
    assert.equal(init.exitCode, 0, `${init.stdout}\n${init.stderr}`);
    const crl = await lockstep(['--root', root, 'ca', 'crl', '--yes', '--passphrase-file', passFile]);
    assert.equal(crl.exitCode, 0, `${crl.stdout}\n${crl.stderr}`);
    const { doc, exitCode } = await checkJson(root, ['--only', 'ca']);
    assert.equal(exitCode, 0, JSON.stringify(doc.checks.filter((c) => c.status !== 'pass')));
    assert.deepEqual(doc.checks.map((c) => c.id), ['ca.private-dir', 'ca.key-mode', 'ca.key-encrypted', 'ca.root-validity', 'ca.digest', 'ca.crl', 'ca.index']);
    assert.ok(doc.checks.every((c) => c.status === 'pass'));
    assert.match(byId(doc, 'ca.digest').evidence, /default_md = (sha256|default)/);
    await fs.chmod(path.join(root, 'etc/pki/CA/private'), 0o755);
    const open = await checkJson(root, ['--only', 'ca.private-dir']);
    assert.deepEqual(open.doc.checks.map((c) => [c.id, c.status]), [['ca.private-dir', 'fail']]);
    assert.match(open.doc.checks[0]!.evidence, /mode 0755/);
    await fs.chmod(path.join(root, 'etc/pki/CA/private'), 0o700);
    const cnf = path.join(root, 'etc/pki/CA/openssl.cnf');
    const text = await fs.readFile(cnf, 'utf8');
    await fs.writeFile(cnf, text.replace(/^(\s*default_md\s*=\s*)\S+/gm, '$1md5'));
    const md5 = await checkJson(root, ['--only', 'ca.digest']);
    assert.equal(md5.doc.checks[0]?.status, 'fail');
    assert.match(md5.doc.checks[0]!.evidence, /openssl\.cnf:\d+ \[.*\] default_md/);
    await fs.writeFile(cnf, text);
  });

  test('renew: no timer with a certificate to renew fails; the cron file passes, its first run is a warn', async () => {
    const made = await lockstep(['--root', root, 'cert', 'self-signed', '--host', 'renew.example.org', '--yes']);
    assert.equal(made.exitCode, 0, String(made.stderr));
    const before = await checkJson(root, ['--only', 'renew']);
    assert.equal(byId(before.doc, 'renew.scheduled').status, 'fail');
    const timer = await lockstep(['--root', root, 'cert', 'renew-timer', '--scheduler', 'cron', '--yes']);
    assert.equal(timer.exitCode, 0, `${timer.stdout}\n${timer.stderr}`);
    const { doc } = await checkJson(root, ['--only', 'renew']);
    assert.equal(byId(doc, 'renew.scheduled').status, 'pass', byId(doc, 'renew.scheduled').evidence);
    assert.match(byId(doc, 'renew.scheduled').evidence, /cron\.d\/lockstep-renew: .*renew --yes/);
    assert.equal(byId(doc, 'renew.last-run').status, 'warn');
  });
});
