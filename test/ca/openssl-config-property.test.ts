import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOpensslConfig } from '../../src/ca/openssl-config.js';
import { KEYS, Pick, SECTIONS, expectedAfterSet, generate, random, type GenDoc } from './openssl-config-generator.js';
import { isVariableName, linesOf, opensslLoadError, opensslValues } from './openssl-config-helpers.js';

const CASES = 3000;
/** Cases also checked against openssl itself (one process each). */
const OPENSSL_CASES = 150;
const ENV = { PATH: process.env.PATH };
const SET_VALUES = ['/etc/pki/CA', 'CA:true', 'cRLSign, keyCertSign', '"OpenSSL Generated Certificate"', '', 'a"b # c"d', '$dir/x', 'sha256'];

/** The effective raw value of every (section, key) the generator wrote. */
function effective(doc: GenDoc): Map<string, string> {
  return new Map(doc.assigns.map((a) => [`${a.target}\0${a.key}`, a.value]));
}

function chooseEdit(doc: GenDoc, pick: Pick): [string, string, string] {
  const r = pick.next();
  const value = pick.one(SET_VALUES);
  if (r < 0.45 && doc.assigns.length > 0) {
    const a = pick.one(doc.assigns);
    return [a.target, a.key, pick.chance(0.1) ? a.value : value];
  }
  if (r < 0.7 && doc.commented.length > 0) {
    const c = pick.one(doc.commented);
    return [c.block, c.key, pick.chance(0.3) ? c.value : value];
  }
  return [pick.one([...SECTIONS, 'brand_new']), pick.one([...KEYS, 'new_key']), value];
}

describe('openssl config parser: generated documents', () => {
  test(`${CASES} seeded documents: parse → toString is the identity and get() sees what was written`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const gen = generate(new Pick(random(seed)));
      const doc = parseOpensslConfig(gen.text, { env: ENV });
      assert.equal(doc.toString(), gen.text, `seed ${seed}`);
      for (const [id, value] of effective(gen)) {
        const [section, key] = id.split('\0') as [string, string];
        assert.equal(doc.get(section, key), value, `seed ${seed}: [ ${section} ] ${key}`);
      }
      assert.deepEqual(doc.problems(), [], `seed ${seed}`);
    }
  });

  test(`${CASES} seeded edits: set() changes exactly the expected lines and no other value`, () => {
    const kinds = new Map<string, number>();
    for (let seed = 1; seed <= CASES; seed++) {
      const pick = new Pick(random(seed));
      const gen = generate(pick);
      const [section, key, value] = chooseEdit(gen, pick);
      const doc = parseOpensslConfig(gen.text, { env: ENV });
      const edit = doc.set(section, key, value);
      kinds.set(edit.kind, (kinds.get(edit.kind) ?? 0) + 1);
      const where = `seed ${seed}: set [ ${section} ] ${key} = ${value} (${edit.kind})`;
      assert.deepEqual(linesOf(doc.toString()), linesOf(expectedAfterSet(gen, section, key, value)), where);

      const reread = parseOpensslConfig(doc.toString(), { env: ENV });
      assert.equal(reread.get(section, key), value, where);
      for (const [id, before] of effective(gen)) {
        const [s, k] = id.split('\0') as [string, string];
        if (s !== section || k !== key) assert.equal(reread.get(s, k), before, `${where}: [ ${s} ] ${k} moved`);
      }
    }
    // Every path of set() was taken many times.
    for (const kind of ['replaced', 'uncommented', 'added', 'section-added', 'unchanged']) {
      assert.ok((kinds.get(kind) ?? 0) >= 50, `${kind}: ${kinds.get(kind) ?? 0} times`);
    }
  });

  test(`${OPENSSL_CASES} seeded documents: openssl loads them and expands every value as resolve() does`, () => {
    let compared = 0;
    for (let seed = 1; seed <= OPENSSL_CASES; seed++) {
      const gen = generate(new Pick(random(seed)));
      assert.equal(opensslLoadError(gen.text, ENV), undefined, `seed ${seed}`);
      const doc = parseOpensslConfig(gen.text, { env: ENV });
      const probes = doc
        .sections()
        .flatMap((s) => doc.keys(s).map((k) => [s, k] as const))
        .filter(([s, k]) => isVariableName(s) && isVariableName(k));
      assert.deepEqual(probes.map(([s, k]) => doc.resolve(s, k)), opensslValues(gen.text, probes, ENV), `seed ${seed}`);
      compared += probes.length;
    }
    assert.ok(compared > 500, `${compared} values compared`);
  });
});
