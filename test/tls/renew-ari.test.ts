// `lockstep renew` with ACME Renewal Information (RFC 9773), against real Pebble on loopback:
// Debian trixie's pebble 2.6 (ARI at /draft-ietf-acme-ari-03/renewalInfo/, unpacked by .ci/run)
// and bookworm's 2.4 (no ARI). Pebble 2.6 suggests, for a certificate it knows, a two-day window
// centred two thirds through its lifetime; for a revoked one, a window that began an hour ago and
// ended half an hour ago — which is how a CA asks for an early renewal, and what test 2 relies on.
import * as acme from 'acme-client';
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { accountKeyPath } from '../../src/tls/live-layout.js';
import { lockstep, snapshot, tempRoot } from '../helpers.js';
import { requirePebbleAri, startPebble, type RunningPebble } from './pebble.js';
import { row } from './renew-table.js';

let sandbox: { root: string; cleanup: () => Promise<void> };
let pebble: RunningPebble;
const CA_FILE = '/etc/lockstep-test/pebble-tls.pem';
const NAME = 'ari.example.org';

before(async () => {
  sandbox = await tempRoot('lockstep-ari-');
  pebble = await startPebble(path.join(sandbox.root, 'pebble'), path.join(sandbox.root, CA_FILE), { bin: requirePebbleAri() });
});
after(async () => {
  await pebble?.stop();
  await sandbox?.cleanup();
});

const under = (p: string): string => path.join(sandbox.root, p);
const issue = (server: RunningPebble, name: string, caFile: string) =>
  lockstep([
    '--root', sandbox.root, '--yes', 'cert', 'letsencrypt', '--domain', name, '--email', 'ops@example.org', '--agree-tos',
    '--acme-directory', server.directory, '--acme-ca-file', caFile, '--http-01-port', String(server.httpPort),
  ]);
const livePem = (name: string): Promise<string> => fs.readFile(under(`etc/lockstep/live/${name}/cert.pem`), 'utf8');

/** The certificate ID as openssl prints its parts: an independent check of lockstep's DER reading. */
async function opensslCertId(name: string): Promise<string> {
  const r = await execa('openssl', ['x509', '-in', under(`etc/lockstep/live/${name}/cert.pem`), '-noout', '-serial', '-ext', 'authorityKeyIdentifier']);
  const aki = /(?:keyid:)?((?:[0-9A-F]{2}:)+[0-9A-F]{2})\s*$/m.exec(r.stdout)?.[1]?.replace(/:/g, '') ?? '';
  let serial = /serial=([0-9A-F]+)/.exec(r.stdout)?.[1] ?? '';
  if (serial.length % 2 === 1) serial = `0${serial}`;
  if (Number.parseInt(serial[0] ?? '0', 16) >= 8) serial = `00${serial}`;
  return `${Buffer.from(aki, 'hex').toString('base64url')}.${Buffer.from(serial, 'hex').toString('base64url')}`;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('a fresh certificate: renew shows the ARI window Pebble suggests and renews nothing; cert inspect shows the same', async () => {
  const run = await issue(pebble, NAME, pebble.tlsCaFile);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  const cert = new X509Certificate(await livePem(NAME));
  const [from, to] = [Date.parse(cert.validFrom), Date.parse(cert.validTo)];
  // Pebble 2.6 (core.RenewalInfoSimple): two thirds through the lifetime (counted with the
  // last second), one day either side.
  const ideal = to - (to + 1000 - from) / 3;
  const [start, end] = [iso(ideal - 86_400_000), iso(ideal + 86_400_000)];
  const archive = await fs.readdir(under(`etc/lockstep/archive/${NAME}`));

  const renew = await lockstep(['--root', sandbox.root, '--yes', 'renew']);
  assert.equal(renew.exitCode, 0, `${renew.stdout}\n${renew.stderr}`);
  const listed = row(renew.stdout, NAME);
  assert.match(`${listed.kind} | ${listed.days} | ${listed.due} | ${listed.what}`, /^ACME \| 18[0-9]{2} of 18[0-9]{2} \| no \| nothing now; renew from 20[0-9-]+$/);
  assert.ok(renew.stdout.includes(`note: ${NAME}: ARI: suggested window ${start} – ${end}; not due: ARI window opens ${start}, renew at `), renew.stdout);
  assert.doesNotMatch(renew.stdout, /not used/);
  assert.deepEqual(await fs.readdir(under(`etc/lockstep/archive/${NAME}`)), archive, 'nothing was ordered');

  // RFC 9773 §4.3: the answer is kept until its Retry-After (Pebble: 6 hours), as an action of the
  // closing stage; the next run does not ask the CA (here it could not: the directory is closed).
  const kept = JSON.parse(await fs.readFile(under(`var/lib/lockstep/ari/${NAME}.json`), 'utf8')) as { certId: string; start: string; end: string; renewAt: string; retryAfter: string };
  assert.equal(kept.certId, await opensslCertId(NAME));
  assert.deepEqual([kept.start, kept.end], [start, end]);
  assert.ok(Date.parse(kept.retryAfter) > Date.now() + 5 * 3_600_000, kept.retryAfter);
  assert.match(renew.stdout, /Keep the ACME server's renewal information for ari\.example\.org until /);
  const recordFile = under(`etc/lockstep/renewal/${NAME}.json`);
  const record = await fs.readFile(recordFile, 'utf8');
  await fs.writeFile(recordFile, record.replace(pebble.directory, 'https://127.0.0.1:9/dir'));
  const again = await lockstep(['--root', sandbox.root, '--yes', 'renew']);
  await fs.writeFile(recordFile, record);
  assert.equal(again.exitCode, 0, again.stderr);
  assert.ok(again.stdout.includes(`ARI: suggested window ${start} – ${end}; not due: ARI window opens ${start}, renew at ${kept.renewAt} (the CA's answer kept until ${kept.retryAfter}, as its Retry-After asks)`), again.stdout);

  // A timer whose next run comes after the window's random moment renews now (§4.2): as if the
  // moment were an hour away, with the cron line (every 12 hours) installed. A dry run shows it.
  await fs.writeFile(under(`var/lib/lockstep/ari/${NAME}.json`), JSON.stringify({ ...kept, start: iso(Date.now() - 3_600_000), end: iso(Date.now() + 86_400_000), renewAt: iso(Date.now() + 3_600_000) }));
  await fs.mkdir(under('etc/cron.d'), { recursive: true });
  await fs.writeFile(under('etc/cron.d/lockstep-renew'), '# test\n');
  const soon = await lockstep(['--root', sandbox.root, '--dry-run', 'renew']);
  assert.equal(soon.exitCode, 0, `${soon.stdout}\n${soon.stderr}`);
  assert.equal(row(soon.stdout, NAME).due, 'due (ARI)');
  assert.match(soon.stdout, /its random moment \S+ comes before the next scheduled run \(\/etc\/cron\.d\/lockstep-renew, by \S+\): renew now/);
  await fs.rm(under('etc/cron.d'), { recursive: true });
  await fs.writeFile(under(`var/lib/lockstep/ari/${NAME}.json`), JSON.stringify(kept));

  const json = await lockstep(['--root', sandbox.root, '--json', 'cert', 'inspect', '--domain', NAME]);
  assert.equal(json.exitCode, 0, json.stderr);
  const leaf = (JSON.parse(json.stdout) as { certificates: { due: boolean; ari?: { certId: string; window: { start: string; end: string }; renewAt: string; retryAfter?: string; due: boolean } }[] }).certificates[0];
  assert.equal(leaf?.ari?.certId, await opensslCertId(NAME));
  assert.deepEqual(leaf?.ari?.window, { start, end });
  assert.ok(leaf.ari.renewAt >= start && leaf.ari.renewAt <= end, leaf.ari.renewAt);
  assert.ok(leaf.ari.retryAfter !== undefined, 'Pebble sends Retry-After (6 hours)');
  assert.equal(leaf.due, false);
  const text = await lockstep(['--root', sandbox.root, 'cert', 'inspect', '--domain', NAME]);
  assert.match(text.stdout, /renewal: +from 20[0-9-]+ \(lifetime window/);
  assert.ok(text.stdout.includes(`  ARI:      suggested window ${start} – ${end}; not due:`), text.stdout);
});

test('revoked at Pebble: the ARI window moves into the past, and renew --yes renews although the lifetime window is years away', async () => {
  const before = await livePem(NAME);
  const certId = await opensslCertId(NAME);
  // Revoked the way an operator (or the CA) would: with the account key lockstep made.
  acme.axios.defaults.httpsAgent = new https.Agent({ ca: await fs.readFile(under(CA_FILE)) });
  const client = new acme.Client({ directoryUrl: pebble.directory, accountKey: await fs.readFile(under(accountKeyPath(pebble.directory))) });
  // Pebble 2.6 refuses an account lookup that updates nothing, so the contact goes along.
  await client.createAccount({ termsOfServiceAgreed: true, contact: ['mailto:ops@example.org'] });
  await client.revokeCertificate(before, { reason: 4 }); // superseded

  // The answer kept from before the revocation holds until its Retry-After: as if that had passed.
  const keptFile = under(`var/lib/lockstep/ari/${NAME}.json`);
  await fs.writeFile(keptFile, JSON.stringify({ ...JSON.parse(await fs.readFile(keptFile, 'utf8')), retryAfter: iso(Date.now() - 1000) }));
  const etc = await snapshot(under('etc'));
  const dry = await lockstep(['--root', sandbox.root, '--dry-run', 'renew']);
  assert.equal(dry.exitCode, 0, `${dry.stdout}\n${dry.stderr}`);
  assert.equal(row(dry.stdout, NAME).due, 'due (ARI)');
  assert.match(dry.stdout, new RegExp(`^note: ${NAME}: ARI: .*; due: ARI window opened \\S+ and ended \\S+: renew now$`, 'm'));
  assert.ok(dry.stdout.includes(`--replaces=${certId}`), `the preview shows the replaced certificate:\n${dry.stdout}`);
  assert.deepEqual(await snapshot(under('etc')), etc, '--dry-run changed nothing');

  const run = await lockstep(['--root', sandbox.root, '--yes', 'renew']);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  assert.equal(row(run.stdout, NAME).due, 'due (ARI)');
  assert.ok(run.stdout.includes(`The order replaces ${certId} (RFC 9773).`), run.stdout);
  assert.match(pebble.log(), /ARI: order "[^"]+" is a replacement of "[^"]+"/);
  assert.equal(row(run.stdout, NAME, 'Renewal').what, `renewed: ${NAME} renewed`);
  const after = await livePem(NAME);
  assert.notEqual(new X509Certificate(after).fingerprint256, new X509Certificate(before).fingerprint256, 'the live certificate changed');
  const record = JSON.parse(await fs.readFile(under(`etc/lockstep/renewal/${NAME}.json`), 'utf8')) as { answers: Record<string, unknown> };
  assert.equal(record.answers.replaces, undefined, 'the next renewal does not claim to replace the old certificate again');

  const again = await lockstep(['--root', sandbox.root, '--yes', 'renew']);
  assert.equal(again.exitCode, 0, again.stderr);
  assert.match(again.stdout, /ARI: suggested window .*; not due: ARI window opens /, 'the successor has a window of its own');
});

test('no renewalInfo (bookworm\'s pebble 2.4), a certificate the CA does not know, or no answer: the lifetime window decides, said in one line', async () => {
  const old = await startPebble(under('pebble-2.4'), under('/etc/lockstep-test/pebble-2.4-tls.pem'));
  try {
    const run = await issue(old, 'plain.example.org', old.tlsCaFile);
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    const renew = await lockstep(['--root', sandbox.root, '--yes', 'renew']);
    assert.equal(renew.exitCode, 0, `${renew.stdout}\n${renew.stderr}`);
    assert.match(`${row(renew.stdout, 'plain.example.org').days} | ${row(renew.stdout, 'plain.example.org').due}`, /^\d+ of \d+ \| no$/);
    assert.match(renew.stdout, /^note: plain\.example\.org: ARI: not used \(the ACME server offers no renewalInfo\); the lifetime window decides$/m);

    // The same certificate asked of the ARI server, which never issued it: HTTP 400, fallback.
    const recordFile = under('etc/lockstep/renewal/plain.example.org.json');
    const record = JSON.parse(await fs.readFile(recordFile, 'utf8')) as { answers: Record<string, unknown> };
    await fs.writeFile(recordFile, JSON.stringify({ ...record, answers: { ...record.answers, acmeDirectory: pebble.directory, acmeCaFile: pebble.tlsCaFile } }));
    const unknown = await lockstep(['--root', sandbox.root, '--json', 'renew']);
    const result = JSON.parse(unknown.stdout.trim().split('\n').at(-1) ?? '{}') as { type: string; certificates: { name: string; due: boolean; ari?: { fallback?: boolean; reason: string } }[] };
    assert.equal(result.type, 'result');
    const listed = result.certificates.find((c) => c.name === 'plain.example.org');
    assert.equal(listed?.due, false);
    assert.equal(listed?.ari?.fallback, true);
    assert.match(listed?.ari?.reason ?? '', /^renewalInfo answered HTTP 400 \(.*no known issuer/);
    await fs.writeFile(recordFile, JSON.stringify(record));
  } finally {
    await old.stop();
  }
  // The server is gone: the request fails at once, renew still exits 0 for a quiet day.
  const started = Date.now();
  const down = await lockstep(['--root', sandbox.root, '--yes', 'renew']);
  assert.equal(down.exitCode, 0, `${down.stdout}\n${down.stderr}`);
  assert.match(down.stdout, /^note: plain\.example\.org: ARI: not used \(renewalInfo could not be read: .*ECONNREFUSED.*\); the lifetime window decides$/m);
  assert.ok(Date.now() - started < 10_000, 'no long wait');
});
