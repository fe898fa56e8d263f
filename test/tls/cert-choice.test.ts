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

test('lockstep cert explains all three, recommends one with its reason and names the next command (flags, no terminal)', async () => {
  const run = await lockstep(['cert', '--public', '--no-port-80', '--dns']);
  assert.equal(run.exitCode, 0, run.stderr);
  for (const heading of [/^note: Let's Encrypt — /m, /^note: Purchased — /m, /^note: Self-signed \/ private CA — /m]) assert.match(run.stdout, heading);
  assert.match(run.stdout, /Recommended: Let's Encrypt, DNS-01, because port 80 is closed but you control the DNS/);
  assert.match(run.stdout, /^ +Next: lockstep cert letsencrypt --challenge dns-01/m);
  const vendor = await lockstep(['--yes', 'cert', '--public', '--vendor-required', '--method', 'letsencrypt']);
  assert.equal(vendor.exitCode, 0, vendor.stderr);
  assert.match(vendor.stdout, /Recommended: Purchased from a vendor, because your policy requires/);
  assert.match(vendor.stdout, /You chose Let's Encrypt, HTTP-01 instead\.\n +Next: lockstep cert letsencrypt --domain NAME/);
  const missing = await lockstep(['cert']);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /--public/);
});
