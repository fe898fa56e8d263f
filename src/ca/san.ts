// subjectAltName entries from --san: "DNS:name" or "IP:address", comma-separated.
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

/** The host's own name first (clients ignore the CN today), then the extra entries, no duplicates. */
export function sanValue(host: string, extra: string | undefined): string {
  const entries = [`DNS:${host}`, ...splitList(extra ?? '').map((e) => (e.startsWith('DNS:') ? `DNS:${e.slice(4).toLowerCase()}` : e))];
  return [...new Set(entries)].join(',');
}
