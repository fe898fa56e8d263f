// subjectAltName entries from --san: "DNS:name" or "IP:address", comma-separated; per host as
// HOST=DNS:…,IP:… (repeat --san for each host). A list without HOST= is the only host's.
import { isIP } from 'node:net';
import { splitList } from '../core/questions.js';
import { checkHostName } from '../core/validate.js';

export function checkSanList(text: string): string | undefined {
  for (const entry of splitList(text)) {
    const [type, value, extra] = entry.split(':');
    if (type === 'IP' && value !== undefined) {
      const ip = entry.slice(3);
      if (isIP(ip) === 0) return `"${entry}": "${ip}" is not an IPv4 or IPv6 address`;
      continue;
    }
    if (type === 'DNS' && value !== undefined && extra === undefined) {
      const error = checkHostName(value);
      if (error !== undefined) return `"${entry}": ${error}`;
      continue;
    }
    return `"${entry}" is neither DNS:<name> nor IP:<address>`;
  }
  return undefined;
}

/**
 * --san as the flag gives it (repeated flags arrive joined by commas): `HOST=` starts that host's
 * entries, the entries after it are its own until the next `HOST=`. Entries before any `HOST=`
 * belong to the only host; with several hosts they are refused (which host would they name?).
 * `hosts` empty: only the syntax is checked (the hosts are not known yet).
 */
export function sanByHost(text: string, hosts: readonly string[]): Map<string, string> | { error: string } {
  const groups = new Map<string, string[]>();
  const bare: string[] = [];
  let current: string[] | undefined;
  for (const item of splitList(text)) {
    const m = /^([^=:]+)=(.*)$/.exec(item);
    let entry = item;
    if (m !== null) {
      const host = m[1]!.trim().toLowerCase().replace(/\.$/, '');
      if (hosts.length > 0 && !hosts.includes(host)) {
        return { error: `--san ${item}: "${host}" is not one of the --host names (${hosts.join(', ')})` };
      }
      current = groups.get(host) ?? [];
      groups.set(host, current);
      entry = m[2]!.trim();
      if (entry === '') continue;
    }
    const bad = checkSanList(entry);
    if (bad !== undefined) return { error: `--san ${item}: ${bad}` };
    (current ?? bare).push(entry);
  }
  if (bare.length > 0) {
    if (hosts.length > 1) {
      return {
        error: `--san ${bare.join(',')} names no host, and ${hosts.length} hosts are signed: say whose, e.g. --san ${hosts[0]}=${bare[0]} (repeat --san for each host)`,
      };
    }
    const only = hosts[0];
    if (only !== undefined) groups.set(only, [...bare, ...(groups.get(only) ?? [])]);
  }
  return new Map([...groups].map(([h, list]) => [h, list.join(',')]));
}

/** The host's own name first (clients ignore the CN today), then the extra entries, no duplicates. */
export function sanValue(host: string, extra: string | undefined): string {
  const entries = [`DNS:${host}`, ...splitList(extra ?? '').map((e) => (e.startsWith('DNS:') ? `DNS:${e.slice(4).toLowerCase()}` : e))];
  return [...new Set(entries)].join(',');
}
