// The CA's config.cnf as `openssl ca` must read it for the CA at --ca-dir. Its `dir` names the
// CA folder as on the server (/etc/pki/CA, never a --root path). A CA moved or copied elsewhere
// still says its old folder: openssl would update the old database while lockstep reads the new
// one, so the plan first sets `dir` to --ca-dir (an edit, shown as a diff). Under --root the
// folder openssl must use is the one inside the root: the plan writes lockstep-root.cnf beside
// config.cnf, a few lines that include it and restate each path of the CA section inside the root
// (the last definition wins in openssl), and openssl ca reads that. (Not on standard input:
// openssl opens /dev/stdin, which fails on the socket node gives a child.) Paths that stay
// outside the CA folder are refused.
import path from 'node:path';
import { p, type Action, type Arg } from '../core/actions.js';
import { UserError } from '../core/errors.js';
import type { System } from '../core/system.js';
import type { CaLayout } from './layout.js';
import { parseOpensslConfig, quoteConfigValue, type OpensslConfig } from './openssl-config.js';

/** The keys of an `openssl ca` section that name files or folders of the CA. */
const PATH_KEYS = ['new_certs_dir', 'database', 'certificate', 'private_key', 'serial', 'crlnumber', 'crl', 'RANDFILE'] as const;

export interface CaConfigFacts {
  /** config.cnf as it is now; undefined when it is missing. */
  readonly text?: string;
  /** The real path openssl sees for the CA folder (under --root). */
  readonly realDir: string;
  readonly root: string;
  /** lockstep-root.cnf as it is now (under --root): rewritten only when it differs. */
  readonly rootCnf?: string;
}

const rootCnfOf = (ca: CaLayout): string => `${ca.dir}/lockstep-root.cnf`;

export async function readCaConfig(sys: System, ca: CaLayout): Promise<CaConfigFacts> {
  const text = await sys.readText(ca.orgConfig);
  const rootCnf = sys.real(ca.dir) === ca.dir ? undefined : await sys.readText(rootCnfOf(ca));
  return { realDir: sys.real(ca.dir), root: sys.root, ...(text !== undefined ? { text } : {}), ...(rootCnf !== undefined ? { rootCnf } : {}) };
}

/** How every `openssl ca` of a plan reads the CA's config. */
export interface CaConfigUse {
  /** First in the plan: config.cnf's `dir` set to --ca-dir, and under --root the root's view of it. */
  readonly actions: readonly Action[];
  readonly args: readonly Arg[];
  /** Said with the preview. */
  readonly notes: readonly string[];
}

function caSection(doc: OpensslConfig, file: string): string {
  const section = doc.resolve('ca', 'default_ca');
  if (section === undefined) throw new UserError(`${file} has no default_ca in its [ ca ] section: openssl ca cannot use it.`, 'Run "lockstep ca init" for a new CA, or add "[ ca ] default_ca = <CA name>".');
  return section;
}

const under = (dir: string, file: string): boolean => file === dir || file.startsWith(`${dir.replace(/\/+$/, '')}/`);

export function caConfigUse(ca: CaLayout, facts: CaConfigFacts): CaConfigUse {
  if (facts.text === undefined) throw new UserError(`${ca.orgConfig} is missing: run "lockstep ca init" first.`);
  const doc = parseOpensslConfig(facts.text);
  const section = caSection(doc, ca.orgConfig);
  const notes: string[] = [];
  const said = doc.resolve(section, 'dir');
  const actions: Action[] = [];
  if (said === undefined || path.posix.normalize(said).replace(/\/+$/, '') !== ca.dir.replace(/\/+$/, '')) {
    const before = doc.toString();
    doc.set(section, 'dir', ca.dir.includes(' ') || ca.dir.includes('$') ? quoteConfigValue(ca.dir) : ca.dir);
    const why = said === undefined ? 'has no dir' : facts.root !== '/' && under(facts.root, said) ? `names the folder inside the --root (${said})` : `names ${said} (the CA was moved or copied)`;
    actions.push({ kind: 'edit', title: `config.cnf: dir = ${ca.dir} (it ${why})`, path: ca.orgConfig, before, after: doc.toString(), changes: [`[ ${section} ] dir: ${said ?? '(none)'} → ${ca.dir}`] });
    notes.push(`${ca.orgConfig} ${why}: openssl ca would use that folder's database. The plan sets dir = ${ca.dir}, the folder given by --ca-dir.`);
  }
  const overrides: string[] = [];
  for (const key of PATH_KEYS) {
    const value = doc.resolve(section, key);
    if (value === undefined) continue;
    if (!under(ca.dir, value)) {
      throw new UserError(
        `${ca.orgConfig}: [ ${section} ] ${key} = ${value} is outside the CA folder ${ca.dir}: openssl ca would use another CA's files.`,
        `Write it with $dir (e.g. ${key} = $dir/${path.posix.relative(ca.dir, value).split('/').pop() ?? key}), or give the --ca-dir it belongs to.`,
      );
    }
    if (facts.realDir !== ca.dir) overrides.push(`${key} = ${quoteConfigValue(facts.realDir + value.slice(ca.dir.replace(/\/+$/, '').length))}`);
  }
  if (facts.realDir === ca.dir) return { actions, args: ['-config', p(ca.orgConfig)], notes };
  // A sandbox: the same config, its CA paths taken inside the root.
  const rootCnf = rootCnfOf(ca);
  const content = [
    `# config.cnf as openssl ca reads it under lockstep --root ${facts.root}: the CA's paths inside the root`,
    '# (the last definition wins). Written again by every lockstep run with --root; not used without one.',
    `.include ${facts.realDir}/config.cnf`,
    `[ ${section} ]`,
    ...overrides,
    '',
  ].join('\n');
  if (content !== facts.rootCnf) actions.push({ kind: 'write', title: `The CA's paths inside --root ${facts.root} for openssl ca (lockstep-root.cnf)`, path: rootCnf, content, mode: 0o644 });
  return { actions, args: ['-config', p(rootCnf)], notes };
}
