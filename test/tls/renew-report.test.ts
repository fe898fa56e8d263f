// The expiry report: due certificates renew could not renew (one needs a person, one's renewal
// fails) are written to /var/log/lockstep/expiry-report.log and mailed through an SMTP sink the
// test starts on loopback; a certificate that is not due is not in it; an unreachable mail
// server is reported without hiding the warning; bad --mail / --smtp are bad usage.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { lockstep, tempRoot } from '../helpers.js';
import { freePort } from '../e2e/nginx.js';
import { makeVendorPki, type VendorPki } from './pki.js';
import { startSmtpSink } from './smtp-sink.js';
import { row } from './renew-table.js';

const DAY = 86_400_000;
const utc = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

async function dated(root: string, pki: VendorPki, name: string, record: object, daysAgo: number, daysLeft: number): Promise<void> {
  const live = path.join(root, 'etc/lockstep/live', name);
  await fs.mkdir(live, { recursive: true });
  await fs.mkdir(path.join(root, 'etc/lockstep/renewal'), { recursive: true });
  const csr = path.join(root, `${name}.csr`);
  await execa('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-config', '/dev/null', '-keyout', path.join(live, 'privkey.pem'), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-out', csr]);
  await pki.sign(csr, path.join(live, 'cert.pem'), { start: utc(Date.now() - daysAgo * DAY), end: utc(Date.now() + daysLeft * DAY) });
  await fs.writeFile(path.join(root, 'etc/lockstep/renewal', `${name}.json`), JSON.stringify(record));
}

test('renew: the expiry report goes to the log and, with --mail, through the SMTP server on loopback', async () => {
  const { root, cleanup } = await tempRoot('lockstep-report-');
  const sink = await startSmtpSink();
  try {
    const pki = await makeVendorPki(path.join(root, 'vendor-ca'));
    await dated(root, pki, 'vendor.example.com', { method: 'purchased', command: 'cert purchased', answers: { domain: ['vendor.example.com'] } }, 80, 10);
    await dated(root, pki, 'plain.example.net', { method: 'self-signed', command: 'cert self-signed', answers: {} }, 25, 5);
    await dated(root, pki, 'fine.example.org', { method: 'purchased', command: 'cert purchased', answers: { domain: ['fine.example.org'] } }, 1, 89);

    // The report and the mail are actions of the closing step's plan: a dry run shows them, sends nothing.
    const dry = await lockstep(['--root', root, '--dry-run', 'renew', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`]);
    assert.equal(dry.exitCode, 1, dry.stdout);
    assert.match(dry.stdout, /Add the expiry report to \/var\/log\/lockstep\/expiry-report\.log/);
    assert.match(dry.stdout, new RegExp(`Mail the expiry report to ops@example\\.org through 127\\.0\\.0\\.1:${sink.port}\\n +\\$ \\S+node \\S+lockstep\\.js internal mail --to ops@example\\.org --smtp 127\\.0\\.0\\.1:${sink.port} --subject `));
    assert.equal(sink.messages.length, 0, 'a dry run mails nothing');
    await assert.rejects(fs.stat(path.join(root, 'var/log/lockstep/expiry-report.log')));

    const run = await lockstep(['--root', root, '--yes', 'renew', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${sink.port}`]);
    assert.equal(run.exitCode, 1, run.stdout);
    assert.match(run.stdout, new RegExp(`Expiry report mailed to ops@example\\.org through 127\\.0\\.0\\.1:${sink.port}`));
    assert.equal(sink.messages.length, 1);
    const mail = sink.messages[0];
    assert.deepEqual(mail?.to, ['ops@example.org']);
    assert.match(mail?.from ?? '', /^lockstep@/);
    const data = mail?.data ?? '';
    assert.match(data, /^To: ops@example\.org$/m);
    assert.match(data, /^Subject: lockstep on .+: 2 certificate\(s\) expiring and not renewed$/m);
    assert.match(data, /^\* vendor\.example\.com \(purchased\): expires 20\d\d-.*, in (9|10) days$/m);
    assert.match(data, /needs you: .*order it again from your vendor: lockstep cert purchased --domain vendor\.example\.com --org/);
    assert.match(data, /^\* plain\.example\.net \(self-signed\): expires .*, in [45] days$/m);
    // One table of every certificate (the one renew prints), then what each due one needs.
    assert.match(data, /^certificate +kind +days left +due +what was done$/m);
    assert.match(data, /^fine\.example\.org +purchased +(88|89) of 90 +no +nothing now; renew from /m);
    assert.doesNotMatch(data, /^\* fine\.example\.org/m, 'not due, not reported');
    assert.equal(row(run.stdout, 'vendor.example.com', 'Renewal').due, 'due');
    const log = await fs.readFile(path.join(root, 'var/log/lockstep/expiry-report.log'), 'utf8');
    assert.match(log, /^== lockstep on .+: 2 certificate\(s\) expiring and not renewed$/m);
    assert.match(log, /\* vendor\.example\.com \(purchased\)/);
    assert.equal((await fs.stat(path.join(root, 'var/log/lockstep/expiry-report.log'))).mode & 0o777, 0o600);

    // Nobody listens: the warning and the log still happen, the mail failure is said.
    const closed = await freePort();
    const down = await lockstep(['--root', root, '--yes', 'renew', '--mail', 'ops@example.org', '--smtp', `127.0.0.1:${closed}`]);
    assert.equal(down.exitCode, 1);
    assert.match(down.stderr, /EXPIRY WARNING: vendor\.example\.com/);
    assert.match(down.stderr, new RegExp(`expiry report could not be written or mailed to ops@example\\.org through 127\\.0\\.0\\.1:${closed}: .*ECONNREFUSED`));
    assert.match(down.stdout, /✗ Keep the expiry report/, 'the closing stage says it failed');
    assert.equal((await fs.readFile(path.join(root, 'var/log/lockstep/expiry-report.log'), 'utf8')).match(/^== /gm)?.length, 2);

    for (const bad of [['--mail', 'not-an-address'], ['--mail', 'a@b.c', '--smtp', 'host:99999']]) {
      const r = await lockstep(['--root', root, '--yes', 'renew', ...bad]);
      assert.equal(r.exitCode, 2, `${bad.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(bad[bad.length - 2] ?? ''));
    }
    assert.equal(sink.messages.length, 1);
  } finally {
    await sink.stop();
    await cleanup();
  }
});
