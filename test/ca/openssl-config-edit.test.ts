import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../../src/core/errors.js';
import { parseOpensslConfig, quoteConfigValue } from '../../src/ca/openssl-config.js';
import { changedLines, fixture, linesOf } from './openssl-config-helpers.js';

/** The seed's openssl.cnf edits (001_c356887d1ef737f0.txt), as written there. */
const SEED_EDITS = [
  ['CA_default', 'dir', '/etc/pki/CA'],
  ['usr_cert', 'keyUsage', 'nonRepudiation, digitalSignature, keyEncipherment'],
  ['usr_cert', 'nsComment', '"OpenSSL Generated Certificate"'],
  ['v3_ca', 'basicConstraints', 'CA:true'],
  ['v3_ca', 'keyUsage', 'cRLSign, keyCertSign'],
] as const;

function applySeed(name: string) {
  const before = fixture(name);
  const doc = parseOpensslConfig(before, { env: {} });
  const edits = SEED_EDITS.map(([s, k, v]) => doc.set(s, k, v));
  return { before, after: doc.toString(), doc, edits };
}

/** The after-lines with the one added line taken out, so the rest lines up with before. */
function withoutAdded(after: string[], added: string): string[] {
  const i = after.indexOf(added);
  assert.notEqual(i, -1, `added line ${JSON.stringify(added)}`);
  return [...after.slice(0, i), ...after.slice(i + 1)];
}

for (const name of ['debian-12.cnf', 'ubuntu-22.04.cnf']) {
  describe(`the seed's edits on ${name}`, () => {
    const { before, after, doc, edits } = applySeed(name);

    test('are described for the preview', () => {
      assert.deepEqual(edits.map((e) => e.description), [
        '[ CA_default ] dir: ./demoCA → /etc/pki/CA',
        '[ usr_cert ] keyUsage: uncommented and set to nonRepudiation, digitalSignature, keyEncipherment',
        '[ usr_cert ] nsComment: added, set to "OpenSSL Generated Certificate"',
        '[ v3_ca ] basicConstraints: critical,CA:true → CA:true',
        '[ v3_ca ] keyUsage: uncommented and set to cRLSign, keyCertSign',
      ]);
      assert.deepEqual(edits.map((e) => e.kind), ['replaced', 'uncommented', 'added', 'replaced', 'uncommented']);
      assert.deepEqual(doc.edits, edits);
    });

    test('touch only those lines: four rewritten in place, one added after the last key of [ usr_cert ]', () => {
      const b = linesOf(before);
      const a = linesOf(after);
      assert.equal(a.length, b.length + 1);
      const nsComment = a.indexOf('nsComment = "OpenSSL Generated Certificate"\n');
      assert.equal(a[nsComment - 1], 'authorityKeyIdentifier=keyid,issuer\n');
      const changed = changedLines(b, withoutAdded(a, a[nsComment]!));
      assert.deepEqual(changed.map((i) => [b[i], a[i < nsComment ? i : i + 1]]), [
        ['dir\t\t= ./demoCA\t\t# Where everything is kept\n', 'dir\t\t= /etc/pki/CA\t\t# Where everything is kept\n'],
        ['# keyUsage = nonRepudiation, digitalSignature, keyEncipherment\n', 'keyUsage = nonRepudiation, digitalSignature, keyEncipherment\n'],
        ['basicConstraints = critical,CA:true\n', 'basicConstraints = CA:true\n'],
        ['# keyUsage = cRLSign, keyCertSign\n', 'keyUsage = cRLSign, keyCertSign\n'],
      ]);
    });

    test('uncomment keyUsage rather than add a second one', () => {
      const keyUsage = linesOf(after).filter((l) => /keyUsage\s*=/.test(l) && !/extendedKeyUsage/.test(l));
      // v3_req's own active line and proxy_cert_ext's commented one are not ours to touch.
      assert.deepEqual(keyUsage, [
        'keyUsage = nonRepudiation, digitalSignature, keyEncipherment\n',
        'keyUsage = nonRepudiation, digitalSignature, keyEncipherment\n',
        'keyUsage = cRLSign, keyCertSign\n',
        '# keyUsage = nonRepudiation, digitalSignature, keyEncipherment\n',
      ]);
      const reread = parseOpensslConfig(after, { env: {} });
      assert.equal(reread.get('usr_cert', 'keyUsage'), 'nonRepudiation, digitalSignature, keyEncipherment');
      assert.equal(reread.get('v3_ca', 'keyUsage'), 'cRLSign, keyCertSign');
      assert.equal(reread.get('proxy_cert_ext', 'keyUsage'), undefined);
    });

    test('$dir/... values now resolve under /etc/pki/CA; the quoted comment is read unquoted', () => {
      const reread = parseOpensslConfig(after, { env: {} });
      assert.equal(reread.resolve('CA_default', 'certs'), '/etc/pki/CA/certs');
      assert.equal(reread.resolve('CA_default', 'database'), '/etc/pki/CA/index.txt');
      assert.equal(reread.resolve('CA_default', 'private_key'), '/etc/pki/CA/private/cakey.pem');
      assert.equal(reread.resolve('usr_cert', 'nsComment'), 'OpenSSL Generated Certificate');
      // The TSA section has its own dir, which the edit must leave alone.
      assert.equal(reread.resolve('tsa_config1', 'serial'), './demoCA/tsaserial');
    });

    test('applied twice, the second time changes nothing', () => {
      const again = parseOpensslConfig(after);
      const second = SEED_EDITS.map(([s, k, v]) => again.set(s, k, v));
      assert.deepEqual(second.map((e) => e.kind), Array(5).fill('unchanged'));
      assert.equal(second[0]!.description, '[ CA_default ] dir: already /etc/pki/CA');
      assert.equal(again.toString(), after);
    });

    test('the end of the file is as it was (Ubuntu\'s has no final newline)', () => {
      assert.equal(after.slice(-60), before.slice(-60));
    });
  });
}

describe("the seed's edits on rhel-9.cnf", () => {
  test('dir is already /etc/pki/CA there; the rest as on Debian', () => {
    const { edits } = applySeed('rhel-9.cnf');
    assert.deepEqual(edits.map((e) => e.kind), ['unchanged', 'uncommented', 'added', 'replaced', 'uncommented']);
  });
});

describe('openssl config editor: details', () => {
  test('an empty value followed by a comment gets a blank before the comment', () => {
    const doc = parseOpensslConfig(fixture('debian-12.cnf'));
    doc.set('signature', 'secret', 'pass:other');
    assert.ok(doc.toString().includes('\nsecret = pass:other # disable PBM\n'));
  });

  test('a continued value is rewritten as one line, and the description says so', () => {
    const doc = parseOpensslConfig(fixture('edge-syntax.cnf'), { env: {} });
    const edit = doc.set('edge_ca', 'joined', 'one line');
    assert.match(edit.description, /joined: first part +second part → one line \(its 2 continued lines joined into one\)/);
    const a = linesOf(doc.toString());
    const b = linesOf(fixture('edge-syntax.cnf'));
    assert.equal(a.length, b.length - 1);
    assert.equal(a[edit.line - 1], 'joined      = one line\n');
  });

  test('the default section: after its last key; before the first header when it has none', () => {
    const seed = parseOpensslConfig(fixture('seed-config.cnf'));
    const edit = seed.set('default', 'default_md', 'sha256');
    assert.equal(edit.kind, 'added');
    assert.deepEqual(linesOf(seed.toString()).slice(4, 7), ['string_mask             = nombstr\n', 'default_md = sha256\n', '\n']);
    const bare = parseOpensslConfig('# header comment\n\n# about [ ca ]\n[ ca ]\ndefault_ca = x\n');
    bare.set('default', 'HOME', '.');
    assert.equal(bare.toString(), '# header comment\n\nHOME = .\n# about [ ca ]\n[ ca ]\ndefault_ca = x\n');
  });

  test('an empty section gets its first key right after the header', () => {
    const doc = parseOpensslConfig('[ a ]\n# nothing yet\n\n[ b ]\nk = v\n');
    doc.set('a', 'x', '1');
    assert.equal(doc.toString(), '[ a ]\nx = 1\n# nothing yet\n\n[ b ]\nk = v\n');
  });

  test('a missing final newline stays missing, whether a key or a section is added', () => {
    const doc = parseOpensslConfig(fixture('edge-no-final-newline.cnf'));
    doc.set('usr_cert', 'keyUsage', 'digitalSignature');
    assert.ok(doc.toString().endsWith('[ usr_cert ]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature'));
    const edit = doc.set('v3_ca', 'basicConstraints', 'critical,CA:true');
    assert.equal(edit.description, '[ v3_ca ]: new section at the end, with basicConstraints = critical,CA:true');
    assert.ok(doc.toString().endsWith('keyUsage = digitalSignature\n\n[ v3_ca ]\nbasicConstraints = critical,CA:true'));
  });

  test('a backslash ending the last line does not swallow a key added after it', () => {
    const doc = parseOpensslConfig('[ s ]\nk = v \\');
    doc.set('s', 'x', '1');
    assert.equal(doc.toString(), '[ s ]\nk = v \\\n\nx = 1');
    assert.equal(doc.get('s', 'k'), 'v');
  });

  test('CRLF files get CRLF lines; the byte-order mark stays', () => {
    const before = fixture('edge-crlf-bom.cnf');
    const doc = parseOpensslConfig(before);
    doc.set('v3_ca', 'keyUsage', 'cRLSign, keyCertSign');
    doc.set('CA_default', 'x509_extensions', 'usr_cert');
    const after = doc.toString();
    assert.ok(after.startsWith('\uFEFF# Saved by a Windows editor'));
    assert.ok(after.includes('\r\nkeyUsage = cRLSign, keyCertSign\r\n'));
    assert.ok(after.includes('policy = policy_anything\nx509_extensions = usr_cert\r\n'));
    assert.equal(linesOf(after).length, linesOf(before).length + 1);
  });

  test('a value with a line break is refused, and nothing changes', () => {
    const doc = parseOpensslConfig(fixture('debian-12.cnf'));
    for (const value of ['couch.example.org\n[ v3_ca ]\nbasicConstraints = CA:true', 'a\rb', 'a\0b']) {
      assert.throws(() => doc.set('CA_default', 'dir', value), (e: unknown) => e instanceof UserError && /line break/.test(e.message));
    }
    assert.equal(doc.toString(), fixture('debian-12.cnf'));
    assert.deepEqual(doc.edits, []);
  });

  test('values openssl would not read back as written are refused with the reason', () => {
    const doc = parseOpensslConfig('[ s ]\nk = v\n');
    const refusals: [string, RegExp][] = [
      ['a # b', /# outside quotes starts a comment/],
      ['ends with \\', /backslash/],
      [' padded ', /blanks at the start and end/],
    ];
    for (const [value, why] of refusals) {
      assert.throws(() => doc.set('s', 'k', value), (e: unknown) => e instanceof UserError && why.test(e.message), value);
    }
    assert.throws(() => doc.set('s', 'bad key', 'v'), UserError);
    assert.throws(() => doc.set('s]\n[t', 'k', 'v'), UserError);
    assert.equal(doc.toString(), '[ s ]\nk = v\n');
  });

  test('quoteConfigValue makes any one-line literal safe, $ and # included', () => {
    const literal = 'Quoin, Inc. # "the" $company \\ office';
    const doc = parseOpensslConfig('[ dn ]\n0.organizationName_default = x\n', { env: {} });
    doc.set('dn', '0.organizationName_default', quoteConfigValue(literal));
    assert.equal(parseOpensslConfig(doc.toString(), { env: {} }).resolve('dn', '0.organizationName_default'), literal);
    assert.throws(() => quoteConfigValue('a\nb'), UserError);
  });
});
