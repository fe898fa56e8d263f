// lockstep export ansible|script against sandboxes: a model server (--root) with an sshd config,
// root's key, os-release and unattended-upgrades; the onboard answers of a fleet (self-signed
// certificate, key-only SSH, security updates). The playbook passes ansible-playbook --check
// --diff, the script sh -n; then the playbook, the script and lockstep itself each run for real
// on a fresh copy of the model, laid anew in the model's own folder before each (so that every
// absolute path, such as sshd_config's Include, is the same), and leave the same files with
// the same modes. A target that differs from the model is refused before anything changes.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { lockstep, snapshot, tempRoot } from '../helpers.js';

const ansibleMissing = existsSync('/usr/bin/ansible-playbook') ? false : 'ansible-playbook is not installed (.ci/run installs ansible-core)';
let sandbox: { root: string; cleanup: () => Promise<void> };
/** The model machine, and the server every run acts on: the same folder, laid anew from `pristine`. */
let target: string;
let pristine: string;
let answers: string;
let passFile: string;
const PASS = 'fleet key passphrase 7';
const ANSWERS = (pass: string) => ({
  steps: ['cert', 'ssh', 'updates'],
  cert: { public: false, method: 'self-signed' },
  'cert self-signed': { host: ['fleet.example.org', 'www.fleet.example.org'], keyType: 'ec-p256', keyPassphraseFile: pass },
  ssh: { user: 'root', permitRootLogin: 'prohibit-password' },
  updates: { mail: 'ops@example.org', rebootTime: '04:30' },
});

/** A server's files as a fleet's image would have them; every path that sshd reads stays in `root`. */
async function layModel(root: string): Promise<void> {
  await fs.mkdir(path.join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
  await fs.mkdir(path.join(root, 'usr/bin'), { recursive: true });
  await fs.mkdir(path.join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(root, 'etc/os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n');
  await fs.writeFile(path.join(root, 'usr/bin/unattended-upgrade'), '#!/bin/sh\n', { mode: 0o755 });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(root, 'etc/ssh/ssh_host_ed25519_key')]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'admin', '-f', path.join(sandbox.root, 'admin')]);
  await fs.writeFile(path.join(root, 'root/.ssh/authorized_keys'), await fs.readFile(path.join(sandbox.root, 'admin.pub')), { mode: 0o600 });
  await fs.writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await fs.writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
  await fs.writeFile(
    path.join(root, 'etc/ssh/sshd_config'),
    [`Include ${root}/etc/ssh/sshd_config.d/*.conf`, 'Port 2222', `HostKey ${root}/etc/ssh/ssh_host_ed25519_key`, `PidFile ${root}/run/sshd.pid`, 'StrictModes no', 'UsePAM no', 'PasswordAuthentication yes', ''].join('\n'),
  );
}

/** The server laid anew as a copy of the model. */
async function freshTarget(): Promise<void> {
  await fs.rm(target, { recursive: true, force: true });
  await execa('cp', ['-a', pristine, target]);
}

/**
 * What a run left: every file and folder with its mode, and the content's hash — but for the key
 * and certificate openssl makes (random each time: their names and key type are compared), and
 * for lockstep's journal and backups, which only lockstep's own run writes.
 */
async function outcome(): Promise<Record<string, string>> {
  const all = await snapshot(target);
  const out: Record<string, string> = {};
  for (const [file, what] of Object.entries(all)) {
    if (/^var\/(log|backups)(\/|$)/.test(file) || /~$/.test(file) || (file === 'var/' && !Object.keys(all).some((f) => f !== 'var/' && f.startsWith('var/') && !/^var\/(log|backups)/.test(f)))) continue;
    out[file] = /\/etc\/ssl\/lockstep\/|^etc\/ssl\/lockstep\//.test(file) && !file.endsWith('/') ? what.split(' ')[0]! : what;
  }
  const dir = path.join(target, 'etc/ssl/lockstep/fleet.example.org');
  const cert = new X509Certificate(await fs.readFile(path.join(dir, 'cert.pem')));
  const key = createPrivateKey({ key: await fs.readFile(path.join(dir, 'privkey.pem')), passphrase: PASS });
  out['certificate'] = `${cert.subject} | ${cert.subjectAltName} | ${key.asymmetricKeyType} | matches its key: ${cert.checkPrivateKey(key)}`;
  return out;
}

/** The secret as an operator gives it unattended: a vars file (a vault in real life), never the playbook. */
const ansible = async (dir: string, ...args: string[]) => {
  const vars = path.join(sandbox.root, 'secrets.json');
  await fs.writeFile(vars, JSON.stringify({ lockstep_key_passphrase: PASS }), { mode: 0o600 });
  return execa('ansible-playbook', ['-c', 'local', '-i', 'localhost,', path.join(dir, 'site.yml'), '-e', `lockstep_root=${target}`, '-e', `@${vars}`, ...args], { reject: false, env: { ANSIBLE_NOCOLOR: '1' } });
};
const shScript = () => execa('sh', [path.join(sandbox.root, 'onboard.sh')], { reject: false, env: { LOCKSTEP_ROOT: target, LOCKSTEP_KEY_PASSPHRASE_FILE: passFile } });

before(async () => {
  sandbox = await tempRoot('lockstep-export-');
  target = path.join(sandbox.root, 'server');
  pristine = path.join(sandbox.root, 'pristine');
  await layModel(target);
  await execa('cp', ['-a', target, pristine]);
  answers = path.join(sandbox.root, 'onboard.json');
  passFile = path.join(sandbox.root, 'key.pass');
  await fs.writeFile(passFile, `${PASS}\n`, { mode: 0o600 });
  await fs.writeFile(answers, JSON.stringify(ANSWERS(passFile)));
});
after(async () => sandbox?.cleanup());

test('export ansible and export script: a role per step, no secret, the model left as it was', async () => {
  const before = await snapshot(target);
  const model = target;
  const out = path.join(sandbox.root, 'playbook');
  const r = await lockstep(['--root', model, 'export', 'ansible', '--answers', answers, '--out', out]);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stderr, /cert self-signed: \d+ actions/);
  const files = (await execa('find', [out, '-type', 'f'])).stdout.split('\n').map((f) => path.relative(out, f)).sort();
  assert.deepEqual(files, ['roles/lockstep_cert_self_signed/tasks/main.yml', 'roles/lockstep_preconditions/tasks/main.yml', 'roles/lockstep_ssh/tasks/main.yml', 'roles/lockstep_updates/tasks/main.yml', 'site.yml']);
  const tasks = await fs.readFile(path.join(out, 'roles/lockstep_ssh/tasks/main.yml'), 'utf8');
  const modules = [...tasks.matchAll(/^ {2}(ansible\.builtin\.[a-z_]+):/gm)].map((m) => m[1]);
  for (const m of modules) assert.match(m!, /^ansible\.builtin\.(copy|file|stat|command|assert|lineinfile|meta)$/, m);
  assert.match(tasks, /ansible\.builtin\.copy:\n\s+dest: "\{\{ lockstep_root \}\}\/etc\/ssh\/sshd_config\.d\/00-lockstep\.conf"\n\s+content: !unsafe \|2\n/);
  const syntax = await execa('ansible-playbook', ['--syntax-check', '-i', 'localhost,', path.join(out, 'site.yml')], { reject: false });
  assert.equal(syntax.exitCode, 0, syntax.stdout + syntax.stderr);

  const script = path.join(sandbox.root, 'onboard.sh');
  const s = await lockstep(['--root', model, 'export', 'script', '--answers', answers, '--out', script]);
  assert.equal(s.exitCode, 0, s.stderr);
  assert.equal((await fs.stat(script)).mode & 0o777, 0o755);
  const sh = await execa('sh', ['-n', script], { reject: false });
  assert.equal(sh.exitCode, 0, sh.stderr);
  const again = await lockstep(['--root', model, 'export', 'script', '--answers', answers, '--out', script]);
  assert.equal(again.exitCode, 2, 'an existing --out is not overwritten');
  assert.deepEqual(await snapshot(target), before, 'exporting changes nothing on the model');
  for (const f of [...files.map((f) => path.join(out, f)), script]) assert.ok(!(await fs.readFile(f, 'utf8')).includes(PASS), `the passphrase is in ${f}`);
  assert.match(await fs.readFile(path.join(out, 'site.yml'), 'utf8'), /vars_prompt:\n\s+- name: "lockstep_key_passphrase"\n\s+prompt: .*\n\s+private: true/);
  assert.match(await fs.readFile(path.join(out, 'roles/lockstep_cert_self_signed/tasks/main.yml'), 'utf8'), /stdin: "\{\{ lockstep_key_passphrase \}\}"[\s\S]*no_log: true/);
  assert.match(await fs.readFile(script, 'utf8'), /3<"\$LOCKSTEP_KEY_PASSPHRASE_FILE"/);
  const missing = await lockstep(['--root', model, 'export', 'ansible']);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /needs --answers FILE/);
});

test('ansible-playbook --check --diff against a sandbox: the diffs shown, nothing changed', { skip: ansibleMissing }, async () => {
  await freshTarget();
  const before = await snapshot(target);
  const run = await ansible(path.join(sandbox.root, 'playbook'), '--check', '--diff');
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /\+PasswordAuthentication no/);
  assert.match(run.stdout, /\+Unattended-Upgrade::Mail "ops@example\.org";/);
  assert.match(run.stdout, /failed=0/);
  assert.deepEqual(await snapshot(target), before);
});

test('for real: the playbook, the script and lockstep itself leave the same files, modes and contents', { skip: ansibleMissing }, async () => {
  await freshTarget();
  const play = await ansible(path.join(sandbox.root, 'playbook'));
  assert.equal(play.exitCode, 0, play.stdout + play.stderr);
  const byAnsible = await outcome();

  // The playbook again: the key it made is not the model's "no key yet", so it stops at the preconditions.
  const twice = await ansible(path.join(sandbox.root, 'playbook'));
  assert.notEqual(twice.exitCode, 0);
  assert.match(twice.stdout, /fleet\.example\.org\/(cert|privkey)\.pem differs from the model machine the plans were made on/);
  assert.deepEqual(await outcome(), byAnsible, 'a refused target is left as it was');

  await freshTarget();
  const script = await shScript();
  assert.equal(script.exitCode, 0, script.stdout + script.stderr);
  assert.deepEqual(await outcome(), byAnsible);

  await freshTarget();
  const itself = await lockstep(['--root', target, 'onboard', '--answers', answers, '--yes']);
  // Every action of every step applied; of lockstep's own checks, only unattended-upgrade's dry
  // run may fail in a sandbox (it reads the host's apt state, not the sandbox's).
  const failedChecks = itself.stdout.split('\n').filter((l) => /^\s*✗ /.test(l) && !/Automatic security updates: failed/.test(l)).map((l) => l.trim().replace(/ —.*/, ''));
  assert.ok(failedChecks.every((c) => c === '✗ unattended-upgrade --dry-run accepts the configuration'), itself.stdout);
  assert.equal(itself.exitCode, failedChecks.length === 0 ? 0 : 1, itself.stdout + itself.stderr);
  assert.deepEqual(await outcome(), byAnsible);
  assert.match(await fs.readFile(path.join(target, 'etc/ssh/sshd_config.d/00-lockstep.conf'), 'utf8'), /^PasswordAuthentication no$/m);
});

test('a target unlike the model (another sshd_config) is refused by the playbook and the script before any change', { skip: ansibleMissing }, async () => {
  await freshTarget();
  await fs.appendFile(path.join(target, 'etc/ssh/sshd_config'), 'AllowUsers someone\n');
  const before = await snapshot(target);
  const play = await ansible(path.join(sandbox.root, 'playbook'));
  assert.notEqual(play.exitCode, 0);
  assert.match(play.stdout, /sshd_config differs from the model machine/);
  const script = await shScript();
  assert.notEqual(script.exitCode, 0);
  assert.match(script.stderr, /sshd_config is not the same as on the model the plans were made on; nothing was changed/);
  assert.deepEqual(await snapshot(target), before);
});
