// The tls. checks on certificates the real openssl made (a vendor root and intermediate,
// test/tls/pki.ts), installed in live/ folders with their renewal records: valid passes,
// inside its renewal window warns, expired fails, a host name it lacks fails, an empty chain
// fails; a self-signed one from `lockstep cert self-signed` warns as self-signed and otherwise
// passes. Plus nginx fixtures for web.: TLS 1.0 refused, the redirect read from the config.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lockstep, tempRoot } from '../helpers.js';
import { makeVendorPki, type VendorPki } from '../tls/pki.js';
import { byId, checkJson } from './roots.js';

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
const DAY = 86_400_000;

describe('lockstep check: certificates and nginx', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let pki: VendorPki;
  before(async () => {
    ({ root, cleanup } = await tempRoot('lockstep-check-tls-'));
    pki = await makeVendorPki(path.join(root, '..', `${path.basename(root)}-pki`));
  });
  after(async () => {
    await cleanup();
    await fs.rm(pki.dir, { recursive: true, force: true });
  });

  async function install(name: string, o: { sans?: string[]; start?: number; end?: number; chain?: boolean; domain?: string[] } = {}): Promise<void> {
    const live = path.join(root, 'etc/lockstep/live', name);
    await fs.mkdir(live, { recursive: true });
    const key = path.join(live, 'privkey.pem');
    await execa('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    await fs.chmod(key, 0o600);
    const csr = path.join(pki.dir, `${name}.csr`);
    await execa('openssl', ['req', '-new', '-config', '/dev/null', '-key', key, '-subj', `/CN=${name}`, '-addext', `subjectAltName=${(o.sans ?? [name]).map((s) => `DNS:${s}`).join(',')}`, '-out', csr]);
    const cert = path.join(live, 'cert.pem');
    await pki.sign(csr, cert, { start: stamp(o.start ?? Date.now() - DAY), end: stamp(o.end ?? Date.now() + 60 * DAY) });
    const chain = o.chain === false ? '' : await fs.readFile(pki.intermediate, 'utf8');
    await fs.writeFile(path.join(live, 'chain.pem'), chain);
    await fs.writeFile(path.join(live, 'fullchain.pem'), (await fs.readFile(cert, 'utf8')) + chain);
    await fs.mkdir(path.join(root, 'etc/lockstep/renewal'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/lockstep/renewal', `${name}.json`), JSON.stringify({ method: 'purchased', command: 'cert install', answers: { domain: o.domain ?? [name] } }));
  }

  test('valid, expiring, expired, wrong host, incomplete chain, self-signed: each judged, the renewal inventory listing them all', async () => {
    await install('valid.example.org');
    await install('expiring.example.org', { start: Date.now() - 80 * DAY, end: Date.now() + 5 * DAY });
    await install('expired.example.org', { start: Date.now() - 90 * DAY, end: Date.now() - 2 * DAY });
    await install('wronghost.example.org', { sans: ['other.example.org'] });
    await install('nochain.example.org', { chain: false });
    const self = await lockstep(['--root', root, 'cert', 'self-signed', '--host', 'self.example.org', '--yes']);
    assert.equal(self.exitCode, 0, String(self.stderr));
    const { doc, exitCode } = await checkJson(root, ['--only', 'tls']);
    assert.equal(exitCode, 1);
    const status = (id: string) => byId(doc, id).status;
    assert.equal(status('tls.valid.example.org.expiry'), 'pass');
    assert.equal(status('tls.valid.example.org.files'), 'pass', byId(doc, 'tls.valid.example.org.files').evidence);
    assert.equal(status('tls.valid.example.org.key'), 'pass');
    assert.match(byId(doc, 'tls.valid.example.org.key').evidence, /ec prime256v1/);
    assert.equal(status('tls.expiring.example.org.expiry'), 'warn');
    assert.match(byId(doc, 'tls.expiring.example.org.expiry').evidence, /due for renewal now/);
    assert.equal(status('tls.expired.example.org.expiry'), 'fail');
    assert.match(byId(doc, 'tls.expired.example.org.expiry').evidence, /EXPIRED/);
    assert.equal(status('tls.wronghost.example.org.files'), 'fail');
    assert.match(byId(doc, 'tls.wronghost.example.org.files').evidence, /missing: wronghost\.example\.org/);
    assert.equal(status('tls.nochain.example.org.files'), 'fail');
    assert.match(byId(doc, 'tls.nochain.example.org.files').evidence, /chain\.pem is empty.*incomplete chain/);
    assert.equal(status('tls.self.example.org.self-signed'), 'warn');
    assert.equal(status('tls.self.example.org.expiry'), 'pass');
    assert.equal(status('tls.self.example.org.names'), 'pass');
  });

  test('nginx fixtures: an HTTPS site with TLS 1.0 fails web.tls-protocols; port 80 without a redirect fails web.redirect (read from the config)', async () => {
    const conf = path.join(root, 'etc/nginx');
    await fs.mkdir(path.join(conf, 'conf.d'), { recursive: true });
    await fs.writeFile(path.join(conf, 'nginx.conf'), `events {}\nhttp {\n  include ${conf}/conf.d/*.conf;\n}\n`);
    const live = path.join(root, 'etc/lockstep/live/valid.example.org');
    await fs.writeFile(path.join(conf, 'conf.d/site.conf'), [
      'server {', '  listen 127.0.0.1:18080;', '  server_name valid.example.org;', '  root /var/www/html;', '}',
      'server {', '  listen 127.0.0.1:18443 ssl;', '  server_name valid.example.org;', `  ssl_certificate ${live}/fullchain.pem;`, `  ssl_certificate_key ${live}/privkey.pem;`, '  ssl_protocols TLSv1 TLSv1.2;', '}', '',
    ].join('\n'));
    const { doc } = await checkJson(root, ['--only', 'web']);
    assert.equal(byId(doc, 'web.https-site').status, 'pass');
    assert.equal(byId(doc, 'web.tls-protocols').status, 'fail');
    assert.match(byId(doc, 'web.tls-protocols').evidence, /ssl_protocols TLSv1 TLSv1\.2/);
    assert.equal(byId(doc, 'web.redirect').status, 'fail');
    assert.match(byId(doc, 'web.redirect').evidence, /from the configuration .*serves plain HTTP/);
    const haveNginx = (await execa('sh', ['-c', 'command -v nginx'], { reject: false })).exitCode === 0;
    if (haveNginx) assert.equal(byId(doc, 'web.nginx-t').status, 'pass', byId(doc, 'web.nginx-t').evidence);
  });
});
