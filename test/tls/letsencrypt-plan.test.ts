// cert letsencrypt's plan as data, for what renew hands it: RFC 9773's `replaces` reaches the
// ACME helper's argv (so the preview shows it) and stays out of the renewal record; nobody is
// ever asked for it, not even on a terminal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunAction, WriteFileAction } from '../../src/core/actions.js';
import { PresetAnswers } from '../../src/core/answers.js';
import { EventBus } from '../../src/core/events.js';
import type { Prompter } from '../../src/core/prompter.js';
import type { AnswerValue, Answers, Question } from '../../src/core/questions.js';
import { collectAnswers } from '../../src/core/runner.js';
import { SecretStore } from '../../src/core/secrets.js';
import { System } from '../../src/core/system.js';
import { parseAcmeOrderArgs } from '../../src/tls/acme-order.js';
import { letsEncryptStep } from '../../src/tls/letsencrypt.js';

// base64url may start with "-": the helper must still read it as the value of --replaces.
const ID = '-ytvcRPQqhn662hchM6lYnU4pz8.Kmy5sIBliH4';
const answers: Answers = { domain: ['app.example.org'], email: 'ops@example.org', agreeTos: true, acmeDirectory: 'https://acme.example/dir', challenge: 'http-01', http01Port: 80, keyType: 'ec-p256', replaces: ID };
const facts = { version: 1, accountKeyExists: true };
const order = (a: Answers): RunAction => letsEncryptStep.plan(a, facts).find((x): x is RunAction => x.kind === 'run' && x.argv.includes('acme-order'))!;

test('replaces: on the acme-order command line and in its title; never recorded for the next renewal', () => {
  const argv = order(answers).argv.map(String);
  assert.ok(argv.includes(`--replaces=${ID}`), argv.join(' '));
  assert.match(order(answers).title, new RegExp(`replacing ${ID.replace('.', '\\.')}`));
  const record = letsEncryptStep.plan(answers, facts).find((x): x is WriteFileAction => x.kind === 'write' && x.path.endsWith('.json'))!;
  const saved = JSON.parse(String(record.content)) as { answers: Answers };
  assert.equal(saved.answers.replaces, undefined);
  assert.equal(saved.answers.email, 'ops@example.org');
  const { replaces: _none, ...plain } = answers;
  assert.ok(!order(plain).argv.some((w) => String(w).startsWith('--replaces')));
  const parsed = parseAcmeOrderArgs(['--directory', 'https://acme.example/dir', '--account-key', '/k', '--csr', '/c', '--email', 'a@b.c', '--agree-tos', '--challenge', 'http-01', `--replaces=${ID}`, '--cert-out', '/1', '--chain-out', '/2', '--fullchain-out', '/3']);
  assert.equal(parsed.replaces, ID);
});

test('replaces is never asked, even by an interactive prompter; a flag gives it, and a bad one names --replaces', async () => {
  const asked: string[] = [];
  const prompter: Prompter = {
    interactive: true,
    async ask(q: Question): Promise<AnswerValue> {
      asked.push(q.id);
      const given: Record<string, AnswerValue> = { domain: ['app.example.org'], email: 'ops@example.org', agreeTos: true, acmeDirectory: 'https://acme.example/dir', acmeCaFile: '', challenge: 'http-01', http01Port: 80, webroot: '', keyType: 'ec-p256' };
      return given[q.id] ?? '';
    },
    confirmApply: async () => false,
    onFailure: async () => 'abort',
  };
  const collect = (flags: Map<string, string>) => {
    const secrets = new SecretStore();
    return collectAnswers(letsEncryptStep, { sys: new System('/nonexistent-root'), bus: new EventBus(secrets), secrets, prompter, source: new PresetAnswers(flags), dryRun: true, yes: false });
  };
  const none = await collect(new Map());
  assert.ok(!asked.includes('replaces'), asked.join(', '));
  assert.equal(none.replaces, undefined);
  assert.equal((await collect(new Map([['replaces', ID]]))).replaces, ID);
  await assert.rejects(collect(new Map([['replaces', 'no id']])), /--replaces/);
});

test('acme-order arguments: every value is one word with its flag, so values starting with "-" reach the helper as given', () => {
  const dashed: Answers = { ...answers, email: '-ops@example.org', challenge: 'dns-01', dnsHook: '--my-hook -v', replaces: '-AbC.-dEf', acmeCaFile: '/tmp/-ca.pem' };
  const argv = order(dashed).argv.map((a) => (typeof a === 'string' ? a : `${a.prefix ?? ''}${a.path}`));
  const at = argv.indexOf('acme-order');
  for (const w of argv.slice(at + 1)) assert.match(w, /^--[a-z0-9-]+(=.*)?$/, `"${w}" is a flag word`);
  const parsed = parseAcmeOrderArgs(argv.slice(at + 1));
  assert.equal(parsed.email, '-ops@example.org');
  assert.equal(parsed.dnsHook, '--my-hook -v');
  assert.equal(parsed.replaces, '-AbC.-dEf');
  assert.equal(parsed.caFile, '/tmp/-ca.pem');
  assert.equal(parsed.challenge, 'dns-01');
});
