// The answers file is read whole before anything is asked: a key no question reads, an unknown
// step, a value of the wrong type or a secret written into the file stops the run (exit 2),
// names the key and the nearest known one, and changes nothing under --root. A typo must never
// quietly become a default (for the firewall: SSH open to everyone).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { distance, nearest } from '../../src/core/answers-check.js';
import { loadFlows } from '../../src/flows/index.js';
import { snapshot, tempRoot } from '../helpers.js';
import { requireBuiltCli, runCli, type CliResult } from './process-tree.js';

const FLOWS = await loadFlows();

async function withFiles(fn: (root: string, answers: (data: unknown) => Promise<string>) => Promise<void>): Promise<void> {
  requireBuiltCli();
  const { root, cleanup } = await tempRoot('lockstep-intake-');
  const files = await tempRoot('lockstep-intake-files-');
  let n = 0;
  try {
    await fs.mkdir(path.join(root, 'etc'));
    await fs.writeFile(path.join(root, 'etc/hostname'), 'server\n');
    await fn(root, async (data) => {
      const file = path.join(files.root, `answers-${n++}.json`);
      await fs.writeFile(file, typeof data === 'string' ? data : JSON.stringify(data));
      return file;
    });
  } finally {
    await files.cleanup();
    await cleanup();
  }
}

async function refused(root: string, args: readonly string[]): Promise<CliResult> {
  const before = await snapshot(root);
  const result = await runCli([...args, '--root', root]);
  assert.equal(result.exitCode, 2, `expected exit 2\n${result.stdout}\n${result.stderr}`);
  assert.deepEqual(await snapshot(root), before, 'nothing may change under --root');
  return result;
}

test('nearest: a slip of the keyboard finds the key, a different word does not', () => {
  assert.equal(distance('sshFromm', 'sshFrom'), 1);
  assert.equal(distance('shh', 'ssh'), 1, 'a swap of two neighbours counts once');
  assert.equal(nearest('sshFromm', ['sshFrom', 'allow', 'backend']), 'sshFrom');
  assert.equal(nearest('ssh-from', ['sshFrom', 'allow']), 'sshFrom');
  assert.equal(nearest('SSH_FROM', ['sshFrom', 'allow']), 'sshFrom');
  assert.equal(nearest('keyTpye', ['keyType', 'days', 'host']), 'keyType');
  assert.equal(nearest('frobnicate', ['sshFrom', 'allow']), undefined);
});

describe('answers file intake', () => {
  test('the issue\'s case: "sshFromm" is refused before any plan, naming "sshFrom"', () =>
    withFiles(async (root, answers) => {
      const r = await refused(root, ['firewall', '--answers', await answers({ sshFromm: ['10.0.0.0/8'] }), '--dry-run', '--yes']);
      assert.match(r.stderr, /key "sshFromm" that lockstep firewall does not read: did you mean "sshFrom"\?/);
      assert.doesNotMatch(r.stdout, /22/, 'no plan is shown: nothing was planned from a default');
    }));

  test('the flag spelling of a key is named as such', () =>
    withFiles(async (root, answers) => {
      const r = await refused(root, ['firewall', '--answers', await answers({ 'ssh-from': ['10.0.0.0/8'] }), '--dry-run', '--yes']);
      assert.match(r.stderr, /did you mean "sshFrom" \(answers-file keys are the flags in camelCase\)\?/);
    }));

  test('every command refuses a key it does not read', async () => {
    for (const flow of FLOWS.filter((f) => f.menuOnly !== true)) {
      await withFiles(async (root, answers) => {
        const r = await refused(root, [...flow.command.split(' '), '--answers', await answers({ notAKeyOfAnyCommand: true }), '--dry-run', '--yes']);
        assert.match(r.stderr, new RegExp(`key "notAKeyOfAnyCommand" that lockstep ${flow.command} does not read`), flow.command);
      });
    }
  });

  test('commands that read no answers file say so instead of ignoring it', () =>
    withFiles(async (root, answers) => {
      const file = await answers({ force: true });
      for (const command of [['renew', '--yes'], ['ca', 'list'], ['cert', 'inspect', '--domain', 'example.org']]) {
        const r = await refused(root, [...command, '--answers', file]);
        assert.match(r.stderr, new RegExp(`lockstep ${command.slice(0, command[0] === 'renew' ? 1 : 2).join(' ')} does not read an answers file`));
      }
    }));

  test('onboard: an unknown step, and an unknown key inside a step, name the nearest', () =>
    withFiles(async (root, answers) => {
      let r = await refused(root, ['onboard', '--answers', await answers({ steps: ['ssh'], shh: { user: 'deploy' } }), '--dry-run', '--yes']);
      assert.match(r.stderr, /names a step "shh" that lockstep onboard does not have: did you mean "ssh"\?/);
      r = await refused(root, ['onboard', '--answers', await answers({ steps: ['firewall'], firewall: { sshFromm: ['10.0.0.0/8'] } }), '--dry-run', '--yes']);
      assert.match(r.stderr, /key "firewall\.sshFromm" that lockstep onboard does not read: did you mean "firewall\.sshFrom"\?/);
      r = await refused(root, ['onboard', '--answers', await answers({ stpes: ['ssh'] }), '--dry-run', '--yes']);
      assert.match(r.stderr, /key "stpes" .*did you mean "steps"\?/);
      r = await refused(root, ['firewall', '--answers', await answers({ firewall: { sshFrom: ['10.0.0.0/8'] } }), '--dry-run', '--yes']);
      assert.match(r.stderr, /holds an object, but lockstep firewall reads plain answers/);
    }));

  test('a value of the wrong type names the key, what it must be and what it is, even for a question not asked', () =>
    withFiles(async (root, answers) => {
      const cases: [string[], unknown, RegExp][] = [
        [['cert', 'self-signed'], { host: 5 }, /key "host" must be a list of host names, such as \["example\.org", "www\.example\.org"\]; it is a number \(5\)/],
        [['cert', 'self-signed'], { host: ['a.example'], days: 'thirty' }, /key "days" must be a whole number from 1 to 825; it is text \("thirty"\)/],
        [['cert', 'self-signed'], { host: ['a.example'], days: 30.5 }, /key "days" must be a whole number/],
        [['firewall'], { sshFrom: { any: true } }, /key "sshFrom" must be a list of addresses or ranges.*it is an object/],
        [['firewall'], { confirmTimeout: '120' }, /key "confirmTimeout" must be a whole number from 0 to/],
        [['updates'], { origins: ['security'] }, /key "origins" must be one of "security", "security-and-updates"; it is a list/],
        [['onboard'], { steps: ['ssh'], ssh: { user: ['deploy'] } }, /key "ssh\.user" must be text/],
        [['cert', 'letsencrypt'], { domain: ['a.example'], agreeTos: 'yes' }, /key "agreeTos" must be true or false; it is text \("yes"\)/],
      ];
      for (const [command, data, message] of cases) {
        const r = await refused(root, [...command, '--answers', await answers(data), '--dry-run', '--yes']);
        assert.match(r.stderr, message, `${command.join(' ')} ${JSON.stringify(data)}`);
      }
    }));

  test('a secret written into the file is refused with the key to use instead; nothing echoes it', () =>
    withFiles(async (root, answers) => {
      const r = await refused(root, ['ca', 'init', '--answers', await answers({ passphrase: 'hunter2-hunter2' }), '--dry-run', '--yes']);
      assert.match(r.stderr, /key "passphrase" would hold a secret, and secrets never go in the answers file/);
      assert.match(r.stderr, /give that file's path as "passphraseFile"/);
      assert.doesNotMatch(r.stdout + r.stderr, /hunter2/);
    }));

  test('a file that is not an object is refused', () =>
    withFiles(async (root, answers) => {
      for (const [text, what] of [['[1, 2]', 'a list'], ['null', 'null'], ['"host"', 'string']] as const) {
        const r = await refused(root, ['ssh', '--answers', await answers(text), '--dry-run', '--yes']);
        assert.match(r.stderr, new RegExp(`holds ${what}, not an object`));
      }
    }));
});
