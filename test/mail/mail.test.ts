// src/mail/: the shared questions and their validators, and delivery through a real SMTP server
// on loopback (the test's sink), through a real sendmail (msmtp's, relaying to the sink), and
// the sentence when neither is there.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deliverMail, sendmailAction, sendmailText } from '../../src/mail/deliver.js';
import { checkMailAnswer, checkSmtpAnswer, mailQuestion, mailTarget, smtpQuestion } from '../../src/mail/questions.js';
import { tempRoot } from '../helpers.js';
import { startSmtpSink, type SmtpSink } from '../smtp-sink.js';

const message = { to: 'ops@example.org', subject: 'lockstep on host: patch ok — 2 upgraded', body: 'package  old  new\n.\nlockstep-secpkg 1.0 1.1\n' };

describe('the mail questions', () => {
  test('one address validator, one HOST:PORT validator, "none" for no mail', () => {
    assert.equal(checkMailAnswer('ops@example.org'), undefined);
    assert.equal(checkMailAnswer('none'), undefined);
    assert.equal(checkMailAnswer('root@localhost'), undefined);
    assert.match(checkMailAnswer('ops at example') ?? '', /"ops at example" is not a mail address/);
    assert.match(checkMailAnswer('a"b@example.org') ?? '', /not a mail address/, 'a quote would end apt\'s Mail "…" value');
    assert.match(checkMailAnswer('none', false) ?? '', /not a mail address/);
    assert.equal(checkSmtpAnswer('localhost:25'), undefined);
    assert.equal(checkSmtpAnswer('[::1]:2525'), undefined);
    assert.match(checkSmtpAnswer('host:99999') ?? '', /is not HOST:PORT/);
    assert.equal(checkSmtpAnswer('none', true), undefined);
  });

  test('the questions: ids, defaults, the server asked only after an address', () => {
    const mail = mailQuestion({ message: 'Mail the report to' });
    const smtp = smtpQuestion({ allowNone: true, default: 'none' });
    assert.deepEqual([mail.id, mail.default, smtp.id, smtp.default], ['mail', 'none', 'smtp', 'none']);
    assert.equal(smtp.when!({ mail: 'none' }, undefined), false);
    assert.equal(smtp.when!({ mail: 'ops@example.org' }, undefined), true);
    assert.equal(mail.validate!('x', {}), '"x" is not a mail address (user@host)');
    assert.deepEqual(mailTarget({ mail: 'ops@example.org', smtp: '127.0.0.1:2525' }), { to: 'ops@example.org', smtp: { host: '127.0.0.1', port: 2525 } });
    assert.deepEqual(mailTarget({ mail: 'ops@example.org', smtp: 'none' }), { to: 'ops@example.org' });
    assert.equal(mailTarget({ mail: 'none' }), undefined);
  });
});

describe('delivery', () => {
  let sink: SmtpSink;
  let box: { root: string; cleanup: () => Promise<void> };
  before(async () => {
    sink = await startSmtpSink();
    box = await tempRoot('lockstep-mail-');
  });
  after(async () => {
    await sink?.stop();
    await box?.cleanup();
  });

  test('to an SMTP server: the sink receives headers and body (a line of "." intact)', async () => {
    const r = await deliverMail(message, { smtp: { host: '127.0.0.1', port: sink.port } });
    assert.deepEqual(r, { sent: true, via: 'smtp', detail: `mailed to ops@example.org through 127.0.0.1:${sink.port}` });
    const got = sink.messages.at(-1)!;
    assert.deepEqual(got.to, ['ops@example.org']);
    assert.match(got.data, /^Subject: =\?UTF-8\?B\?/m, 'a non-ASCII subject is encoded');
    assert.match(got.data, /\r?\n\.\r?\nlockstep-secpkg 1\.0 1\.1/);
  });

  test('an SMTP server that is not there: not sent, and the reason says where the message is', async () => {
    // A port that was free a moment ago: nobody listens there.
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const r = await deliverMail(message, { smtp: { host: '127.0.0.1', port: closed }, savedAt: '/var/log/OSPATCH-20261203.log' });
    assert.equal(r.sent, false);
    assert.match(r.sent === false ? r.reason : '', /^the mail to ops@example\.org was not sent: .*ECONNREFUSED.*; the message is in \/var\/log\/OSPATCH-20261203\.log$/);
  });

  test('no server given: handed to sendmail -t -oi on standard input (msmtp\'s, relaying to the sink)', async () => {
    const home = path.join(box.root, 'home');
    await fs.mkdir(home, { recursive: true });
    await fs.writeFile(path.join(home, '.msmtprc'), `account default\nhost 127.0.0.1\nport ${sink.port}\nfrom lockstep@test.example\nauth off\ntls off\n`, { mode: 0o600 });
    const msmtp = (await execa('sh', ['-c', 'command -v msmtp'], { reject: false })).stdout.trim();
    assert.ok(msmtp !== '', 'msmtp is installed (.ci/run installs it)');
    const before = sink.messages.length;
    const r = await deliverMail(message, { sendmail: msmtp, env: { HOME: home } });
    assert.deepEqual(r, { sent: true, via: 'sendmail', detail: `handed to ${msmtp} for ops@example.org` });
    assert.equal(sink.messages.length, before + 1);
    const got = sink.messages.at(-1)!;
    assert.deepEqual(got.to, ['ops@example.org'], 'sendmail -t read the recipient from the To: header');
    assert.match(got.data, /^From: lockstep@/m);
    assert.match(got.data, /lockstep-secpkg 1\.0 1\.1/);
  });

  test('a sendmail that refuses it, and none at all: not sent, said why and where the message is', async () => {
    const refusing = await deliverMail(message, { sendmail: '/bin/false', savedAt: '/var/log/x.log' });
    assert.match(refusing.sent === false ? refusing.reason : '', /^\/bin\/false did not take the mail to ops@example\.org \(it exited 1: \); the message is in \/var\/log\/x\.log$/);
    const none = await deliverMail(message, { sendmail: path.join(box.root, 'no-sendmail'), savedAt: '/var/log/x.log' });
    assert.match(none.sent === false ? none.reason : '', /no mail server was given \(--smtp\) and .*no-sendmail does not exist, so nothing was mailed; the message is in \/var\/log\/x\.log/);
  });

  test('as a plan action: sendmail -t -oi with the message on stdin, LF lines, no dot-stuffing', () => {
    const action = sendmailAction(message);
    assert.deepEqual(action.argv, ['/usr/sbin/sendmail', '-t', '-oi']);
    const date = /^Date: .*$/m.exec(action.stdin ?? '')?.[0] ?? '';
    assert.equal(action.stdin, sendmailText(message, new Date(0)).replace(/^Date: .*$/m, date));
    assert.match(action.stdin ?? '', /^To: ops@example\.org\nSubject: /m);
    assert.match(action.stdin ?? '', /\n\.\nlockstep-secpkg/);
    assert.doesNotMatch(action.stdin ?? '', /\r/);
  });
});
