// pendingUpgrades where apt's binary cache is off (Dir::Cache::pkgcache "", as Docker images'
// docker-clean sets it): its three apt calls share one cache of their own, in a private temporary
// folder — the first call writes it, the next two find it — and the answer is exactly the one with
// apt's own cache on. The real apt on a test root (test/apt/apt-world.ts).
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pendingUpgrades } from '../../src/apt/security.js';
import { spawnProber, type Prober } from '../../src/core/probe.js';
import { System } from '../../src/core/system.js';
import { readPlatform } from '../../src/platform/distribution.js';
import { makeAptWorld, type AptWorld } from './apt-world.js';

const haveTools = (await execa('sh', ['-c', 'command -v dpkg-scanpackages && command -v apt-get'], { reject: false })).exitCode === 0;

interface Call {
  readonly argv: readonly string[];
  /** The cache file the call names, and whether it was there when the call started. */
  readonly cache?: { readonly file: string; readonly existed: boolean };
}

function recording(root: string): { sys: System; calls: Call[] } {
  const calls: Call[] = [];
  const real = spawnProber();
  const prober: Prober = async (argv, options) => {
    const opt = argv.find((a) => a.startsWith('Dir::Cache::pkgcache='));
    const file = opt?.slice('Dir::Cache::pkgcache='.length);
    calls.push({ argv, ...(file !== undefined ? { cache: { file, existed: existsSync(file) } } : {}) });
    return real(argv, options);
  };
  return { sys: new System(root, { prober }), calls };
}

const apt = (calls: readonly Call[]) => calls.filter((c) => c.argv[0] === 'apt-get' || c.argv[0] === 'apt-cache');

describe('pending upgrades with apt\'s cache off', { skip: haveTools ? false : 'needs dpkg-dev and apt' }, () => {
  let world: AptWorld;
  before(async () => {
    world = await makeAptWorld();
  });
  after(async () => {
    await world?.cleanup();
  });

  test('one run cache: written by the first call, read by the next two, removed after; the same upgrades as with apt\'s own cache', async () => {
    const on = recording(world.root);
    const withApts = await pendingUpgrades(on.sys, await readPlatform(on.sys));
    assert.equal(apt(on.calls).length, 3);
    assert.ok(apt(on.calls).every((c) => c.cache === undefined), 'apt\'s own cache is on: nothing added');

    await fs.writeFile(path.join(world.root, 'etc/apt/apt.conf.d/docker-clean'), 'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n');
    await fs.rm(path.join(world.root, 'var/cache/apt/pkgcache.bin'), { force: true });
    await fs.rm(path.join(world.root, 'var/cache/apt/srcpkgcache.bin'), { force: true });
    const off = recording(world.root);
    const withOne = await pendingUpgrades(off.sys, await readPlatform(off.sys));
    const calls = apt(off.calls);
    assert.deepEqual(calls.map((c) => `${c.argv[0]} ${c.argv.includes('-s') ? '-s' : c.argv.at(-1) === 'policy' ? 'policy' : 'policy NAMES'}`), ['apt-cache policy', 'apt-get -s', 'apt-cache policy NAMES']);
    const files = new Set(calls.map((c) => c.cache?.file));
    assert.equal(files.size, 1, 'one cache for the three calls');
    const [file] = [...files];
    assert.match(file ?? '', /\/lockstep-aptcache-[^/]+\/pkgcache\.bin$/);
    assert.ok(!file!.startsWith(world.root), 'outside the root: reading changes nothing under it');
    assert.deepEqual(calls.map((c) => c.cache?.existed), [false, true, true], 'the first call writes it, the next ones find it');
    assert.equal(existsSync(path.dirname(file!)), false, 'removed after the run');
    assert.equal(existsSync(path.join(world.root, 'var/cache/apt/pkgcache.bin')), false, 'apt\'s cache under the root stays off');
    assert.deepEqual(withOne, withApts);
    assert.ok(withOne.upgrades.some((u) => u.security), 'the world has a security update pending');
  });
});
