// Recorded probe output (fixtures/probe/, see its README) for Systems whose probes answer from a
// table: a test built on them reads nothing of the real machine, and says so by failing.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './helpers.js';

export const PROBE_FIXTURES = path.join(REPO, 'fixtures', 'probe');

/** The text of fixtures/probe/<name>. */
export function probeFixture(name: string): string {
  return fs.readFileSync(path.join(PROBE_FIXTURES, name), 'utf8');
}
