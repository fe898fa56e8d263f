// The home menu and the question screens, with the real self-signed step and the real engine.
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { loadFlows } from '../../src/flows/index.js';
import { snapshot } from '../helpers.js';
import { tempRootsPerTest, focusOn, KEY, startApp, testFlow } from './harness.js';

const FLOWS = await loadFlows();

const selfSigned = FLOWS.find((f) => f.step.id === 'cert self-signed')!;
const root = tempRootsPerTest();

test('home menu: arrow keys and j/k move, Enter starts the chosen flow', async () => {
  const other = testFlow('menu pick', [{ kind: 'mkdir', title: 'Make /picked', path: '/picked', mode: 0o755 }]);
  const app = startApp({ root: await root(), flows: [selfSigned, other] });
  await app.waitFor('❯ Self-signed certificate');
  assert.match(app.frame(), /Quit/);
  assert.doesNotMatch(app.frame(), /Resume an interrupted run/, 'no journal: nothing to resume');
  app.press(KEY.down);
  await app.waitFor('❯ Test: menu pick');
  app.press(KEY.down);
  await app.waitFor('❯ Quit');
  app.press(KEY.up);
  await app.waitFor('❯ Test: menu pick');
  app.press('k');
  await app.waitFor('❯ Self-signed certificate');
  app.press('j', KEY.enter);
  const frame = await app.waitFor('Apply this plan?');
  assert.match(frame, /\$ mkdir -p -m 0755 .*\/picked/);
  assert.match(frame, /▸ preview/);
});

test('home menu: Quit exits with 0', async () => {
  const app = startApp({ root: await root(), flows: [selfSigned] });
  await app.waitFor('❯ Self-signed certificate');
  app.press(KEY.down, KEY.enter);
  assert.equal(await app.exited, 0);
});

test('a bad host name shows what is wrong and keeps the question; defaults are taken with Enter', async () => {
  const app = startApp({ root: await root(), flows: FLOWS, start: selfSigned });
  await app.waitFor('? Host names the certificate is for');
  app.press('bad host', KEY.enter);
  let frame = await app.waitFor('"bad host" contains a space; host names have none');
  assert.match(frame, /\? Host names the certificate is for/, 'the question stays');
  assert.match(frame, /› bad host/, 'what was typed stays, to be corrected');
  app.press(KEY.ctrlU, 'Example.org', KEY.enter);
  frame = await app.waitFor('? Key type');
  assert.match(frame, /✓ Host names the certificate is for: example\.org/, 'normalised by the engine');
  assert.match(frame, /❯ ECDSA P-256\s+fast and small/, 'the default is focused, with its hint');
  app.press(KEY.enter);
  frame = await app.waitFor('? Valid for how many days');
  assert.match(frame, /At most 825/, 'the help is shown');
  assert.match(frame, /Enter keeps 365/);
  app.press('9000', KEY.enter);
  await app.waitFor('9000 is more than 825');
  app.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, KEY.enter); // empty: the default
  frame = await app.waitFor('? Folder for privkey.pem and cert.pem');
  assert.match(frame, /✓ Valid for how many days: 365/);
  assert.match(frame, /› \/etc\/ssl\/lockstep\/example\.org/, 'the computed default is shown');
  app.press(KEY.enter);
  await app.waitFor('? Passphrase for the private key');
  app.press(KEY.enter);
  frame = await app.waitFor('Apply this plan?');
  assert.match(frame, /✓ Passphrase for the private key \(empty for none\): \(none\)/);
  assert.match(frame, /\$ openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256/);
  app.press('n');
  assert.equal(await app.exited, 1);
  assert.match(app.frame(), /Nothing was changed: the plan was not confirmed/);
});

test('a passphrase is masked, checked by the engine, typed twice and never shown', async () => {
  const dir = await root();
  const secret = 'correct horse battery';
  const flags = new Map([['host', 'example.org'], ['days', '10']]);
  const app = startApp({ root: dir, flows: FLOWS, start: selfSigned, flags });
  await app.waitFor('? Key type');
  app.press(KEY.down, KEY.enter); // ECDSA P-384
  await app.waitFor('? Folder for privkey.pem');
  app.press(KEY.enter);
  await app.waitFor('? Passphrase for the private key');
  app.press('short');
  await app.waitFor('› *****');
  app.press(KEY.enter);
  await app.waitFor('The answer is 5 characters long; use at least 12');
  app.press(secret, KEY.enter);
  await app.waitFor('? Passphrase for the private key, once more to be sure');
  app.press('correct horse batter', KEY.enter);
  await app.waitFor('The two entries differ; type it again.');
  app.press(secret, KEY.enter);
  await app.waitFor('once more to be sure');
  app.press(secret, KEY.enter);
  let frame = await app.waitFor('Apply this plan?');
  assert.match(frame, /✓ Passphrase for the private key \(empty for none\): \*{8}/);
  assert.match(frame, /3<\(secret: keyPassphrase\)/);
  app.press('y');
  assert.equal(await app.exited, 0);
  frame = app.frame();
  assert.ok(!app.frames.some((f) => f.includes(secret)), 'the passphrase never reaches the screen');
  assert.match(frame, /✓ key type as requested/);
  const keyPem = await fs.readFile(path.join(dir, 'etc/ssl/lockstep/example.org/privkey.pem'), 'utf8');
  assert.match(keyPem, /ENCRYPTED PRIVATE KEY/);
  assert.equal(createPrivateKey({ key: keyPem, passphrase: secret }).asymmetricKeyDetails?.namedCurve, 'secp384r1');
});

test('select, multiselect (space toggles), yes/no and a list of ranges', async () => {
  const flow = testFlow('kinds', [{ kind: 'mkdir', title: 'Make /kinds', path: '/kinds', mode: 0o700 }], {
    questions: [
      {
        kind: 'multiselect',
        id: 'roles',
        message: 'Roles of this server',
        default: ['web'],
        choices: [
          { value: 'web', label: 'Web server' },
          { value: 'db', label: 'Database', hint: 'CouchDB replication on 6984' },
          { value: 'mail', label: 'Mail relay' },
        ],
      },
      { kind: 'confirm', id: 'sure', message: 'Open the firewall for them', default: false },
      { kind: 'cidrs', id: 'admins', message: 'Where SSH may come from', help: 'Your office network.' },
    ],
  });
  const app = startApp({ root: await root(), flows: [flow], start: flow });
  let frame = await app.waitFor('? Roles of this server');
  assert.match(frame, /❯ \[x\] Web server/);
  app.press(KEY.down);
  frame = await app.waitFor('❯ [ ] Database');
  assert.match(frame, /CouchDB replication on 6984/, 'the focused hint');
  app.press(KEY.space, KEY.up, KEY.space, KEY.down, KEY.down, KEY.space);
  await app.waitFor('❯ [x] Mail relay');
  assert.match(app.frame(), /\[ \] Web server/);
  app.press(KEY.enter);
  frame = await app.waitFor('? Open the firewall for them (y/N)');
  assert.match(frame, /✓ Roles of this server: Database, Mail relay/);
  app.press('x'); // not an answer: ignored
  app.press('y');
  frame = await app.waitFor('? Where SSH may come from');
  assert.match(frame, /✓ Open the firewall for them: yes/);
  app.press('192.0.2.0/33', KEY.enter);
  await app.waitFor('"/33" is not a valid prefix length for IPv4');
  app.press(KEY.ctrlU, '192.0.2.0/24, 2001:db8::/32', KEY.enter);
  frame = await app.waitFor('Apply this plan?');
  assert.match(frame, /✓ Where SSH may come from: 192\.0\.2\.0\/24, 2001:db8::\/32/);
  app.press('y');
  assert.equal(await app.exited, 0);
});

test('Ctrl+C at a question stops with nothing changed (exit 1)', async () => {
  const dir = await root();
  const before = await snapshot(dir);
  const app = startApp({ root: dir, flows: FLOWS, start: selfSigned });
  await app.waitFor('? Host names the certificate is for');
  app.press('exam', KEY.ctrlC);
  assert.equal(await app.exited, 1);
  assert.match(app.frame(), /Stopped at a question: nothing was changed/);
  assert.equal(app.session.abort.signal.aborted, true);
  assert.deepEqual(await snapshot(dir), before);
});

test('the whole self-signed flow from the home menu to the summary creates the files', async () => {
  const dir = await root();
  const app = startApp({ root: dir, flows: FLOWS });
  await focusOn(app, FLOWS, 'Self-signed certificate');
  app.press(KEY.enter);
  await app.waitFor('? Host names the certificate is for');
  app.press('example.org, www.example.org', KEY.enter);
  await app.waitFor('? Key type');
  app.press(KEY.enter);
  await app.waitFor('? Valid for how many days');
  app.press('30', KEY.enter);
  await app.waitFor('? Folder for privkey.pem');
  app.press(KEY.enter);
  await app.waitFor('? Passphrase for the private key');
  app.press(KEY.enter);
  let frame = await app.waitFor('Apply this plan?');
  assert.match(frame, /The plan: 3 actions\. Nothing has changed yet\./);
  assert.match(frame, /\$ openssl req -new -x509 -config \/dev\/null/);
  app.press('y');
  frame = await app.waitFor('Press Enter to return to the menu, or q to quit.');
  assert.match(frame, /✓ Generate the ec-p256 private key \(\d+(\.\d)? m?s\)/);
  assert.match(frame, /✓ key matches certificate/);
  assert.match(frame, /Certificate: \/etc\/ssl\/lockstep\/example\.org\/cert\.pem \(valid 30 days/);
  assert.match(frame, /✓ questions {2}✓ preview {2}✓ applying {2}✓ verify {2}✓ summary/);

  const out = path.join(dir, 'etc/ssl/lockstep/example.org');
  const cert = new X509Certificate(await fs.readFile(path.join(out, 'cert.pem')));
  assert.equal(cert.subjectAltName, 'DNS:example.org, DNS:www.example.org');
  assert.ok(cert.checkPrivateKey(createPrivateKey(await fs.readFile(path.join(out, 'privkey.pem')))));
  assert.equal((await fs.stat(path.join(out, 'privkey.pem'))).mode & 0o777, 0o600);

  app.press(KEY.enter); // back to the menu: run it again into the same folder, now asked to overwrite
  await focusOn(app, FLOWS, 'Self-signed certificate');
  app.press(KEY.enter);
  await app.waitFor('? Host names the certificate is for');
  app.press('example.org', KEY.enter);
  for (const q of ['? Key type', '? Valid for how many days', '? Folder for privkey.pem', '? Passphrase for the private key']) {
    await app.waitFor(q);
    app.press(KEY.enter);
  }
  await app.waitFor('? A key or certificate is already in that folder. Replace it');
  app.press(KEY.enter); // default: no
  frame = await app.waitFor('Refusing to replace');
  assert.match(frame, /Pass --overwrite to replace them/, 'the UserError banner says what to do next');
  app.press('q');
  assert.equal(await app.exited, 2);
  assert.equal(new X509Certificate(await fs.readFile(path.join(out, 'cert.pem'))).subjectAltName, cert.subjectAltName, 'unchanged');
});
