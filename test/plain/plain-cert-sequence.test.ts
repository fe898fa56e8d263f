// `lockstep --plain cert` answered through its standard input: the advice, then "go on?", the
// chosen step's questions, its plan and the yes, then "serve it with nginx?" declined — the same
// sequence as in the TUI, in plain prompts for screen readers and serial consoles.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { tempRoot } from '../helpers.js';
import { drivePlain } from './drive.js';

test('plain mode: lockstep cert goes on to a self-signed certificate and stops short of nginx when told', async (t) => {
  const { root, cleanup } = await tempRoot('lockstep-plain-cert-');
  t.after(cleanup);
  // An nginx is installed (its main file is what the HTTPS step needs before its questions).
  await fs.mkdir(path.join(root, 'etc/nginx'), { recursive: true });
  await fs.writeFile(path.join(root, 'etc/nginx/nginx.conf'), 'events {}\nhttp { include conf.d/*.conf; }\n');
  const run = drivePlain(['--root', root, 'cert'], {});
  t.after(() => run.child.kill());
  await run.answer('Does the site have a public DNS name', 'n\r');
  // The three ways side by side came first, before any question.
  const first = run.screen();
  assert.ok(first.indexOf('Three ways to get the certificate') < first.indexOf('Does the site have a public DNS name'), first);
  assert.match(first, /needs +a public DNS name/);
  await run.answer('require a certificate from a commercial CA', 'n\r');
  await run.answer('How will you get the certificate?', '\u001B[B\r'); // from the private CA down to self-signed
  await run.answer('Get the certificate now (Self-signed)?', 'y\r');
  await run.answer('Host names the certificate is for', 'plain.example.org\r');
  await run.answer('Key type', '\r');
  await run.answer('Valid for how many days', '\r');
  await run.answer('Folder for privkey.pem and cert.pem', '\r');
  await run.answer('Passphrase for the private key', '\r');
  await run.answer('Apply this plan', 'y\r');
  await run.answer('Serve it with nginx now', 'n\r');
  const result = await run.child;
  const out = run.screen();
  assert.equal(result.exitCode, 0, out);
  // The reason is part of the choice's prompt (a terminal redraws it in place; this pipe sees each redraw), and nowhere else.
  const asked = out.indexOf('? How will you get the certificate?');
  const chosen = out.indexOf('✔ How will you get the certificate? Self-signed');
  assert.ok(asked >= 0 && chosen > asked, out);
  assert.ok(out.slice(asked, chosen).includes('Recommended: Your private CA, because the site is internal'), 'the reason is with the choice');
  assert.doesNotMatch(out.slice(0, asked) + out.slice(chosen), /Recommended:/, `not before the choice nor after it:\n${out}`);
  assert.match(out, /Chosen: Self-signed, over the recommended Your private CA\./);
  assert.ok(out.indexOf('The plan') < out.indexOf('Apply this plan'), 'the plan came before the question');
  assert.match(out, /Application certificate: what was done/);
  assert.match(out, /✓ Self-signed certificate/);
  assert.match(out, /- HTTPS only with nginx: not applied \(you chose not to\)/);
  const pem = await fs.readFile(path.join(root, 'etc/ssl/lockstep/plain.example.org/cert.pem'), 'utf8');
  assert.equal(new X509Certificate(pem).subject, 'CN=plain.example.org');
});
