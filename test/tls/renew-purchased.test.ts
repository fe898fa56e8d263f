// `renew` on a due purchased certificate: cert purchased → a test vendor signs it with 1 of 4 days
// left → cert install; renew makes a fresh key + CSR (same names, organisation, key type), shows
// its fingerprint, reminds to order and install, exits 1, and leaves the live files alone; the
// next run shows the same waiting CSR; once the vendor's answer is installed, renew is quiet.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, snapshot, tempRoot } from '../helpers.js';
import { makeVendorPki } from './pki.js';
import { row } from './renew-table.js';

const NAME = 'shop.example.com';
const DAY = 86_400_000;
const utc = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

test('renew: a due purchased certificate gets a fresh key and CSR with its fingerprint and the order + install reminder; live/ stays', async () => {
  const { root, cleanup } = await tempRoot('lockstep-renew-vendor-');
  try {
    const run = (...args: string[]) => lockstep(['--root', root, ...args]);
    const pki = await makeVendorPki(path.join(root, 'vendor-ca'));
    await fs.mkdir(path.join(root, 'etc/ssl/certs'), { recursive: true });
    await fs.copyFile(pki.root, path.join(root, 'etc/ssl/certs/ca-certificates.crt'));
    const archive = path.join(root, 'etc/lockstep/archive', NAME);
    const made = await run('--yes', 'cert', 'purchased', '--domain', `${NAME},www.${NAME}`, '--org', 'Example Shop GmbH', '--country', 'DE', '--locality', 'Berlin', '--key-type', 'ec-p256');
    assert.equal(made.exitCode, 0, made.stderr);
    await pki.sign(path.join(archive, 'csr1.pem'), path.join(root, 'leaf1.pem'), { start: utc(Date.now() - 3 * DAY), end: utc(Date.now() + DAY) });
    const installed = await run('--yes', 'cert', 'install', '--domain', `${NAME},www.${NAME}`, '--cert', path.join(root, 'leaf1.pem'), '--chain', pki.intermediate, '--key', `/etc/lockstep/archive/${NAME}/privkey1.pem`);
    assert.equal(installed.exitCode, 0, `${installed.stdout}\n${installed.stderr}`);
    const live = path.join(root, 'etc/lockstep/live');
    const liveBefore = await snapshot(live);

    const due = await run('--yes', 'renew');
    assert.equal(due.exitCode, 1, 'a person has to order it');
    const listed = row(due.stdout, NAME);
    assert.match(`${listed.kind} | ${listed.days} | ${listed.due}`, /^purchased \| [01] of 4 \| due$/);
    assert.match(due.stdout, new RegExp(`== ${NAME.replace(/\./g, '\\.')}: a fresh key and CSR for your vendor ==`), "cert purchased's own step makes them");
    const csr = path.join(archive, 'csr2.pem');
    const text = (await execa('openssl', ['req', '-in', csr, '-noout', '-subject', '-text', '-verify'])).stdout;
    assert.match(text, /subject=C = DE, L = Berlin, O = Example Shop GmbH, CN = shop\.example\.com/);
    assert.match(text, /DNS:shop\.example\.com, DNS:www\.shop\.example\.com/);
    assert.match(text, /prime256v1/);
    assert.equal((await fs.stat(path.join(archive, 'privkey2.pem'))).mode & 0o777, 0o600);
    const der = (await execa('openssl', ['req', '-in', csr, '-outform', 'DER'], { encoding: 'buffer' })).stdout;
    const fp = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)?.join(':') ?? '';
    assert.match(due.stderr, /EXPIRY WARNING: shop\.example\.com .*order its successor from your vendor with the fresh key and CSR/);
    assert.ok(due.stderr.includes(`/etc/lockstep/archive/${NAME}/csr2.pem (SHA-256 ${fp})`), due.stderr);
    assert.match(due.stderr, /lockstep --root \S+ cert install --domain shop\.example\.com,www\.shop\.example\.com --cert THEIR-FILE/);
    assert.deepEqual(await snapshot(live), liveBefore, 'the live files stay until the new one is installed');

    const again = await run('--yes', 'renew');
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /CSR made earlier, still waiting for its certificate/);
    assert.ok(again.stderr.includes(fp), 'the same CSR, not a new one');
    await assert.rejects(fs.stat(path.join(archive, 'csr3.pem')));

    // The vendor answers; cert install takes the waiting key; renew is quiet.
    await pki.sign(csr, path.join(root, 'leaf2.pem'));
    const second = await run('--yes', 'cert', 'install', '--domain', `${NAME},www.${NAME}`, '--cert', path.join(root, 'leaf2.pem'), '--chain', pki.intermediate, '--key', `/etc/lockstep/archive/${NAME}/privkey2.pem`);
    assert.equal(second.exitCode, 0, `${second.stdout}\n${second.stderr}`);
    const quiet = await run('--yes', 'renew');
    assert.equal(quiet.exitCode, 0, quiet.stderr);
    const record = JSON.parse(await fs.readFile(path.join(root, 'etc/lockstep/renewal', `${NAME}.json`), 'utf8')) as { answers: { org?: string } };
    assert.equal(record.answers.org, 'Example Shop GmbH', 'the organisation survives cert install for the next order');
  } finally {
    await cleanup();
  }
});
