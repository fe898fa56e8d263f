// `lockstep cert`: the three options explained, one recommended from the answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recommend } from '../../src/tls/cert-choice.js';
import { lockstep } from '../helpers.js';

test('recommendation from the answers', () => {
  assert.equal(recommend({}), undefined);
  assert.equal(recommend({ public: true })?.choice, 'letsencrypt');
  assert.match(recommend({ public: true, port80: false, dns: true })?.command ?? '', /--challenge dns-01/);
  assert.equal(recommend({ public: true, port80: false })?.choice, 'purchased');
  assert.equal(recommend({ public: false })?.choice, 'private-ca');
  assert.equal(recommend({ public: true, vendorRequired: true })?.choice, 'purchased');
});

test('lockstep cert shows the three ways side by side first, then the choice and the next command (flags, no terminal)', async () => {
  const run = await lockstep(['cert', '--public', '--no-port-80', '--dns']);
  assert.equal(run.exitCode, 0, run.stderr);
  const lines = run.stdout.split('\n');
  const top = lines.findIndex((l) => l === 'Three ways to get the certificate (the site is served over HTTPS only):');
  assert.ok(top >= 0, run.stdout);
  assert.match(lines[top + 1] ?? '', /^ +Let's Encrypt +Purchased from a vendor +Your private CA/, 'the ways are columns, side by side');
  for (const row of ['needs', 'costs', 'renews', 'for']) assert.ok(lines.some((l) => new RegExp(`^  ${row} +\\S`).test(l)), `a row "${row}"`);
  assert.match(run.stdout, /^ +Chosen: Let's Encrypt, DNS-01, the recommended way\.\n +Next: lockstep cert letsencrypt --challenge dns-01/m);
  const vendor = await lockstep(['--yes', 'cert', '--public', '--vendor-required', '--method', 'letsencrypt']);
  assert.equal(vendor.exitCode, 0, vendor.stderr);
  assert.match(vendor.stdout, /Chosen: Let's Encrypt, HTTP-01, over the recommended Purchased from a vendor\.\n +Next: lockstep cert letsencrypt --domain NAME/);
  const missing = await lockstep(['cert']);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /--public/);
});
