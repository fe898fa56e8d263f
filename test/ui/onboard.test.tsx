// `lockstep onboard` in the TUI (ink-testing-library, the real engine and openssl under a
// temporary root): the parts chosen with Space, the progress bar part by part, a plan declined
// (nothing changed, the run goes on), the certificate made, and the closing list. Only parts
// that touch nothing outside --root are chosen here; the firewall runs in test/flows in a
// namespace of its own.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { loadFlows } from '../../src/flows/index.js';
import { KEY, answerInternalSite, focusOn, makeSelfSigned, startApp, tempRootsPerTest } from './harness.js';

const FLOWS = await loadFlows();

const newRoot = tempRootsPerTest();

/** Leaves only the first part ticked (the certificate) and the one `extra` rows below it. */
function keepCertificateAnd(app: ReturnType<typeof startApp>, extra: number): void {
  // Every part starts ticked; untick all but the chosen ones.
  for (let row = 1; row < 6; row++) {
    app.press(KEY.down);
    if (row !== extra) app.press(KEY.space);
  }
}

test('onboard from the home menu: parts chosen, the certificate made, the HTTPS plan declined, the closing list', async () => {
  const root = await newRoot();
  // An nginx is installed (its main file is all the HTTPS step reads before the plan).
  await fs.mkdir(path.join(root, 'etc/nginx'), { recursive: true });
  await fs.writeFile(path.join(root, 'etc/nginx/nginx.conf'), 'events {}\nhttp { include conf.d/*.conf; }\n');
  const app = startApp({ root, flows: FLOWS });
  await focusOn(app, FLOWS, 'Onboard a new server');
  app.press(KEY.enter);
  const parts = await app.waitFor('Which parts should this run set up?');
  assert.match(parts, /\[x\] Application certificate/);
  // This root has no sshd and no /etc/os-release: those parts are skipped at once, saying why, and leave the bar.
  assert.match(parts, /· Certificate {2}· HTTPS {2}· Renewal {2}· Firewall {2}· Patch\n/);
  assert.match(parts, /- Key-only SSH: skipped \(sshd is not installed here: there is no \/etc\/ssh\/sshd_config\. Install it\s+with apt-get install openssh-server\)/);
  keepCertificateAnd(app, 1);
  await app.waitFor(/\[ \] Automatic security updates/);
  app.press(KEY.enter);

  await app.waitFor('Does the site have a public DNS name');
  const bar = app.frame();
  assert.match(bar, /part 1 of 2/);
  assert.match(bar, /^▸ Certificate {2}· HTTPS$/m, 'parts left out are not in the bar');
  assert.match(bar, /- Firewall: skipped \(not among the parts chosen for this run\)/);
  const select = await answerInternalSite(app);
  assert.match(select, /Recommended: Your private CA, because the site is internal/);
  app.press(KEY.down, KEY.enter); // self-signed
  await makeSelfSigned(app, 'intranet.example.org');

  // HTTPS: the names and folder come from the certificate; its first own question is the site file.
  const https = await app.waitFor('nginx site file to write');
  assert.match(https, /From the earlier steps: Names the site answers to: intranet\.example\.org/);
  assert.match(https, /✓ Certificate {2}▸ HTTPS|▸ HTTPS/);
  for (let i = 0; i < 9; i++) {
    const frame = await app.waitFor(/\? |Cannot set up HTTPS|Apply this plan\?/);
    if (/Apply this plan\?/.test(frame) || /Cannot set up HTTPS/.test(frame)) break;
    app.press(KEY.enter);
  }
  await app.waitFor('Apply this plan?');
  app.press('n');
  const end = await app.waitFor('Onboard a new server: what was done');
  assert.match(end, /✓ Self-signed certificate/);
  assert.match(end, /- HTTPS only with nginx: not applied \(its plan was not confirmed; nothing was changed\)/);
  assert.match(end, /- Firewall: skipped \(not among the parts chosen for this run\)/);
  await app.waitFor('Press Enter to return to the menu');
  app.press('q');
  assert.equal(await app.exited, 0);

  await fs.access(path.join(root, 'etc/ssl/lockstep/intranet.example.org/cert.pem'));
  await assert.rejects(fs.access(path.join(root, 'etc/nginx/conf.d/lockstep-intranet.example.org.conf')), 'the declined site was not written');
});
