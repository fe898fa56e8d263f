// Onboard's private-CA path walked end to end in a real terminal (tmux, 120x40) on a sandbox
// root, as a newcomer would: the parts the machine cannot run said at once, the three ways side
// by side, the recommendation with its reason at the choice, the CA's long plan folded (d
// unfolds it), one certificate for both of the site's names, recorded as the private CA's, a
// chain that holds the root, and a real nginx serving it over HTTPS. Screen by screen.
// LOCKSTEP_SCREENS=DIR keeps each screen asserted on as DIR/NN-name.txt.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO, lockstep, tempRoot } from '../helpers.js';
import { row } from '../tls/renew-table.js';
import { startSiteNginx, type SiteNginx } from '../tls/site-nginx.js';
import { freePort } from './nginx.js';
import { startInTmux, tmuxMissing } from './tmux.js';

const PASS = 'correct horse battery staple';
const NAME = 'couch.internal.example';
const ALSO = 'replica.internal.example';
let box: { root: string; cleanup: () => Promise<void> };
let nginx: SiteNginx | undefined;

before(async () => {
  box = await tempRoot('lockstep-walk-');
  await fs.chmod(box.root, 0o755); // nginx's workers read the document root
  await fs.mkdir(path.join(box.root, 'etc/ssl'), { recursive: true });
  await fs.copyFile(path.join(REPO, 'fixtures/openssl-cnf/debian-12.cnf'), path.join(box.root, 'etc/ssl/openssl.cnf'));
  nginx = await startSiteNginx(box.root);
});
after(async () => {
  await nginx?.stop();
  await box?.cleanup();
});

test("onboard's private-CA path in a real terminal, screen by screen, to an nginx that serves both names", { skip: tmuxMissing }, async () => {
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const term = await startInTmux(['--root', box.root, 'onboard']);
  let n = 0;
  const keep = async (name: string, screen: string): Promise<string> => {
    const dir = process.env.LOCKSTEP_SCREENS;
    if (dir !== undefined && dir !== '') await fs.writeFile(path.join(dir, `${String(++n).padStart(2, '0')}-${name}.txt`), screen);
    assert.ok(!screen.includes(PASS), 'the passphrase never reaches the screen');
    return screen;
  };
  const at = async (text: string, name: string, timeoutMs?: number): Promise<string> => keep(name, await term.waitFor(text, timeoutMs));
  const answer = async (question: string, typed: string | undefined, name = question): Promise<void> => {
    await term.waitFor(question);
    if (typed !== undefined) await term.type(typed);
    await term.key('Enter');
    void name;
  };
  try {
    // 1. What this sandbox cannot run is said before the first question; the parts are chosen.
    const parts = await at('Which parts should this run set up?', 'parts');
    assert.match(parts, /- Key-only SSH: skipped \(sshd is not installed here: there is no \/etc\/ssh\/sshd_config\./);
    for (const k of ['Down', 'Down', 'Space', 'Down', 'Space', 'Down', 'Space', 'Down', 'Space']) await term.key(k);
    await term.waitFor('[ ] Automatic security updates');
    await term.key('Enter');

    // 2. The three ways side by side, before any question about the site.
    const ways = await at('Does the site have a public DNS name', 'three-ways');
    assert.match(ways, /^ +Let's Encrypt +Purchased from a vendor +Your private CA \(or self-signed\)$/m);
    for (const r of ['needs', 'costs', 'renews', 'for']) assert.match(ways, new RegExp(`^  ${r} +\\S`, 'm'));
    await term.type('n');
    await answer('require a certificate from a commercial CA', undefined);

    // 3. The recommendation preselected, its reason once, at the choice.
    const choice = await at('How will you get the certificate?', 'choice');
    assert.match(choice, /❯ Your private CA/);
    assert.match(choice, /Recommended: Your private CA, because the site is internal/);
    await term.key('Enter');

    // 4. The CA: its questions, then a 13-action plan folded to one line each; d unfolds it.
    await answer('? Folder of the certificate authority', undefined);
    await answer('? Name of the CA', undefined);
    await answer('? Root key type', undefined);
    await answer('? Passphrase of the root key', PASS);
    await answer('once more to be sure', PASS);
    await answer("Where should the guide's openssl.cnf changes go?", undefined);
    await answer('? The system openssl.cnf', undefined);
    await answer('? Country', 'US');
    await answer('? State or province', 'Massachusetts');
    await answer('? City', 'Boston');
    await answer('? Organisation', 'Quoin, Inc.');
    await answer('? Contact e-mail', 'ops@example.org');
    await answer('? Common name of the root certificate', undefined);
    await answer('? Root certificate valid for how many days', undefined);
    await answer('? Signature digest', undefined);
    const folded = await at('? Apply this plan?', 'ca-plan-folded');
    assert.match(folded, /The plan: 13 actions\. Nothing has changed yet\./);
    assert.match(folded, /^12\. Self-sign the root certificate$/m);
    assert.match(folded, /d shows every command and file change/);
    assert.doesNotMatch(folded, /\$ openssl genpkey/);
    await term.type('d');
    // Unfolded (its heading has scrolled up): the diffs are on screen, the question says all is shown.
    const full = await at('The plan above lists every command and file change.', 'ca-plan-unfolded');
    assert.match(full, /^ {3}\+0\.organizationName_default {2}= Quoin, Inc\.$/m);
    await term.type('y');

    // 5. The site's certificate: one for both names; the passphrase is not asked again.
    const sign = await at('? Names the site answers to (one certificate for all of them)', 'sign-names', 60_000);
    assert.match(sign, /Passphrase of\s+the root key: the one given earlier/);
    await term.type(`${NAME}, ${ALSO}`);
    await term.key('Enter');
    const san = await at('? Extra subjectAltNames for the certificate', 'sign-san');
    assert.match(san, /Enter leaves it empty\./);
    await term.key('Enter');
    await answer('? Key type for the host keys', undefined);
    await answer('? Host certificates valid for how many days', undefined);
    await term.waitFor('? Apply this plan?');
    await term.type('y');

    // 6. Installed into live/ as the private CA's, the chain holding its root.
    const install = await at('Record that couch.internal.example is renewed by signing it again with the private CA', 'install-plan', 30_000);
    assert.match(install, /Archive the chain \(the CA's root certificate\)/);
    await term.waitFor('? Apply this plan?');
    await term.type('y');
    const installed = await at('signs it again with your private CA before it expires', 'installed');
    assert.match(installed, /every name in subjectAltName — couch\.internal\.example, replica\.internal\.example/);

    // 7. HTTPS with the real nginx of the sandbox.
    await answer('? nginx site file to write', undefined);
    await answer('? nginx main configuration', undefined);
    await answer('? Folder the HTTPS site serves', undefined);
    await answer('? Folder port 80 serves ACME HTTP-01 tokens from', undefined);
    await term.waitFor('? HTTP port');
    await term.key('C-u');
    await answer('? HTTP port', String(httpPort));
    await term.waitFor('? HTTPS port');
    await term.key('C-u');
    await answer('? HTTPS port', String(httpsPort));
    await answer('? Address to listen on', '127.0.0.1');
    await answer('? Send HSTS', undefined);
    await term.waitFor('? Apply this plan?');
    await term.type('y');

    // 8. The closing list: every part chosen done, the others left out for what they are.
    const end = await at('lockstep-exit=0', 'closing', 60_000);
    // The HTTPS part's verification and summary went by above the closing checklist: the scrollback has them.
    const all = await term.history();
    assert.match(all, /✓ nginx serves the new certificate/);
    assert.match(all, /"lockstep (--root \S+ )?renew" renews it the way it was made/);
    assert.doesNotMatch(end, /lockstep cert letsencrypt/, 'no Let\'s Encrypt advice for a private-CA certificate');
    for (const done of ['Private certificate authority', "Sign the site's certificate with the CA", 'Install the CA-signed certificate for the web server', 'HTTPS only with nginx']) {
      assert.match(end, new RegExp(`✓ ${done.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    }
    assert.match(end, /- Key-only SSH: skipped \(not among the parts chosen for this run\)/, 'left out by the choice, whatever the machine lacks');
    assert.doesNotMatch(end, /To go on:/);
  } finally {
    await term.kill();
  }

  // What the walk left: one certificate for both names, served by nginx, recorded as the private CA's.
  const live = path.join(box.root, 'etc/lockstep/live', NAME);
  const rootCa = path.join(box.root, 'etc/pki/CA/certs/couch_ca.cert');
  assert.equal(new X509Certificate(await fs.readFile(path.join(live, 'cert.pem'))).subjectAltName, `DNS:${NAME}, DNS:${ALSO}`);
  assert.equal(await fs.readFile(path.join(live, 'chain.pem'), 'utf8'), new X509Certificate(await fs.readFile(rootCa)).toString());
  const record = JSON.parse(await fs.readFile(path.join(box.root, 'etc/lockstep/renewal', `${NAME}.json`), 'utf8')) as { method: string };
  assert.equal(record.method, 'private-ca');
  await fs.writeFile(path.join(box.root, 'var/www/html/index.html'), 'couch\n');
  for (const name of [NAME, ALSO]) {
    const curl = await execa('curl', ['-sS', '--max-time', '5', '--cacert', rootCa, '--resolve', `${name}:${httpsPort}:127.0.0.1`, `https://${name}:${httpsPort}/`], { reject: false });
    assert.equal(curl.exitCode, 0, `${name}: ${curl.stderr}`);
    assert.equal(curl.stdout.trim(), 'couch');
  }
  const renew = await lockstep(['--root', box.root, 'renew', '--dry-run']);
  assert.equal(row(renew.stdout, NAME).kind, 'private CA');
});

test("lockstep cert's first screen in a real terminal: the three ways side by side before the first question", { skip: tmuxMissing }, async () => {
  const term = await startInTmux(['--root', box.root, 'cert']);
  try {
    const first = await term.waitFor('? Does the site have a public DNS name');
    const dir = process.env.LOCKSTEP_SCREENS;
    if (dir !== undefined && dir !== '') await fs.writeFile(path.join(dir, 'cert-first-screen.txt'), first);
    const lines = first.split('\n');
    const top = lines.findIndex((l) => l.startsWith('Three ways to get the certificate'));
    const question = lines.findIndex((l) => l.startsWith('? Does the site have a public DNS name'));
    assert.ok(top >= 0 && top < question, first);
    assert.match(lines[top + 1] ?? '', /^ +Let's Encrypt +Purchased from a vendor +Your private CA \(or self-signed\)$/);
    assert.match(first, /^ {2}needs +a public DNS name, and port 80 +a vendor \(DigiCert, Sectigo…\): +your own CA/m);
    assert.match(first, /^ {2}costs +nothing +a yearly fee/m);
    assert.match(first, /^ {2}renews +by itself: lockstep renew/m);
    assert.doesNotMatch(first, /Recommended:/, 'no recommendation before anything is known of the site');
    await term.key('C-c');
    await term.waitFor('lockstep-exit=1');
  } finally {
    await term.kill();
  }
});
