// `lockstep cert` in the TUI and from the home menu ("Application certificate"): the questions,
// the recommendation preselected, its reason and the exact next command; nothing to confirm for
// the advice. Then it offers to go on with the way chosen: its questions, plan and checks, and
// the HTTPS site after it.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { FLOWS } from '../../src/flows/index.js';
import { tempRoot } from '../helpers.js';
import { KEY, answerInternalSite, cleanup, focusOn, makeSelfSigned, startApp } from '../ui/harness.js';

const roots: Array<() => Promise<void>> = [];
afterEach(async () => {
  cleanup();
  for (const c of roots.splice(0)) await c();
});

test('home menu → Application certificate: public name, port 80 closed, DNS open → Let\'s Encrypt DNS-01 with the reason and the command', async () => {
  const { root, cleanup: done } = await tempRoot('lockstep-ui-cert-');
  roots.push(done);
  const app = startApp({ root, flows: FLOWS });
  await focusOn(app, FLOWS, 'Application certificate');
  app.press(KEY.enter);
  await app.waitFor('Does the site have a public DNS name');
  app.press('y');
  await app.waitFor('Can the CA reach this server on port 80?');
  app.press('n');
  await app.waitFor("Can you create TXT records in the name's DNS zone");
  app.press('y');
  await app.waitFor('require a certificate from a commercial CA?');
  app.press(KEY.enter); // no
  const select = await app.waitFor('How will you get the certificate?');
  assert.match(select, /❯ Let's Encrypt, DNS-01/, 'the recommendation is preselected');
  assert.match(select, /Recommended: Let's Encrypt, DNS-01, because port 80 is closed but you control the DNS[^]*It is preselected\./, 'with its reason, at the choice');
  app.press(KEY.enter);
  const end = await app.waitFor(`Next: lockstep --root ${root} cert letsencrypt`);
  assert.match(end, /Chosen: Let's Encrypt, DNS-01, the recommended way\./);
  assert.doesNotMatch(end, /Recommended:/, 'the reason is not repeated after the choice');
  assert.doesNotMatch(end, /Apply this plan\?/);
});

test('lockstep cert: an internal site, and a different pick than the recommendation', async () => {
  const { root, cleanup: done } = await tempRoot('lockstep-ui-cert-');
  roots.push(done);
  const cert = FLOWS.find((f) => f.command === 'cert')!;
  const app = startApp({ root, flows: FLOWS, start: cert });
  const select = await answerInternalSite(app);
  assert.match(select, /❯ Your private CA/);
  assert.match(select, /Recommended: Your private CA, because the site is internal/);
  app.press(KEY.down, KEY.enter); // self-signed
  const end = await app.waitFor(`Next: lockstep --root ${root} cert self-signed`);
  assert.match(end, /Chosen: Self-signed, over the recommended Your private CA\./);
  await app.waitFor('Get the certificate now (Self-signed)?');
  app.press('n');
  const last = await app.waitFor('Application certificate: what was done');
  assert.match(last, /- Self-signed certificate: not applied \(you chose not to\)/);
  assert.match(last, /- HTTPS only with nginx: skipped \(nginx is not installed here/, 'this root has no nginx: said before the first question');
  assert.equal(await app.exited, 0);
});

test('lockstep cert goes on: the self-signed step asked, previewed, applied and checked in the same TUI run', async () => {
  const { root, cleanup: done } = await tempRoot('lockstep-ui-cert-');
  roots.push(done);
  await fs.mkdir(path.join(root, 'etc/nginx'), { recursive: true });
  await fs.writeFile(path.join(root, 'etc/nginx/nginx.conf'), 'events {}\nhttp { include conf.d/*.conf; }\n');
  const cert = FLOWS.find((f) => f.command === 'cert')!;
  const app = startApp({ root, flows: FLOWS, start: cert });
  await answerInternalSite(app);
  app.press(KEY.down, KEY.enter);
  const gate = await app.waitFor('Get the certificate now (Self-signed)?');
  assert.match(gate, /▸ Certificate {2}· HTTPS/, 'the certificate part is under way in the progress bar');
  app.press('y');
  await makeSelfSigned(app, 'intranet.example.org');
  const served = await app.waitFor('Serve it with nginx now, HTTPS only, with HTTP redirected?');
  assert.match(served, /✓ the private key matches the certificate|key matches/i);
  app.press('n');
  const last = await app.waitFor('Application certificate: what was done');
  assert.match(last, /✓ Self-signed certificate/);
  assert.match(last, /- HTTPS only with nginx: not applied \(you chose not to\)/);
  assert.equal(await app.exited, 0);
  const pem = await fs.readFile(path.join(root, 'etc/ssl/lockstep/intranet.example.org/cert.pem'), 'utf8');
  assert.equal(new X509Certificate(pem).subject, 'CN=intranet.example.org');
  assert.equal((await fs.stat(path.join(root, 'etc/ssl/lockstep/intranet.example.org/privkey.pem'))).mode & 0o777, 0o600);
});
