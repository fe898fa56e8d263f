// ARI's pure parts as data: the certificate ID from fixture certificates (fixtures/ari/README.md
// says how each expected ID was worked out without lockstep), the renewalInfo answer, and the
// decision with an injected random number and clock. The fetch is tested against real Pebble
// in renew-ari.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { ariCertId, decideAri, fetchRenewalInfo, parseRenewalInfo } from '../../src/tls/ari.js';
import { ariLine, combine } from '../../src/tls/ari-status.js';
import { REPO } from '../helpers.js';

const der = async (file: string): Promise<Buffer> => {
  const pem = await fs.readFile(path.join(REPO, 'fixtures/ari', file), 'utf8');
  return Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
};

test('certificate ID: base64url of the AKI keyIdentifier "." base64url of the serial\'s DER contents', async () => {
  assert.equal(ariCertId(await der('rfc9773-example.pem')), 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
  assert.equal(ariCertId(await der('high-serial-issuer-aki.pem')), 'CHQ7Iil6mVQTYTIOqP1EYRSL60A.AIAAAAAAAAAAAAAAAAAAAAE');
  assert.equal(ariCertId(await der('short-serial.pem')), 'CHQ7Iil6mVQTYTIOqP1EYRSL60A.ASM');
  assert.throws(() => ariCertId(Buffer.from(new Uint8Array(0))), /truncated/);
});

test('certificate ID: without an Authority Key Identifier there is none, and the message says why', async () => {
  assert.throws(() => ariCertId(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05])), /not a certificate/);
  await assert.rejects(async () => ariCertId(await der('no-aki.pem')), /no Authority Key Identifier/);
});

const NOW = Date.parse('2026-06-01T12:00:00Z');

test('renewalInfo: window, explanation URL and Retry-After (seconds or a date); malformed answers throw', () => {
  const info = parseRenewalInfo(
    JSON.stringify({ suggestedWindow: { start: '2026-06-10T00:00:00Z', end: '2026-06-12T00:00:00.5Z' }, explanationURL: 'https://ca.example/why' }),
    '21600',
    NOW,
  );
  assert.deepEqual(info, { start: Date.parse('2026-06-10T00:00:00Z'), end: Date.parse('2026-06-12T00:00:00.5Z'), explanationUrl: 'https://ca.example/why', retryAfter: NOW + 21_600_000 });
  assert.equal(parseRenewalInfo(JSON.stringify({ suggestedWindow: { start: '2026-06-10T00:00:00Z', end: '2026-06-11T00:00:00Z' } }), 'Wed, 03 Jun 2026 00:00:00 GMT', NOW).retryAfter, Date.parse('2026-06-03T00:00:00Z'));
  // Pebble 2.6 writes nanoseconds; Date.parse keeps the milliseconds.
  assert.equal(parseRenewalInfo('{"suggestedWindow":{"start":"2026-12-02T05:18:55.269215466Z","end":"2026-12-02T05:48:55.269215466Z"}}', undefined, NOW).start, Date.parse('2026-12-02T05:18:55.269Z'));
  assert.throws(() => parseRenewalInfo('not json', undefined, NOW), SyntaxError);
  assert.throws(() => parseRenewalInfo('{"suggestedWindow":{"start":"soon"}}', undefined, NOW), /no suggestedWindow/);
  assert.throws(() => parseRenewalInfo('{"suggestedWindow":{"start":"2026-06-12T00:00:00Z","end":"2026-06-10T00:00:00Z"}}', undefined, NOW), /ends before it starts/);
});

test('decision: a uniformly random moment in the window; due once it has passed, and at once after the window', () => {
  const window = { start: Date.parse('2026-06-10T00:00:00Z'), end: Date.parse('2026-06-12T00:00:00Z') };
  const before = decideAri(window, 0.5, NOW);
  assert.equal(before.due, false);
  assert.equal(before.renewAt, Date.parse('2026-06-11T00:00:00Z'));
  assert.equal(before.reason, 'ARI window opens 2026-06-10T00:00:00Z, renew at 2026-06-11T00:00:00Z');
  const inside = Date.parse('2026-06-10T18:00:00Z');
  assert.equal(decideAri(window, 0.5, inside).due, false, 'open, but the moment is still ahead');
  assert.match(decideAri(window, 0.5, inside).reason, /^ARI window opened 2026-06-10T00:00:00Z, renew at 2026-06-11T00:00:00Z$/);
  assert.equal(decideAri(window, 0.25, inside).due, true, 'the moment (06:00... 12:00) has passed');
  assert.match(decideAri(window, 0.25, inside).reason, /^ARI window opened 2026-06-10T00:00:00Z, its random moment 2026-06-10T12:00:00Z has passed$/);
  const after = decideAri(window, 0.99, Date.parse('2026-06-12T00:00:00Z'));
  assert.equal(after.due, true);
  assert.match(after.reason, /ended 2026-06-12T00:00:00Z: renew now/);
  assert.equal(decideAri(window, 0, window.start).due, true, 'random 0 is the start itself');
});

test('combined with the lifetime window: ARI only advances or confirms', () => {
  const ariNo = { certId: 'a.b', due: false, reason: 'ARI window opens later', replaceable: true };
  const ariYes = { certId: 'a.b', due: true, reason: 'ARI window opened 2026-06-10T00:00:00Z and ended 2026-06-12T00:00:00Z: renew now', replaceable: true };
  assert.deepEqual(combine(false, undefined), { due: false });
  assert.deepEqual(combine(false, ariNo), { due: false });
  assert.equal(combine(true, ariNo).due, true, 'a later ARI window does not hold a due certificate back');
  assert.match(combine(true, ariNo).dueReason ?? '', /^lifetime window/);
  assert.deepEqual(combine(false, ariYes), { due: true, dueReason: ariYes.reason });
  assert.equal(ariLine({ due: false, reason: 'the ACME server offers no renewalInfo', fallback: true, replaceable: false }), 'ARI: not used (the ACME server offers no renewalInfo); the lifetime window decides');
  assert.equal(
    ariLine({ ...ariNo, window: { start: '2026-06-10T00:00:00Z', end: '2026-06-12T00:00:00Z' }, explanationUrl: 'https://ca.example/why' }),
    'ARI: suggested window 2026-06-10T00:00:00Z – 2026-06-12T00:00:00Z; explanation: https://ca.example/why; not due: ARI window opens later',
  );
});

test('fetch: a CA that accepts the connection and never answers costs the time limit once, not a hang (a silent loopback socket stands in for it)', async () => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    const directories = new Map();
    const started = Date.now();
    const first = await fetchRenewalInfo(`https://127.0.0.1:${port}/dir`, 'a.b', { timeoutMs: 300, directories });
    const second = await fetchRenewalInfo(`https://127.0.0.1:${port}/dir`, 'c.d', { timeoutMs: 300, directories });
    assert.deepEqual(first, { ok: false, reason: `renewalInfo could not be read: no answer within the time limit (https://127.0.0.1:${port}/dir)` });
    assert.deepEqual(second, first, 'the directory is asked once per run');
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
    assert.equal(sockets.size, 1);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('decision: a moment before the next scheduled run is due now (RFC 9773 §4.2), one after it waits', () => {
  const window = { start: Date.parse('2026-06-10T00:00:00Z'), end: Date.parse('2026-06-12T00:00:00Z') };
  const now = Date.parse('2026-06-10T06:00:00Z');
  // random 0.25: the moment is 2026-06-10T12:00Z, six hours from now.
  assert.equal(decideAri(window, 0.25, now).due, false, 'no timer: wait for the moment');
  const cron = decideAri(window, 0.25, now, { at: now + 12 * 3_600_000, by: '/etc/cron.d/lockstep-renew' });
  assert.equal(cron.due, true);
  assert.equal(cron.reason, 'ARI window opened 2026-06-10T00:00:00Z, its random moment 2026-06-10T12:00:00Z comes before the next scheduled run (/etc/cron.d/lockstep-renew, by 2026-06-10T18:00:00Z): renew now');
  assert.equal(decideAri(window, 0.25, now, { at: now + 3_600_000, by: 'lockstep-renew.timer' }).due, false, 'the next run comes first: it renews then');
});
