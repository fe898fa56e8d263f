// The npm package: `npm pack` of this checkout (dist/ as npm test built it), then installed the
// way an operator would, `npm install -g --prefix DIR ./lockstep-<version>.tgz`, offline: the
// bundle carries every dependency, so nothing is fetched and no dev dependency comes along.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO, tempRoot } from '../helpers.js';

let sandbox: { root: string; cleanup: () => Promise<void> };
let tarball: string;
let version: string;

before(async () => {
  sandbox = await tempRoot('lockstep-npm-');
  version = (JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  // --ignore-scripts: `prepare` would rebuild dist/ under the other tests running beside this one.
  const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', sandbox.root], { cwd: REPO, env: { npm_config_cache: path.join(sandbox.root, 'npm-cache') } });
  const [info] = JSON.parse(pack.stdout) as { filename: string }[];
  tarball = path.join(sandbox.root, info?.filename ?? 'missing');
});
after(async () => sandbox?.cleanup());

test('npm pack: publishable, and only what runs (bin, the bundle, the man page, README, LICENSE)', async () => {
  const pkg = JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')) as { private?: boolean; bin: Record<string, string>; dependencies?: Record<string, string> };
  assert.notEqual(pkg.private, true, 'private packages cannot be published');
  assert.deepEqual(pkg.bin, { lockstep: 'bin/lockstep.js' });
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), [], 'the bundle carries its dependencies: none to install');
  assert.equal(path.basename(tarball), `lockstep-${version}.tgz`);
  const files = (await execa('tar', ['-tzf', tarball])).stdout.split('\n').filter((f) => !f.endsWith('/')).sort();
  for (const f of files) assert.match(f, /^package\/(bin\/lockstep\.js|dist\/.*\.js|dist\/man\/lockstep\.1|README\.md|LICENSE|package\.json)$/, f);
  assert.ok(files.includes('package/dist/cli.js'));
  assert.ok(files.includes('package/dist/man/lockstep.1'), 'man lockstep after npm install -g');
  assert.ok(!files.some((f) => f.includes('/src/') || f.includes('/test/') || f.endsWith('.map')));
});

test('npm install -g --prefix from the tarball, offline: lockstep --version and a dry run work with no dev dependency', async () => {
  const prefix = path.join(sandbox.root, 'prefix');
  const install = await execa('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], {
    cwd: sandbox.root,
    env: { npm_config_cache: path.join(sandbox.root, 'npm-cache') },
    reject: false,
  });
  assert.equal(install.exitCode, 0, install.stderr);
  const installed = path.join(prefix, 'lib/node_modules/lockstep');
  assert.ok(!existsSync(path.join(installed, 'node_modules')), 'nothing installed beside the package');
  const bin = path.join(prefix, 'bin/lockstep');
  assert.equal((await fs.readlink(bin)), '../lib/node_modules/lockstep/bin/lockstep.js');
  const env = { PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`, CI: 'true', NO_COLOR: '1' };
  const run = await execa('lockstep', ['--version'], { cwd: sandbox.root, env });
  assert.equal(run.stdout, version);
  const root = path.join(sandbox.root, 'root');
  await fs.mkdir(root);
  const dry = await execa('lockstep', ['--root', root, '--dry-run', 'cert', 'self-signed', '--host', 'npm.example.org'], { cwd: sandbox.root, env, reject: false });
  assert.equal(dry.exitCode, 0, dry.stderr);
  assert.match(dry.stdout, /\$ openssl req -new -x509/);
});
