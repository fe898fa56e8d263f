// What R1 reads after a kill: every file under a --root that lockstep or openssl writes, checked
// by kind (PEM, the CA database, serial numbers, openssl.cnf, JSON and the journal), and the
// temporary files a write in progress leaves (.<name>.lockstep-<hex>.tmp).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseOpensslConfig } from '../../src/ca/openssl-config.js';
import { parseIndexStrict } from '../e2e/ca-robust-helpers.js';

export interface Torn {
  readonly file: string;
  readonly why: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\n([A-Za-z0-9+/=\n]+)-----END \1-----\n?/g;
export const TEMP = /\.lockstep-[0-9a-f]+\.tmp$/;

async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(full);
    else if (e.isFile()) yield full;
  }
}

/** Why a PEM file is not whole, or undefined. Keys encrypted with `passphrase` are opened with it. */
function pemProblem(text: string, passphrase: string, name: string): string | undefined {
  // A chain file of a certificate its root signed directly holds no intermediates.
  if (text === '') return /^chain\d*\.pem$/.test(name) ? undefined : 'empty';
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) return 'no whole PEM block';
  const rest = text.replace(PEM_BLOCK, '').trim();
  if (rest !== '' && !/^[\s\S]*?(Certificate:|subject=|issuer=)/.test(rest)) return `stray text after the PEM blocks: ${JSON.stringify(rest.slice(0, 40))}`;
  for (const [block, label] of blocks) {
    try {
      if (label === 'CERTIFICATE') new X509Certificate(block);
      else if (label === 'ENCRYPTED PRIVATE KEY') createPrivateKey({ key: block, passphrase });
      else if (label!.endsWith('PRIVATE KEY')) createPrivateKey(block);
    } catch (error) {
      return `${label} does not parse: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/** Every file of a kind R1 knows that is not whole, and every temporary file left. */
export async function inspectRoot(root: string, passphrase: string): Promise<{ torn: Torn[]; temps: string[]; files: number; cutRecords: string[] }> {
  const torn: Torn[] = [];
  const cutRecords: string[] = [];
  const temps: string[] = [];
  let files = 0;
  for await (const file of walk(root)) {
    files += 1;
    const rel = `/${path.relative(root, file)}`;
    const name = path.basename(file);
    if (TEMP.test(name)) {
      temps.push(rel);
      continue;
    }
    let why: string | undefined;
    const text = await fs.readFile(file, 'utf8');
    if (/\.(pem|crt|cert|key|csr)$/.test(name)) why = pemProblem(text, passphrase, name);
    else if (/^index\.txt(\.old|\.new)?$/.test(name)) {
      try {
        parseIndexStrict(text, name);
      } catch (error) {
        why = (error as Error).message.split('\n')[0];
      }
    } else if (/^(serial|crlnumber)(\.old|\.new)?$/.test(name)) why = /^[0-9A-F]+\n$/.test(text) ? undefined : `not one hex line: ${JSON.stringify(text)}`;
    else if (/^index\.txt\.attr(\.old|\.new)?$/.test(name)) why = /^(unique_subject = (yes|no)\n)?$/.test(text) ? undefined : `cut short: ${JSON.stringify(text)}`;
    else if (name.endsWith('.cnf')) {
      const problems = parseOpensslConfig(text, { env: {} }).problems();
      why = text === '' ? 'empty' : problems.length > 0 ? `openssl would refuse it: ${JSON.stringify(problems[0])}` : undefined;
    } else if (name.endsWith('.jsonl')) {
      // A record a kill cut short is what the journal's reader skips by design (and the next run
      // ends it with a newline first): counted apart, not as a torn file.
      for (const line of text.split('\n').filter((l) => l !== '')) {
        try {
          JSON.parse(line);
        } catch {
          cutRecords.push(`${rel}: ${JSON.stringify(line.slice(0, 60))}`);
        }
      }
    } else if (name.endsWith('.json')) {
      try {
        JSON.parse(text);
      } catch {
        why = 'not JSON';
      }
    }
    if (why === undefined && /\.key$|privkey/.test(name)) {
      const mode = (await fs.stat(file)).mode & 0o777;
      if ((mode & 0o077) !== 0) why = `a private key with mode ${mode.toString(8)}`;
    }
    if (why !== undefined) torn.push({ file: rel, why });
  }
  return { torn, temps, files, cutRecords };
}
