// A private-CA certificate installed by onboard from a CA in another folder (/srv/ca): its
// renewal record names that CA, so renew finds its host files there without --ca-dir — the
// record, onboard's closing text and renew agree.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, lockstep, tempRoot } from '../helpers.js';
import { row } from './renew-table.js';

test('renew signs again with the CA the record names (no --ca-dir), revoking in that CA', async () => {
  const { root, cleanup } = await tempRoot('lockstep-renew-record-');
  const pass = `${root}.pass`;
  const answers = `${root}.json`;
  try {
    await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
    await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
    await fs.writeFile(pass, 'correct horse battery staple\n', { mode: 0o600 });
    await fs.writeFile(answers, JSON.stringify({
      steps: ['cert'],
      cert: { public: false, vendorRequired: false, method: 'private-ca' },
      'ca init': { caDir: '/srv/ca', passphraseFile: pass, keyType: 'ec-p384', country: 'US', org: 'Quoin, Inc.' },
      'ca sign': { host: ['couch.internal.example'] },
    }));
    const made = await lockstep(['--root', root, '--answers', answers, '--yes', 'onboard']);
    assert.equal(made.exitCode, 0, `${made.stdout}\n${made.stderr}`);
    const record = JSON.parse(await fs.readFile(path.join(root, 'etc/lockstep/renewal/couch.internal.example.json'), 'utf8')) as { method: string; answers: { caDir: string } };
    assert.deepEqual([record.method, record.answers.caDir], ['private-ca', '/srv/ca']);

    const renew = await lockstep(['--root', root, 'renew', '--dry-run', '--force', '--passphrase-file', pass]);
    assert.equal(renew.exitCode, 0, `${renew.stdout}\n${renew.stderr}`);
    const r = row(renew.stdout, 'couch.internal.example');
    assert.equal(r.kind, 'private CA');
    assert.match(r.what, /signed again by the private CA .* installed into live\/couch\.internal\.example\/, then the old one revoked \(superseded\)/);
    assert.match(renew.stdout, /Folder of the certificate authority: \/srv\/ca/);
    assert.match(renew.stdout, /openssl ca .*\/srv\/ca\/(config|lockstep-root)\.cnf/);
  } finally {
    await fs.rm(pass, { force: true });
    await fs.rm(answers, { force: true });
    await cleanup();
  }
});
