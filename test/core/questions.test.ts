// Validators and answer parsing as pure functions: what each kind of question accepts, what it
// refuses, and that a refusal says why.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envOf, flagOf, parseAnswer, type AnswerValue, type Question } from '../../src/core/questions.js';
import { checkAbsolutePath, checkCidr, checkHostName, checkInteger } from '../../src/core/validate.js';

const ok = (q: Question, text: string): AnswerValue => {
  const r = parseAnswer(q, text);
  assert.ok('value' in r, `"${text}" should be accepted for ${q.kind}: ${'error' in r ? r.error : ''}`);
  return r.value;
};
const bad = (q: Question, text: string): string => {
  const r = parseAnswer(q, text);
  assert.ok('error' in r, `"${text}" should be refused for ${q.kind}, got ${JSON.stringify('value' in r ? r.value : r)}`);
  return r.error;
};

describe('checkHostName', () => {
  for (const good of ['example.org', 'a.example', 'www.example.co.uk', 'xn--bcher-kva.example', 'localhost', 'a-b.example', 'example.org.', '*.example.org', `${'a'.repeat(63)}.example`]) {
    test(`accepts ${good.length > 40 ? `${good.slice(0, 20)}…` : good}`, () => assert.equal(checkHostName(good), undefined));
  }
  const refused: [string, string, RegExp][] = [
    ['empty', '', /empty/],
    ['a space', 'a b.example', /space/],
    ['a line break (config injection)', 'a.example\n[ext]', /line break/],
    ['a tab', 'a\t.example', /line break or tab/],
    ['two dots', 'a..example', /empty label/],
    ['only dots', '..', /empty label/],
    ['a leading dot', '.example', /empty label/],
    ['a 64-character label', `${'a'.repeat(64)}.example`, /64 characters; at most 63/],
    ['more than 253 characters', `${'abcdefghi.'.repeat(26)}example`, /at most 253/],
    ['an IPv4 address', '192.0.2.10', /IP address/],
    ['an IPv6 address', '2001:db8::1', /IP address/],
    ['an out-of-range dotted quad', '300.1.1.1', /ends in a number/],
    ['a leading hyphen', '-a.example', /invalid label "-a"/],
    ['an underscore', 'a_b.example', /invalid label/],
    ['a slash (subject injection)', 'a.example/CN=evil', /invalid label/],
    ['a wildcard not in first place', 'a.*.example', /invalid label "\*"/],
    ['a bare wildcard on a TLD', '*.org', /invalid label "\*"/],
  ];
  for (const [what, value, why] of refused) {
    test(`refuses ${what}`, () => assert.match(checkHostName(value) ?? 'accepted', why));
  }
});

describe('checkCidr', () => {
  for (const good of ['192.0.2.0/24', '2001:db8::/32', '10.0.0.0/8', '203.0.113.7', '::1', '::/0', '0.0.0.0/0', '10.0.0.0/32', '::1/128']) {
    test(`accepts ${good}`, () => assert.equal(checkCidr(good), undefined));
  }
  const refused: [string, RegExp][] = [
    ['10.0.0.0/33', /prefix length for IPv4 \(0 to 32\)/],
    ['300.1.1.1', /not an IPv4 or IPv6 address/],
    ['::1/129', /prefix length for IPv6 \(0 to 128\)/],
    ['10.0.0.0/', /prefix length/],
    ['10.0.0.0/-1', /prefix length/],
    ['10.0.0.0/8/8', /not an address or a range/],
    ['example.org/24', /not an IPv4 or IPv6 address/],
    ['', /not an IPv4 or IPv6 address/],
  ];
  for (const [value, why] of refused) {
    test(`refuses ${JSON.stringify(value)}`, () => assert.match(checkCidr(value) ?? 'accepted', why));
  }
});

test('checkAbsolutePath and checkInteger', () => {
  assert.equal(checkAbsolutePath('/etc/ssl'), undefined);
  assert.match(checkAbsolutePath('etc/ssl') ?? '', /not an absolute path/);
  assert.match(checkAbsolutePath('') ?? '', /empty/);
  assert.match(checkAbsolutePath('/etc/a\nb') ?? '', /line break/);
  assert.equal(checkInteger(5, 1, 10), undefined);
  assert.match(checkInteger(0, 1, 10) ?? '', /less than 1/);
  assert.match(checkInteger(11, 1, 10) ?? '', /more than 10/);
  assert.match(checkInteger(1.5, 1, 10) ?? '', /not a whole number/);
  assert.match(checkInteger(Number.NaN, 1, 10) ?? '', /not a whole number/);
});

describe('parseAnswer, kind by kind', () => {
  test('text: trimmed, one line', () => {
    const q: Question = { kind: 'text', id: 'orgName', message: 'Organisation' };
    assert.equal(ok(q, '  Example Ltd  '), 'Example Ltd');
    assert.match(bad(q, 'Example\nLtd'), /single line/);
  });

  test('path: absolute only', () => {
    const q: Question = { kind: 'path', id: 'outDir', message: 'Folder' };
    assert.equal(ok(q, ' /srv/tls '), '/srv/tls');
    assert.match(bad(q, 'srv/tls'), /not an absolute path/);
  });

  test('secret: kept exactly (no trimming), minimum length, one line', () => {
    const q: Question = { kind: 'secret', id: 'keyPassphrase', message: 'Passphrase', minLength: 12 };
    assert.equal(ok(q, '  twelve chars  '), '  twelve chars  ');
    assert.match(bad(q, 'short'), /5 characters long; use at least 12/);
    assert.match(bad(q, 'twelve chars\nmore'), /single line/);
    assert.match(bad(q, ''), /empty/);
    assert.equal(ok({ ...q, optional: true }, ''), '');
  });

  test('confirm: yes/no words, anything else refused', () => {
    const q: Question = { kind: 'confirm', id: 'overwrite', message: 'Replace?' };
    for (const t of ['y', 'YES', ' true ', '1']) assert.equal(ok(q, t), true);
    for (const t of ['n', 'No', 'false', '0']) assert.equal(ok(q, t), false);
    assert.match(bad(q, 'maybe'), /not yes or no/);
  });

  test('integer: whole numbers within the bounds', () => {
    const q: Question = { kind: 'integer', id: 'days', message: 'Days', min: 1, max: 825 };
    assert.equal(ok(q, ' 90 '), 90);
    assert.match(bad(q, '0'), /less than 1/);
    assert.match(bad(q, '-5'), /less than 1/);
    assert.match(bad(q, '100000'), /more than 825/);
    assert.match(bad(q, 'abc'), /not a whole number/);
    assert.match(bad(q, '1.5'), /not a whole number/);
    assert.match(bad(q, '1e3'), /not a whole number/);
    assert.match(bad(q, ''), /not a whole number/);
  });

  test('select: one of the choices', () => {
    const q: Question = { kind: 'select', id: 'keyType', message: 'Key', choices: [{ value: 'ec-p256', label: 'P-256' }, { value: 'rsa4096', label: 'RSA' }] };
    assert.equal(ok(q, 'rsa4096'), 'rsa4096');
    assert.match(bad(q, 'dsa'), /"dsa" is not one of: ec-p256, rsa4096/);
  });

  test('multiselect: a comma list of choices', () => {
    const q: Question = { kind: 'multiselect', id: 'roles', message: 'Roles', choices: [{ value: 'web', label: 'web' }, { value: 'db', label: 'db' }] };
    assert.deepEqual(ok(q, 'web, db'), ['web', 'db']);
    assert.match(bad(q, 'web,mail'), /"mail" is not one of/);
  });

  test('hostname: lower-cased, trailing dot dropped, one name unless multiple', () => {
    const one: Question = { kind: 'hostname', id: 'host', message: 'Host' };
    const many: Question = { kind: 'hostname', id: 'host', message: 'Hosts', multiple: true };
    assert.deepEqual(ok(one, 'WWW.Example.ORG.'), ['www.example.org']);
    assert.deepEqual(ok(many, 'a.example, b.example,c.example'), ['a.example', 'b.example', 'c.example']);
    assert.match(bad(one, 'a.example,b.example'), /takes one host name/);
    assert.match(bad(many, ''), /at least one host name/);
    assert.match(bad(many, 'a.example,192.0.2.1'), /IP address/);
  });

  test('hostname: a name with a space is refused, not split into two names', () => {
    const many: Question = { kind: 'hostname', id: 'host', message: 'Hosts', multiple: true };
    assert.match(bad(many, 'a b.example'), /space/);
    assert.match(bad(many, 'a.example\n[ext]'), /line break/);
  });

  test('cidrs: a comma list of addresses and ranges', () => {
    const q: Question = { kind: 'cidrs', id: 'sshFrom', message: 'SSH from' };
    assert.deepEqual(ok(q, '192.0.2.0/24, 2001:db8::/32'), ['192.0.2.0/24', '2001:db8::/32']);
    assert.match(bad(q, '10.0.0.0/33'), /prefix length/);
    assert.match(bad(q, ''), /at least one/);
  });
});

test('flag, answers key and environment variable come from the same id', () => {
  assert.equal(flagOf({ kind: 'path', id: 'outDir', message: '' }), '--out-dir');
  assert.equal(flagOf({ kind: 'secret', id: 'keyPassphrase', message: '' }), '--key-passphrase-file');
  assert.equal(envOf({ kind: 'secret', id: 'keyPassphrase', message: '' }), 'LOCKSTEP_KEY_PASSPHRASE');
});
