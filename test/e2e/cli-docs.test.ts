// The command line's own documentation, from the one manifest the build makes (cli/manifest.ts):
// every flag and answers-file key --help shows is in the man page, man reads it without a
// warning, bash and zsh complete commands, options and choices from it; unknown commands are
// named with the nearest one; --version and --help load none of the commands' code.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, lockstep, REPO } from '../helpers.js';

const notBuilt = existsSync(path.join(REPO, 'dist', 'man', 'lockstep.1')) ? false : 'dist/ is not built (npm run build)';

/** Every command path, found by walking the Commands: sections of --help itself. */
async function allCommands(prefix: string[] = []): Promise<string[][]> {
  const help = (await lockstep([...prefix, '--help'])).stdout;
  const list = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  const subs = [...list.matchAll(/^ {2}([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!).filter((w) => w !== 'help');
  const nested = await Promise.all(subs.map((w) => allCommands([...prefix, w])));
  return [prefix, ...nested.flat()];
}

test('every flag and answers key of every --help is in the man page; man reads it without a warning', { skip: notBuilt }, async () => {
  const roff = await fs.readFile(path.join(REPO, 'dist/man/lockstep.1'), 'utf8');
  const man = roff.replace(/\\-/g, '-').replace(/\\e/g, '\\');
  const commands = await allCommands();
  assert.ok(commands.length >= 25, `${commands.length} commands found`);
  for (const words of commands) {
    const help = (await lockstep([...words, '--help'])).stdout;
    if (words.length > 0) assert.ok(man.includes(`.B lockstep ${words.join(' ')}`) || help.includes('Commands:'), `lockstep ${words.join(' ')} has no section`);
    for (const [flag] of help.matchAll(/--[a-z0-9][a-z0-9-]*/g)) assert.ok(man.includes(flag), `${flag} of "lockstep ${words.join(' ')} --help" is not in the man page`);
    for (const [, key] of help.replace(/\s+/g, ' ').matchAll(/answers key "([A-Za-z0-9]+)"/g)) assert.ok(man.includes(`answers key "${key}"`), `answers key ${key} (lockstep ${words.join(' ')})`);
    assert.doesNotMatch(help, /default: [;)]|answer no to/, `lockstep ${words.join(' ')} --help`);
  }
  if (existsSync('/usr/bin/man')) {
    const r = await execa('man', ['--warnings', '-l', path.join(REPO, 'dist/man/lockstep.1')], { env: { MANWIDTH: '80', MAN_KEEP_FORMATTING: '0' }, stdin: 'ignore' });
    assert.equal(r.stderr, '', 'man --warnings');
    assert.match(r.stdout.replace(/.\u0008/g, ''), /lockstep ca sign \[options\]/);
  }
});

/** What bash offers after `line` (the last word being completed), with the generated script sourced. */
async function bashComplete(line: string): Promise<string[]> {
  const words = line.split(' ');
  const script = [
    'source <(node "$BIN" completion bash)',
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_lockstep',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = await execa('bash', ['-c', script], { env: { BIN }, cwd: REPO });
  return r.stdout.split('\n').filter((l) => l !== '');
}

test('bash completes commands, subcommands, options, choices and file names from the script lockstep prints', { skip: notBuilt }, async () => {
  assert.deepEqual(await bashComplete('lockstep ce'), ['cert']);
  assert.deepEqual(await bashComplete('lockstep ca si'), ['sign']);
  assert.ok((await bashComplete('lockstep cert self-signed --key-')).includes('--key-type'));
  assert.ok((await bashComplete('lockstep --root /tmp ca init --')).includes('--no-adopt'));
  assert.ok((await bashComplete('lockstep ca sign --')).includes('--root'), 'global options after a command');
  assert.deepEqual(await bashComplete('lockstep ca init --key-type rsa'), ['rsa3072', 'rsa4096']);
  assert.ok((await bashComplete('lockstep --answers pack')).includes('package.json'), 'a file after --answers');
  assert.deepEqual(await bashComplete('lockstep completion '), []);
});

const zshMissing = existsSync('/usr/bin/zsh') || existsSync('/bin/zsh') ? false : 'zsh is not installed (.ci/run installs it)';

test('zsh: the script parses, registers with compdef and lists what bash lists', { skip: notBuilt || zshMissing }, async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-zsh-'));
  try {
    const file = path.join(dir, '_lockstep');
    await fs.writeFile(file, (await execa('node', [BIN, 'completion', 'zsh'])).stdout);
    await execa('zsh', ['-n', file]);
    const r = await execa('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -d "${dir}/zcompdump" && source "${file}" && print -r -- "\${_comps[lockstep]}" && _lockstep_subs ca && _lockstep_value 'ca init' --key-type`]);
    assert.deepEqual(r.stdout.split('\n'), ['_lockstep', 'init sign revoke crl distribute list', 'words ec-p384 rsa3072 rsa4096']);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('an unknown command is named with the nearest one (exit 2); a far one lists the commands', async () => {
  for (const [args, said] of [
    [['certt'], /unknown command 'certt'\n\(Did you mean cert\?/],
    [['ca', 'sing'], /unknown command 'sing' for 'lockstep ca'\n\(Did you mean sign\?/],
    [['fierwall'], /Did you mean firewall\?/],
    [['frobnicate'], /unknown command 'frobnicate'\nThe commands of lockstep: onboard, cert, .*completion\./],
  ] as const) {
    const r = await lockstep([...args]);
    assert.equal(r.exitCode, 2, args.join(' '));
    assert.match(r.stderr, said);
  }
  const group = await lockstep(['ca']);
  assert.equal(group.exitCode, 2, 'a group without its subcommand is bad usage');
  assert.match(group.stderr, /Usage: lockstep ca \[options\] \[command\]/);
  const help = await lockstep(['help', 'ca', 'sign']);
  assert.equal(help.exitCode, 0);
  assert.equal(help.stdout, (await lockstep(['ca', 'sign', '--help'])).stdout);
});

/** The files of dist/ a run imports (an ESM loader hook sees each one). */
async function loaded(args: readonly string[], root: string): Promise<string[]> {
  const hook = path.join(root, 'hook.mjs');
  const register = path.join(root, 'register.mjs');
  await fs.writeFile(hook, "export async function load(url, context, next) { if (url.includes('/dist/')) process.stderr.write(`LOADED ${url}\\n`); return next(url, context); }\n");
  await fs.writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hook}`)});\n`);
  const r = await execa('node', ['--import', register, BIN, ...args], { reject: false, env: { CI: 'true', NO_COLOR: '1' }, stdin: 'ignore' });
  return [...r.stderr.matchAll(/^LOADED file:\/\/(\S+)$/gm)].map((m) => m[1]!);
}

test('--version and --help load the entry and the manifest only; ca sign loads neither the ACME client nor the TUI', { skip: notBuilt }, async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-lazy-'));
  try {
    const read = async (files: readonly string[]): Promise<string> => (await Promise.all(files.map((f) => fs.readFile(f, 'utf8')))).join('\n');
    for (const args of [['--version'], ['--help'], ['cert', 'self-signed', '--help']]) {
      const files = await loaded(args, root);
      assert.ok(files.length >= 1 && files.length <= 4, `${args.join(' ')} loaded ${files.length} files: ${files.join(', ')}`);
      assert.doesNotMatch(await read(files), /react-reconciler|node_modules\/commander|node_modules\/zod|src\/flows\/onboard/, args.join(' '));
    }
    const files = await loaded(['--root', root, 'ca', 'sign', '--host', 'a.example.org', '--yes'], root);
    const names = files.map((f) => path.basename(f));
    assert.ok(names.some((n) => n.startsWith('ca-sign-')), names.join(' '));
    assert.ok(!names.some((n) => /^(acme-order|run-tui|onboard|letsencrypt|firewall-step)-/.test(n)), names.join(' '));
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
