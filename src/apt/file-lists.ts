// What dpkg recorded of each installed package's files (R/var/lib/dpkg/info/<pkg>.list and
// <pkg>.md5sums): the chroot check and the checksum baseline compare against these.
import type { System } from '../core/system.js';
import { DPKG_ADMINDIR } from './apt-root.js';

export const INFO_DIR = `${DPKG_ADMINDIR}/info`;

/** dpkg names the files of a Multi-Arch: same package <pkg>:<arch>.list. */
const infoName = (pkg: string, arch?: string): string => (arch !== undefined ? `${pkg}:${arch}` : pkg);

/** The paths a .list names (directories included, as dpkg writes them). */
export function parseFileList(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/'));
}

/** md5sums lines "HASH  relative/path" → absolute path → hash. */
export function parseMd5sums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{32}) [ *]?(.+)$/.exec(line.trim());
    if (m !== null) out.set(`/${m[2]!.replace(/^\/+/, '')}`, m[1]!);
  }
  return out;
}

/** A package's file list on the target; undefined when dpkg has none (not installed). */
export async function readFileList(sys: System, pkg: string, arch?: string): Promise<string[] | undefined> {
  const text = (await sys.readText(`${INFO_DIR}/${infoName(pkg, arch)}.list`)) ?? (arch === undefined ? undefined : await sys.readText(`${INFO_DIR}/${pkg}.list`));
  return text === undefined ? undefined : parseFileList(text);
}

/** A package's md5sums on the target (packages built by debhelper leave conffiles out: their md5 is in the status file's Conffiles). */
export async function readMd5sums(sys: System, pkg: string, arch?: string): Promise<Map<string, string> | undefined> {
  const text = (await sys.readText(`${INFO_DIR}/${infoName(pkg, arch)}.md5sums`)) ?? (arch === undefined ? undefined : await sys.readText(`${INFO_DIR}/${pkg}.md5sums`));
  return text === undefined ? undefined : parseMd5sums(text);
}
