// The self-signed step's plan as data, from fixture facts: the exact commands, the modes of the
// files they write, and where (and only where) a passphrase is involved.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PresetAnswers } from '../../src/core/answers.js';
import { UserError } from '../../src/core/errors.js';
import { EventBus } from '../../src/core/events.js';
import { NonInteractivePrompter } from '../../src/core/prompter.js';
import type { Action, RunAction } from '../../src/core/actions.js';
import { collectAnswers, previewPlan } from '../../src/core/runner.js';
import { MASK, SecretStore } from '../../src/core/secrets.js';
import { System } from '../../src/core/system.js';
import { selfSignedStep, type SelfSignedFacts } from '../../src/tls/self-signed.js';
import type { Answers } from '../../src/core/questions.js';
import { tempRoot } from '../helpers.js';

const fresh: SelfSignedFacts = { existing: [] };
const base: Answers = { host: ['a.example', 'www.a.example'], keyType: 'rsa2048', days: 90, outDir: '/srv/tls' };
const runs = (plan: readonly Action[]): RunAction[] => plan.filter((a): a is RunAction => a.kind === 'run');

describe('self-signed plan, without a passphrase', () => {
  const plan = selfSignedStep.plan(base, fresh);

  test('makes the folder, then the key, then the certificate', () => {
    assert.deepEqual(plan.map((a) => a.kind), ['mkdir', 'run', 'run']);
    assert.deepEqual(plan[0], { kind: 'mkdir', title: 'Create /srv/tls', path: '/srv/tls', mode: 0o755 });
  });

  test('the key command, its output file created 0600', () => {
    const [genkey] = runs(plan);
    assert.deepEqual(genkey!.argv, ['openssl', 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
    assert.deepEqual(genkey!.stdoutTo, { path: '/srv/tls/privkey.pem', mode: 0o600 });
    assert.equal(genkey!.secretFds, undefined);
  });

  test('the certificate command: no config file, subject and SANs from the host names, 0644 output', () => {
    const [, req] = runs(plan);
    assert.deepEqual(req!.argv, [
      'openssl', 'req', '-new', '-x509', '-config', '/dev/null', '-key', { path: '/srv/tls/privkey.pem' },
      '-subj', '/CN=a.example',
      '-addext', 'subjectAltName=DNS:a.example,DNS:www.a.example',
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext', 'extendedKeyUsage=serverAuth',
      '-days', '90', '-sha256',
    ]);
    assert.deepEqual(req!.stdoutTo, { path: '/srv/tls/cert.pem', mode: 0o644 });
    assert.equal(req!.secretFds, undefined);
  });

  test('an EC key asks for digitalSignature only (no key encipherment with ECDSA)', () => {
    const ec = runs(selfSignedStep.plan({ ...base, keyType: 'ec-p384' }, fresh));
    assert.deepEqual(ec[0]!.argv.slice(2), ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-pkeyopt', 'ec_param_enc:named_curve']);
    assert.ok(ec[1]!.argv.includes('keyUsage=critical,digitalSignature'));
  });

  test('the default folder is named after the first host', () => {
    const { outDir: _drop, ...noDir } = base;
    const [mkdir] = selfSignedStep.plan(noDir, fresh);
    assert.equal(mkdir?.kind === 'mkdir' && mkdir.path, '/etc/ssl/lockstep/a.example');
  });

  test('building the plan is pure: same answers and facts, same plan', () => {
    assert.deepEqual(selfSignedStep.plan(base, fresh), plan);
  });
});

describe('self-signed plan, with a passphrase', () => {
  const passphrase = 'correct horse battery staple';

  async function collected(): Promise<{ answers: Answers; secrets: SecretStore }> {
    const { root, cleanup } = await tempRoot();
    try {
      const secrets = new SecretStore();
      const flags = new Map<string, string | readonly string[]>([['host', ['a.example']], ['keyType', 'ec-p256'], ['outDir', '/srv/tls']]);
      const answers = await collectAnswers(selfSignedStep, {
        sys: new System(root),
        bus: new EventBus(secrets),
        secrets,
        prompter: new NonInteractivePrompter(),
        source: new PresetAnswers(flags, {}, { LOCKSTEP_KEY_PASSPHRASE: passphrase }),
        dryRun: true,
        yes: true,
      });
      return { answers, secrets };
    } finally {
      await cleanup();
    }
  }

  test('the answers hold a mask; the value is only in the secret store', async () => {
    const { answers, secrets } = await collected();
    assert.equal(answers.keyPassphrase, MASK);
    assert.equal(secrets.get('keyPassphrase'), passphrase);
    assert.equal(answers.days, 365, 'the default applies when nobody can be asked');
  });

  test('both commands take the passphrase on fd 3, named, never as a value', async () => {
    const { answers } = await collected();
    const plan = selfSignedStep.plan(answers, fresh);
    const [genkey, req] = runs(plan);
    assert.deepEqual(genkey!.argv.slice(-3), ['-aes256', '-pass', 'fd:3']);
    assert.deepEqual(genkey!.secretFds, [{ fd: 3, secret: 'keyPassphrase' }]);
    assert.deepEqual(req!.secretFds, [{ fd: 3, secret: 'keyPassphrase' }]);
    const i = req!.argv.indexOf('-passin');
    assert.equal(req!.argv[i + 1], 'fd:3');
    assert.deepEqual(genkey!.stdoutTo, { path: '/srv/tls/privkey.pem', mode: 0o600 });

    const json = JSON.stringify(plan);
    assert.ok(!json.includes(passphrase), 'the plan must not hold the secret');
    const preview = JSON.stringify(previewPlan(plan, new System('/'), new Map()));
    assert.ok(!preview.includes(passphrase));
    assert.match(preview, /3<\(secret: keyPassphrase\)/);
  });
});

describe('self-signed plan refuses what it must not do', () => {
  test('files already there, without --overwrite', () => {
    const facts: SelfSignedFacts = { existing: ['/srv/tls/privkey.pem'] };
    assert.throws(() => selfSignedStep.plan(base, facts), (e: unknown) => e instanceof UserError && /Refusing to replace \/srv\/tls\/privkey.pem/.test(e.message) && /--overwrite/.test(e.tryMessage ?? ''));
    assert.throws(() => selfSignedStep.plan({ ...base, overwrite: false }, facts), UserError);
    assert.equal(selfSignedStep.plan({ ...base, overwrite: true }, facts).length, 3);
  });

  test('an output folder that cannot be written', () => {
    const facts: SelfSignedFacts = { existing: [], whyNotWritable: '/srv exists and is not a directory' };
    assert.throws(() => selfSignedStep.plan(base, facts), (e: unknown) => e instanceof UserError && /--out-dir \/srv\/tls: \/srv exists and is not a directory/.test(e.message));
  });

  test('the overwrite question is asked only when files exist', () => {
    const overwrite = selfSignedStep.questions.find((q) => q.id === 'overwrite');
    assert.equal(overwrite?.when?.(base, fresh), false);
    assert.equal(overwrite?.when?.(base, { existing: ['/srv/tls/cert.pem'] }), true);
  });
});
