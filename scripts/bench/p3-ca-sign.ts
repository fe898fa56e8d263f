// P3: `lockstep ca sign` of 20 hosts (RSA 2048 keys, a subjectAltName each, an encrypted RSA 4096
// CA) against easy-rsa 3.1 (`gen-req` + `sign-req server`) for the same 20, each on its own fresh
// CA. easy-rsa comes from apt (installed here when missing and root may install it).
import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';
import { anchorFromApt, median, type Figure } from './table.js';

const HOSTS = Number(process.env.BENCH_CA_HOSTS ?? 20);
const PASS = 'correct horse battery staple';
const EASYRSA = '/usr/share/easy-rsa/easyrsa';

export const figure: Figure = {
  id: 'P3',
  title: 'private CA: sign 20 hosts',
  async rows({ repo, bin, work }) {
    const what = `lockstep ca sign, ${HOSTS} hosts`;
    const anchorName = 'easy-rsa 3.1 gen-req + sign-req';
    if (anchorFromApt('easy-rsa', [EASYRSA]) === undefined) return [{ id: 'P3', what, anchorName, unit: 's', runs: 0, maxRatio: 0.5, note: 'easy-rsa is not installed (apt-get install easy-rsa)' }];
    const runs = Number(process.env.BENCH_CA_RUNS ?? 1);
    const passFile = path.join(work, 'pass');
    await fs.writeFile(passFile, `${PASS}\n`, { mode: 0o600 });
    // openssl reads -passin and -passout given the same file as its first and second lines.
    const twice = path.join(work, 'pass-twice');
    await fs.writeFile(twice, `${PASS}\n${PASS}\n`, { mode: 0o600 });
    const hosts = Array.from({ length: HOSTS }, (_, i) => `host-${String(i + 1).padStart(2, '0')}.bench.example.org`);
    const hostsFile = path.join(work, 'hosts.txt');
    await fs.writeFile(hostsFile, `${hosts.join('\n')}\n`);
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let n = 0; n < runs; n++) {
      const root = path.join(work, `ca-${n}`);
      await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
      await fs.copyFile(path.join(repo, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(root, 'etc/ssl/openssl.cnf'));
      const env = { CI: 'true', NO_COLOR: '1' };
      await execa('node', [bin, '--root', root, 'ca', 'init', '--yes', '--passphrase-file', passFile, '--key-type', 'rsa4096', '--country', 'US', '--org', 'Bench, Inc.'], { env });
      let t = performance.now();
      await execa('node', [bin, '--root', root, 'ca', 'sign', '--yes', '--passphrase-file', passFile, '--hosts-file', hostsFile, '--key-type', 'rsa2048'], { env });
      mine.push((performance.now() - t) / 1000);

      const pki = path.join(work, `easyrsa-${n}`);
      const ersa = (args: string[]) => execa(EASYRSA, ['--batch', `--pki-dir=${pki}`, '--keysize=4096', ...args], { stdin: 'ignore' });
      await ersa(['init-pki']);
      await ersa(['--req-cn=Bench CA', `--passout=file:${twice}`, `--passin=file:${twice}`, 'build-ca']);
      t = performance.now();
      for (const h of hosts) {
        await execa(EASYRSA, ['--batch', `--pki-dir=${pki}`, '--keysize=2048', `--req-cn=${h}`, 'gen-req', h, 'nopass'], { stdin: 'ignore' });
        await execa(EASYRSA, ['--batch', `--pki-dir=${pki}`, `--subject-alt-name=DNS:${h}`, `--passin=file:${passFile}`, 'sign-req', 'server', h], { stdin: 'ignore' });
      }
      theirs.push((performance.now() - t) / 1000);
    }
    return [{ id: 'P3', what, lockstep: median(mine), anchor: median(theirs), anchorName, unit: 's', runs, maxRatio: 0.5, note: 'RSA 2048 host keys with SANs, encrypted RSA 4096 CA' }];
  },
};
