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

test('lockstep cert explains all three and names the next command', async () => {
  const run = await lockstep(['cert', '--public', '--no-port-80', '--dns']);
  assert.equal(run.exitCode, 0, run.stderr);
  for (const heading of [/^Let's Encrypt — /m, /^Purchased — /m, /^Self-signed \/ private CA — /m]) assert.match(run.stdout, heading);
  assert.match(run.stdout, /^Next: lockstep cert letsencrypt --challenge dns-01/m);
});
