// The renewal window as data, `cert inspect`, and `renew` for certificates lockstep cannot
// renew by itself (a purchased one: a reminder and exit 1) or when nothing is due (exit 0).
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { isDue, renewAt } from '../../src/pki/renewal-window.js';
import { lockstep, tempRoot } from '../helpers.js';
import { makeVendorPki } from './pki.js';
import { row } from './renew-table.js';

const DAY = 86_400_000;

test('window: a third of the lifetime left, half for lifetimes under 10 days', () => {
  const t0 = Date.UTC(2027, 0, 1);
  for (const [lifetime, dueAtDaysLeft] of [[90, 30], [64, 64 / 3], [45, 15], [6, 3], [397, 397 / 3]] as const) {
    const end = t0 + lifetime * DAY;
    assert.equal(renewAt(t0, end), end - dueAtDaysLeft * DAY, `${lifetime}-day certificate`);
    assert.equal(isDue(t0, end, end - dueAtDaysLeft * DAY - 60_000), false, `${lifetime}: not a minute early`);
    assert.equal(isDue(t0, end, end - dueAtDaysLeft * DAY + 60_000), true, `${lifetime}: due just after`);
  }
});

async function certWithDays(root: string, name: string, method: string, days: number): Promise<void> {
  const live = path.join(root, 'etc/lockstep/live', name);
  await fs.mkdir(live, { recursive: true });
  await fs.mkdir(path.join(root, 'etc/lockstep/renewal'), { recursive: true });
  await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-config', '/dev/null', '-keyout', path.join(live, 'privkey.pem'), '-out', path.join(live, 'cert.pem'), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-days', String(days)]);
  await fs.writeFile(path.join(root, 'etc/lockstep/renewal', `${name}.json`), JSON.stringify({ method, command: `cert ${method}`, answers: { domain: [name] } }));
}

test('renew: nothing due exits 0; --force on a purchased certificate gives the reminder and exits 1', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const empty = await lockstep(['--root', root, 'renew', '--yes']);
    assert.equal(empty.exitCode, 0);
    assert.match(empty.stdout, /manages no certificates/);
    await certWithDays(root, 'vendor.example.com', 'purchased', 365);
    const quiet = await lockstep(['--root', root, 'renew', '--yes']);
    assert.equal(quiet.exitCode, 0, quiet.stderr);
    const listed = row(quiet.stdout, 'vendor.example.com');
    assert.match(`${listed.kind} | ${listed.days} | ${listed.due} | ${listed.what}`, /^purchased \| 36[45] of 365 \| no \| nothing now; renew from 20\d\d-\d\d-\d\d$/);
    const forced = await lockstep(['--root', root, 'renew', '--yes', '--force']);
    assert.equal(forced.exitCode, 1);
    assert.match(forced.stderr, /EXPIRY WARNING: vendor\.example\.com .*order it again from your vendor: lockstep --root \S+ cert purchased --domain vendor\.example\.com/);
    // --json: events, then one result document with every certificate.
    const json = await lockstep(['--root', root, '--json', 'renew']);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    const result = lines.at(-1) as { type: string; command: string; exitCode: number; certificates: { name: string; due: boolean; outcome: string }[] };
    assert.equal(result.type, 'result');
    assert.equal(result.command, 'renew');
    assert.equal(result.exitCode, json.exitCode);
    assert.deepEqual(result.certificates.map((c) => [c.name, c.due, c.outcome]), [['vendor.example.com', false, 'not-due']]);
    assert.equal(lines.filter((l) => l.type === 'result').length, 1);
    assert.ok(lines.some((l) => l.type === 'table'), 'the table is an event too');
  } finally {
    await cleanup();
  }
});

test('cert inspect: a file or --domain, text and --json; bad input exits 2', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    await certWithDays(root, 'site.example.net', 'letsencrypt', 6);
    const byDomain = await lockstep(['--root', root, 'cert', 'inspect', '--domain', 'site.example.net']);
    assert.equal(byDomain.exitCode, 0, byDomain.stderr);
    assert.match(byDomain.stdout, /names: +site\.example\.net/);
    assert.match(byDomain.stdout, /\(6 days, [56] left\)/);
    assert.match(byDomain.stdout, /renewal: +from /);
    const der = path.join(root, 'site.der');
    await execa('openssl', ['x509', '-in', path.join(root, 'etc/lockstep/live/site.example.net/cert.pem'), '-outform', 'DER', '-out', der]);
    const json = await lockstep(['--root', root, '--json', 'cert', 'inspect', der]);
    assert.equal(json.exitCode, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { certificates: { names: string[]; lifetimeDays: number }[] };
    assert.deepEqual(parsed.certificates[0]?.names, ['site.example.net']);
    assert.equal(parsed.certificates[0]?.lifetimeDays, 6);
    const none = await lockstep(['--root', root, 'cert', 'inspect', '--domain', 'missing.example.net']);
    assert.equal(none.exitCode, 2);
    assert.match(none.stderr, /--domain missing\.example\.net/);
    const neither = await lockstep(['--root', root, 'cert', 'inspect']);
    assert.equal(neither.exitCode, 2);
  } finally {
    await cleanup();
  }
});

test('renew lists private-CA host certificates; a due one gets the exact re-sign commands (the root key\'s passphrase is never stored)', async () => {
  const { root, cleanup } = await tempRoot();
  try {
    const pki = await makeVendorPki(path.join(root, 'test-ca'));
    const caDir = path.join(root, 'etc/pki/CA');
    const utc = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
    const index: string[] = [];
    for (const [host, daysAgo, daysLeft] of [['couch1.example.org', 28, 2], ['couch2.example.org', 2, 28]] as const) {
      const dir = path.join(caDir, 'hosts', host);
      await fs.mkdir(dir, { recursive: true });
      await execa('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-config', '/dev/null', '-keyout', path.join(dir, `${host}.key`), '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`, '-out', path.join(dir, `${host}.csr`)]);
      await pki.sign(path.join(dir, `${host}.csr`), path.join(dir, `${host}.crt`), { start: utc(Date.now() - daysAgo * DAY), end: utc(Date.now() + daysLeft * DAY) });
      const serial = (await execa('openssl', ['x509', '-in', path.join(dir, `${host}.crt`), '-noout', '-serial'])).stdout.replace('serial=', '');
      index.push(['V', utc(Date.now() + daysLeft * DAY).slice(2), '', serial, 'unknown', `/CN=${host}`].join('\t'));
    }
    await fs.writeFile(path.join(caDir, 'index.txt'), `${index.join('\n')}\n`);
    const run = await lockstep(['--root', root, 'renew', '--yes']);
    assert.equal(run.exitCode, 1, run.stdout);
    const [one, two] = [row(run.stdout, 'couch1.example.org'), row(run.stdout, 'couch2.example.org')];
    assert.match(`${one.kind} | ${one.days} | ${one.due}`, /^private CA \| [12] of 30 \| due$/);
    assert.match(one.what, /the CA's key needs its passphrase, which lockstep never stores: lockstep renew --passphrase-file FILE/);
    assert.match(`${two.days} | ${two.due} | ${two.what}`, /^2[78] of 30 \| no \| nothing now; renew from /);
    assert.match(run.stderr, /EXPIRY WARNING: couch1\.example\.org .*lockstep --root \S+ ca sign --host couch1\.example\.org --passphrase-file FILE --sign-again --yes && lockstep --root \S+ ca revoke --host couch1\.example\.org --passphrase-file FILE --older-only --reason superseded --yes/);
    assert.doesNotMatch(run.stderr, /couch2/);
  } finally {
    await cleanup();
  }
});
