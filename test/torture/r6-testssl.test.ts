// R6: testssl.sh (Debian package testssl.sh) against the nginx site `lockstep web https` writes,
// served by a real nginx on loopback (its own prefix under --root). The site must offer TLS 1.2
// and 1.3 only, exactly ciphers of Mozilla's intermediate list (the suites its key type can
// use, all of them), and testssl must find nothing HIGH or CRITICAL. The short pass checks
// protocols and ciphers of a site with an ECDSA certificate; the full run adds the
// vulnerability, server-default and header checks and an RSA certificate, and a certificate
// from lockstep's private CA (signed with --crl-url: without a CRL or OCSP URI testssl rates it HIGH).
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lockstep, tempRoot } from '../helpers.js';
import { freePort } from '../e2e/nginx.js';
import { startSiteNginx, type SiteNginx } from '../tls/site-nginx.js';
import { FULL, figures } from './torture.js';

const haveTestssl = (await execa('sh', ['-c', 'command -v testssl'], { reject: false })).exitCode === 0;

/** Mozilla's intermediate configuration (v5.7), as IANA code points testssl names cipher_x<hex>. */
const TLS13 = ['1301', '1302', '1303'];
const ECDSA = ['c02b', 'c02c', 'cca9'];
const RSA = ['c02f', 'c030', 'cca8'];
const DHE = ['9e', '9f', 'ccaa'];
const INTERMEDIATE = new Set([...TLS13, ...ECDSA, ...RSA, ...DHE]);

interface Finding {
  readonly id: string;
  readonly severity: string;
  readonly finding: string;
}

interface Site {
  readonly name: string;
  readonly root: string;
  readonly port: number;
  readonly caFile: string;
  readonly keyType: 'ec' | 'rsa';
  /** testssl ids rated HIGH that are about the certificate, not the site, with why they are allowed. */
  readonly certificateOnly: Readonly<Record<string, string>>;
  readonly finding?: string;
  nginx: SiteNginx;
}

async function ok(args: string[]): Promise<void> {
  const r = await lockstep(args);
  assert.equal(r.exitCode, 0, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
}

async function makeSite(name: string, cert: 'self-signed-ec' | 'self-signed-rsa' | 'private-ca'): Promise<Site> {
  const { root } = await tempRoot('lockstep-r6-');
  await fs.chmod(root, 0o755); // nginx workers run as nobody
  const dir = '/etc/ssl/lockstep/site.example';
  let caFile = path.join(root, dir, 'cert.pem');
  if (cert === 'private-ca') {
    await fs.mkdir(path.join(root, 'etc/ssl'), { recursive: true });
    await fs.copyFile(new URL('../../fixtures/openssl-cnf/debian-12.cnf', import.meta.url), path.join(root, 'etc/ssl/openssl.cnf'));
    const pass = `${root}.pass`;
    await fs.writeFile(pass, 'correct horse battery staple\n', { mode: 0o600 });
    await ok(['--root', root, 'ca', 'init', '--yes', '--passphrase-file', pass, '--key-type', 'ec-p384', '--country', 'US', '--org', 'Quoin']);
    await ok(['--root', root, 'ca', 'sign', '--yes', '--passphrase-file', pass, '--host', 'site.example', '--key-type', 'ec-p256', '--days', '90', '--crl-url', 'http://pki.site.example/couch_ca.crl']);
    await fs.rm(pass);
    const host = '/etc/pki/CA/hosts/site.example/site.example';
    // The operator's files, as given (not under --root): the CA's files inside the root.
    await ok(['--root', root, 'cert', 'install', '--yes', '--domain', 'site.example', '--cert', `${root}${host}.crt`, '--key', `${root}${host}.key`, '--trust-store', `${root}/etc/pki/CA/certs/couch_ca.cert`]);
    caFile = path.join(root, 'etc/pki/CA/certs/couch_ca.cert');
  } else {
    await ok(['--root', root, 'cert', 'self-signed', '--yes', '--host', 'site.example', '--key-type', cert === 'self-signed-ec' ? 'ec-p256' : 'rsa2048', '--out-dir', dir]);
  }
  const nginx = await startSiteNginx(root);
  await fs.chmod(path.join(root, 'var'), 0o755);
  const port = await freePort();
  const certDir = cert === 'private-ca' ? '/etc/lockstep/live/site.example' : dir;
  await ok(['--root', root, '--yes', 'web', 'https', '--domain', 'site.example', '--cert-dir', certDir, '--nginx-conf', '/etc/nginx/nginx.conf',
    '--http-port', String(await freePort()), '--https-port', String(port), '--listen-address', '127.0.0.1']);
  return {
    name, root, port, caFile, nginx,
    keyType: cert === 'self-signed-rsa' ? 'rsa' : 'ec',
    // A self-signed certificate has no issuer that could revoke it: no CRL or OCSP URI to give.
    certificateOnly: cert === 'private-ca' ? {} : { cert_revocation: 'a self-signed certificate has nobody to revoke it' },
  };
}

async function testssl(site: Site, checks: readonly string[]): Promise<{ findings: Finding[]; seconds: number }> {
  const json = path.join(site.root, 'testssl.json');
  const started = performance.now();
  const r = await execa('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '--nodns', 'none', '--ip', '127.0.0.1', '--add-ca', site.caFile,
    '--jsonfile', json, ...checks, `https://site.example:${site.port}`], { reject: false, stdin: 'ignore' });
  const findings = JSON.parse(await fs.readFile(json, 'utf8').catch(() => '[]')) as Finding[];
  assert.ok(findings.length > 0, `testssl wrote no findings (exit ${r.exitCode}): ${r.stderr.slice(0, 500)}`);
  return { findings, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

describe('R6: testssl.sh against the nginx site lockstep writes', { skip: haveTestssl ? false : 'testssl is not installed (Debian package testssl.sh; .ci/run installs it)', concurrency: false }, () => {
  const sites: Site[] = [];
  before(async () => {
    sites.push(await makeSite('ECDSA P-256, self-signed', 'self-signed-ec'));
    if (FULL) {
      sites.push(await makeSite('RSA 2048, self-signed', 'self-signed-rsa'));
      sites.push(await makeSite('ECDSA P-256 from lockstep\'s private CA', 'private-ca'));
    }
  });
  after(async () => {
    for (const s of sites) {
      await s.nginx.stop();
      await fs.rm(s.root, { recursive: true, force: true });
    }
  });

  // Protocols and each cipher always; the full run adds vulnerabilities, server defaults, headers, forward secrecy.
  const CHECKS = FULL ? ['-p', '-e', '-U', '-S', '-h', '-f'] : ['-p', '-e'];
  const count = FULL ? 3 : 1;
  for (let i = 0; i < count; i++) {
    test(`site ${i + 1}: TLS 1.2 and 1.3 only, Mozilla intermediate ciphers, nothing HIGH or CRITICAL (testssl ${CHECKS.join(' ')})`, async (t) => {
      const site = sites[i]!;
      const { findings, seconds } = await testssl(site, CHECKS);
      const by = new Map(findings.map((f) => [f.id, f]));
      const protocols = Object.fromEntries(['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1', 'TLS1_2', 'TLS1_3'].map((p) => [p, by.get(p)?.finding ?? 'missing']));
      const offered = findings.filter((f) => /^cipher_x[0-9a-f]+$/.test(f.id)).map((f) => f.id.slice('cipher_x'.length));
      const severe = findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'CRITICAL') && !(f.id in site.certificateOnly));
      figures(t, {
        requirement: 'R6',
        site: site.name,
        checks: CHECKS.join(' '),
        seconds,
        findings: findings.length,
        bySeverity: findings.reduce<Record<string, number>>((m, f) => ((m[f.severity] = (m[f.severity] ?? 0) + 1), m), {}),
        protocols,
        ciphers: offered,
        highOrCritical: severe.map((f) => `${f.id}: ${f.finding}`),
        allowedAsCertificateOnly: findings.filter((f) => f.id in site.certificateOnly).map((f) => `${f.id} (${site.certificateOnly[f.id]})`),
      });
      for (const p of ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1']) assert.equal(protocols[p], 'not offered', `${p}: ${protocols[p]}`);
      assert.equal(protocols.TLS1_2, 'offered');
      assert.match(protocols.TLS1_3!, /^offered/);
      assert.deepEqual(offered.filter((c) => !INTERMEDIATE.has(c)), [], 'ciphers outside Mozilla intermediate');
      const expected = [...TLS13, ...(site.keyType === 'ec' ? ECDSA : RSA)].sort();
      assert.deepEqual([...new Set(offered)].sort(), expected, 'every intermediate suite the key type can use, and no other');
      if (site.finding !== undefined && severe.length > 0) t.diagnostic(`finding: ${site.finding}`);
      assert.deepEqual(severe.map((f) => `${f.id} ${f.severity}: ${f.finding}`), []);
    });
  }
});
