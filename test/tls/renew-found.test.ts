// Certificates nginx serves that lockstep does not manage are listed by renew with their days
// left, so one about to expire is warned about (exit 1, the expiry report) though lockstep
// cannot renew it; one of lockstep's own, named by its site file, is not listed twice.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { certificatePaths } from '../../src/tls/found-in-nginx.js';
import { lockstep, tempRoot } from '../helpers.js';
import { makeVendorPki } from './pki.js';
import { row } from './renew-table.js';

const utc = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
const DAY = 86_400_000;

test('ssl_certificate lines: the certificate, not the key; comments and quotes handled', () => {
  const text = [
    'server {',
    '    ssl_certificate /etc/legacy/fullchain.pem;',
    '    ssl_certificate_key /etc/legacy/privkey.pem;',
    '    # ssl_certificate /etc/old/cert.pem;',
    '    ssl_certificate "/etc/quoted/cert.pem"; # the new one',
    '}',
  ].join('\n');
  assert.deepEqual(certificatePaths(text), ['/etc/legacy/fullchain.pem', '/etc/quoted/cert.pem']);
});

test('renew lists what nginx serves outside lockstep: due → EXPIRY WARNING, report, exit 1; not due → listed, exit 0', async () => {
  const { root, cleanup } = await tempRoot('lockstep-found-');
  try {
    const pki = await makeVendorPki(path.join(root, 'vendor'));
    const dir = path.join(root, 'etc/legacy');
    await fs.mkdir(dir, { recursive: true });
    await execa('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path.join(dir, 'privkey.pem')]);
    await execa('openssl', ['req', '-new', '-config', '/dev/null', '-key', path.join(dir, 'privkey.pem'), '-subj', '/CN=legacy.example.org', '-addext', 'subjectAltName=DNS:legacy.example.org', '-out', path.join(dir, 'req.csr')]);
    await pki.sign(path.join(dir, 'req.csr'), path.join(dir, 'fullchain.pem'), { start: utc(Date.now() - 28 * DAY), end: utc(Date.now() + 2 * DAY) });
    await fs.mkdir(path.join(root, 'etc/nginx/conf.d'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/nginx/conf.d/legacy.conf'), 'server {\n  listen 443 ssl;\n  ssl_certificate /etc/legacy/fullchain.pem;\n  ssl_certificate_key /etc/legacy/privkey.pem;\n}\n');

    const due = await lockstep(['--root', root, 'renew', '--yes']);
    assert.equal(due.exitCode, 1, `${due.stdout}\n${due.stderr}`);
    const listed = row(due.stdout, 'legacy.example.org');
    assert.deepEqual([listed.kind, listed.days, listed.due], ['found in nginx', '1 of 30', 'due']);
    assert.match(listed.what, /it is not managed by lockstep \(nginx serves it from \/etc\/legacy\/fullchain\.pem, named in \/etc\/nginx\/conf\.d\/legacy\.conf\)/);
    assert.match(row(due.stdout, 'legacy.example.org', 'Renewal').what, /^needs you: it is not managed by lockstep/);
    assert.match(due.stderr, /EXPIRY WARNING: legacy\.example\.org expires .*: .*it is not managed by lockstep \(nginx serves it from \/etc\/legacy\/fullchain\.pem, named in \/etc\/nginx\/conf\.d\/legacy\.conf\)/);
    assert.match(await fs.readFile(path.join(root, 'var/log/lockstep/expiry-report.log'), 'utf8'), /legacy\.example\.org/);

    await pki.sign(path.join(dir, 'req.csr'), path.join(dir, 'fullchain.pem'), { start: utc(Date.now() - DAY), end: utc(Date.now() + 29 * DAY) });
    const fine = await lockstep(['--root', root, 'renew', '--yes']);
    assert.equal(fine.exitCode, 0, `${fine.stdout}\n${fine.stderr}`);
    const later = row(fine.stdout, 'legacy.example.org');
    assert.deepEqual([later.days, later.due], ['28 of 30', 'no']);
    assert.match(later.what, /^nothing now; renew from 20\d\d-\d\d-\d\d; then it is not managed by lockstep/);
    assert.doesNotMatch(fine.stderr, /EXPIRY WARNING/);
  } finally {
    await cleanup();
  }
});
