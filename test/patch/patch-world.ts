// The patch tests' apt world (test/apt/apt-world.ts) with what a patch session needs on top: the
// old lockstep-secpkg 1.0 still in the regular archive (so its .deb can be kept for a downgrade),
// a changelog naming a CVE in secpkg 1.1, and the logs' immutable flag taken off before cleanup.
import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';
import { defaultRepos, hostCodename, makeAptWorld, type AptWorld, type AptWorldOptions, type TestPackage } from '../apt/apt-world.js';

export const CHANGELOG_11 = [
  'lockstep-secpkg (1.1) bookworm-security; urgency=high',
  '',
  '  * Fix a buffer overflow in the parser (CVE-2026-12345).',
  '  * Refuse oversized headers (CVE-2026-23456).',
  '',
  ' -- lockstep tests <tests@example.org>  Mon, 30 Nov 2026 10:00:00 +0000',
  '',
  'lockstep-secpkg (1.0) bookworm; urgency=medium',
  '',
  '  * First release.',
  '',
  ' -- lockstep tests <tests@example.org>  Sun, 01 Nov 2026 10:00:00 +0000',
  '',
].join('\n');

export const secpkg = (version: string, extra: Partial<TestPackage> = {}): TestPackage => ({
  name: 'lockstep-secpkg',
  version,
  files: { '/usr/share/lockstep-test/lockstep-secpkg.txt': `lockstep-secpkg ${version}\n`, '/etc/lockstep-secpkg.conf': `setting = ${version === '1.1' ? 2 : 1}\n`, ...(version === '1.1' ? { '/usr/share/doc/lockstep-secpkg/changelog.Debian': CHANGELOG_11 } : {}) },
  conffiles: ['/etc/lockstep-secpkg.conf'],
  ...extra,
});

/** signed: a third archive signed with a throwaway gpg key (signed-by=), for the repository report. */
export async function patchWorld(options: AptWorldOptions & { readonly extraSecurity?: readonly TestPackage[]; readonly signed?: boolean } = {}): Promise<AptWorld> {
  const repos = await defaultRepos(await hostCodename());
  repos[0] = { ...repos[0]!, packages: [...repos[0]!.packages.filter((p) => p.name !== 'lockstep-secpkg'), secpkg('1.1'), ...(options.extraSecurity ?? [])] };
  repos[1] = { ...repos[1]!, packages: [...repos[1]!.packages, secpkg('1.0')] };
  if (options.signed === true) repos.push({ name: 'signed', release: { Origin: 'Lockstep', Label: 'Lockstep Test', Suite: 'stable', Codename: 'lockstep' }, packages: [{ name: 'lockstep-signed', version: '1.0' }], signed: true, format: 'sources' });
  const world = await makeAptWorld({ repos, ...options });
  return {
    ...world,
    async cleanup() {
      const logs = path.join(world.root, 'var/log');
      for (const f of await fs.readdir(logs).catch(() => [] as string[])) if (f.startsWith('OSPATCH-')) await execa('chattr', ['-i', path.join(logs, f)], { reject: false });
      await world.cleanup();
    },
  };
}
