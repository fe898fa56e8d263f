// The renewal record has one zod schema: a record renew cannot use (bad JSON, a wrong type) is
// one due row naming the file and the key, and exit 1 — never a crash half-way through the run;
// what the steps write passes the same schema.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { parseRenewalRecord, renewalRecordText } from '../../src/tls/renewal-record.js';
import { lockstep, tempRoot } from '../helpers.js';
import { row } from './renew-table.js';

test('schema: a good record round-trips; a wrong type names its key; bad JSON says so', () => {
  const good = { method: 'letsencrypt' as const, command: 'cert letsencrypt', answers: { domain: ['a.example.org'], challenge: 'http-01' }, deploy: { nginxConf: '/etc/nginx/nginx.conf', host: '127.0.0.1', httpsPort: 443, serverName: 'a.example.org' } };
  assert.deepEqual(parseRenewalRecord(renewalRecordText(good), 'f'), { record: good });
  assert.deepEqual(parseRenewalRecord('{"method":"letsencrypt","command":"x","answers":{},"deploy":{"nginxConf":"/n","host":"h","httpsPort":"443","serverName":"s"}}', '/etc/lockstep/renewal/a.json'), {
    problem: '/etc/lockstep/renewal/a.json is not a renewal record: "deploy.httpsPort": Invalid input: expected number, received string',
  });
  assert.match((parseRenewalRecord('{"method":"ftp","command":"x","answers":{}}', 'f') as { problem: string }).problem, /^f is not a renewal record: "method": /);
  assert.match((parseRenewalRecord('{', 'f') as { problem: string }).problem, /^f is not valid JSON: /);
  assert.throws(() => renewalRecordText({ ...good, method: 'nonsense' as 'letsencrypt' }), /method/);
});

test('renew: a broken record is a due row that names the file and the key, exit 1', async () => {
  const { root, cleanup } = await tempRoot('lockstep-record-');
  try {
    await fs.mkdir(path.join(root, 'etc/lockstep/renewal'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/lockstep/renewal/x.example.org.json'), JSON.stringify({ method: 'letsencrypt', command: 'cert letsencrypt', answers: { domain: ['x.example.org'] }, deploy: { nginxConf: '/etc/nginx/nginx.conf', host: '127.0.0.1', httpsPort: '443', serverName: 'x.example.org' } }));
    const run = await lockstep(['--root', root, '--yes', 'renew']);
    assert.equal(run.exitCode, 1, `${run.stdout}\n${run.stderr}`);
    const r = row(run.stdout, 'x.example.org');
    assert.deepEqual([r.kind, r.due], ['unreadable', 'due (unreadable)']);
    assert.match(r.what, /^look at it: \/etc\/lockstep\/renewal\/x\.example\.org\.json is not a renewal record: "deploy\.httpsPort": /);
    assert.match(run.stderr, /EXPIRY WARNING: x\.example\.org .*look at it: /);
  } finally {
    await cleanup();
  }
});
