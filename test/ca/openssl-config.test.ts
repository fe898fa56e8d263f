import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOpensslConfig } from '../../src/ca/openssl-config.js';
import {
  fixture,
  fixtureBytes,
  fixtureNames,
  isVariableName,
  opensslLoadError,
  opensslValues,
} from './openssl-config-helpers.js';

const ENV = { HOME: '/home/operator', PATH: process.env.PATH };

describe('openssl config parser: the fixtures', () => {
  test('there are the real distribution files, the seed and the edge cases', () => {
    const names = fixtureNames();
    for (const name of ['debian-12.cnf', 'ubuntu-22.04.cnf', 'rhel-9.cnf', 'seed-config.cnf', 'edge-syntax.cnf']) {
      assert.ok(names.includes(name), name);
    }
  });

  for (const name of fixtureNames()) {
    test(`${name}: parse → toString is byte for byte identical`, () => {
      const bytes = fixtureBytes(name);
      assert.ok(Buffer.from(parseOpensslConfig(bytes.toString('utf8')).toString(), 'utf8').equals(bytes));
    });

    test(`${name}: openssl loads it, and so do we, without a problem`, () => {
      assert.equal(opensslLoadError(fixture(name), ENV), undefined);
      assert.deepEqual(parseOpensslConfig(fixture(name), { env: ENV }).problems(), []);
    });

    test(`${name}: every value we resolve is the value openssl expands`, () => {
      const doc = parseOpensslConfig(fixture(name), { env: ENV });
      const probes = doc
        .sections()
        .flatMap((s) => doc.keys(s).map((k) => [s, k] as const))
        .filter(([s, k]) => isVariableName(s) && isVariableName(k));
      assert.ok(probes.length > 3, 'enough values to compare');
      const theirs = opensslValues(fixture(name), probes, ENV);
      assert.deepEqual(probes.map(([s, k]) => doc.resolve(s, k)), theirs);
    });
  }
});

describe('openssl config parser: syntax', () => {
  const edge = parseOpensslConfig(fixture('edge-syntax.cnf'), { env: ENV });

  test('sections, including weird bracket spacing, repeats, blanks in a name and [ default ]', () => {
    assert.deepEqual(edge.sections(), ['default', 'ca', 'policy_strict', 'edge_ca', 'edge_ext', 'req', 'dn', 'two words']);
    assert.equal(edge.get('default', 'late_default'), 'set after the headers, still in the default section');
    assert.equal(edge.get('two words', 'spaced'), 'a section name may contain blanks');
  });

  test('raw values: no trailing comment, quotes and escapes kept, # inside quotes is not a comment', () => {
    assert.equal(edge.get('ca', 'default_ca'), 'edge_ca');
    assert.equal(edge.get('edge_ca', 'quoted_hash'), '"a # inside double quotes"');
    assert.equal(edge.get('edge_ca', 'backtick'), '`back # tick`');
    assert.equal(edge.get('edge_ca', 'escaped'), 'not\\#a comment');
    assert.equal(edge.get('edge_ca', 'empty'), '');
    assert.equal(edge.get('edge_ca', 'indented'), 'value with leading blanks on the line');
  });

  test('resolved values: $var, ${var}, $(var), $sec::var, ${sec::var}, $ENV::NAME, quotes, escapes', () => {
    assert.equal(edge.resolve('edge_ca', 'dir'), '/srv/lockstep/ca');
    assert.equal(edge.resolve('edge_ca', 'certs'), '/srv/lockstep/ca/certs');
    assert.equal(edge.resolve('edge_ca', 'database'), '/srv/lockstep/ca/index.txt');
    assert.equal(edge.resolve('edge_ca', 'serial'), '/srv/lockstep/ca/serial');
    assert.equal(edge.resolve('edge_ca', 'from_other'), 'supplied/match');
    assert.equal(edge.resolve('edge_ca', 'env_home'), '/home/operator');
    assert.equal(edge.resolve('edge_ca', 'quoted_hash'), 'a # inside double quotes');
    assert.equal(edge.resolve('edge_ca', 'single'), 'its');
    assert.equal(edge.resolve('edge_ca', 'escaped'), 'not#a comment');
    assert.equal(edge.resolve('edge_ca', 'backslash'), 'C:\\Temp\\');
    assert.equal(edge.resolve('edge_ca', 'tabbed'), 'a\tb');
    assert.equal(edge.resolve('dn', 'commonName'), "Common Name (your server's name)");
  });

  test('$ENV::NAME falls back to the default section when the variable is not set', () => {
    const doc = parseOpensslConfig(fixture('edge-syntax.cnf'), { env: {} });
    assert.equal(doc.resolve('edge_ca', 'env_home'), '/srv/lockstep');
  });

  test('lookups fall back to the default section, as NCONF_get_string does', () => {
    assert.equal(edge.get('req', 'HOME'), undefined);
    assert.equal(edge.resolve('req', 'HOME'), '/srv/lockstep');
  });

  test('continuation lines: a value, a name, and a comment that swallows the next line', () => {
    assert.equal(edge.get('edge_ca', 'joined'), 'first part               second part');
    assert.equal(edge.get('edge_ca', 'continued_key'), 'value after a continued name');
    assert.equal(edge.get('edge_ca', 'swallowed'), undefined);
  });

  test('duplicate keys: the last one wins; dotted keys; a key set from another section', () => {
    assert.equal(edge.get('edge_ca', 'dup'), 'two');
    assert.deepEqual(edge.keys('dn').slice(0, 3), ['0.organizationName', '1.organizationName', '0.organizationName_default']);
    assert.equal(edge.get('edge_ca', 'late'), 'assigned from another section');
    assert.equal(edge.entry('edge_ca', 'dup')?.line, 36);
  });

  test('.include and .pragma are directives, not keys', () => {
    assert.deepEqual(edge.includes(), [
      { line: 6, path: '/etc/lockstep/does-not-exist.cnf' },
      { line: 7, path: '/etc/lockstep/also-missing.cnf' },
    ]);
    assert.deepEqual(edge.keys('default'), ['HOME', 'base', 'late_default']);
    const rhel = parseOpensslConfig(fixture('rhel-9.cnf'));
    assert.deepEqual(rhel.includes(), [{ line: 75, path: '/etc/crypto-policies/back-ends/opensslcnf.config' }]);
    assert.deepEqual(rhel.keys('crypto_policy'), []);
  });

  test('a byte-order mark is not part of the first line, and CRLF is not part of values', () => {
    const doc = parseOpensslConfig(fixture('edge-crlf-bom.cnf'));
    assert.equal(doc.get('default', 'HOME'), '.');
    assert.equal(doc.resolve('CA_default', 'database'), './demoCA/index.txt');
  });

  test('.pragma dollarid:on makes $ part of names; ${var} still expands', () => {
    const doc = parseOpensslConfig('a = 1\n.pragma dollarid:on\nb = $a/${a}\nc$d = x\n', { env: {} });
    assert.equal(doc.resolve('default', 'b'), '$a/1');
    assert.equal(doc.get('default', 'c$d'), 'x');
    assert.deepEqual(doc.problems(), []);
  });

  test('what openssl refuses is reported with its line, as openssl reports it', () => {
    const cases: [string, number, RegExp][] = [
      ['a = 1\nno equal sign here\n', 2, /missing equal sign/],
      ['[ unclosed\nb = 2\n', 1, /closing square bracket/],
      ['x = $nothing/here\n', 1, /"\$nothing" is used before it has a value/],
      ['x = ${a\n', 1, /missing closing brace/],
      ['.pragma dollarid:maybe\n', 1, /invalid pragma value/],
      ['use = $later\nlater = 1\n', 1, /used before/],
    ];
    for (const [text, line, message] of cases) {
      const problems = parseOpensslConfig(text, { env: {} }).problems();
      assert.equal(problems[0]?.line, line, text);
      assert.match(problems[0]!.message, message);
      assert.match(opensslLoadError(text, ENV) ?? '', new RegExp(`Error on line ${line}\\b`), text);
    }
  });

  test('empty input, blank-only input, and a file of one unterminated line round-trip', () => {
    for (const text of ['', '\n', '\r\n', '   ', 'a=1', 'a=1\\', '[x]\r', '\r\r\n']) {
      assert.equal(parseOpensslConfig(text).toString(), text, JSON.stringify(text));
    }
  });
});
