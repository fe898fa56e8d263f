// Validators return a message a person understands, or undefined when the value is fine.
import { isIP } from 'node:net';
import path from 'node:path';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkHostName(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (/[\r\n\t]/.test(value)) return 'contains a line break or tab; a host name is one line';
  if (/\s/.test(value)) return `"${value}" contains a space; host names have none`;
  if (isIP(value) !== 0) return `"${value}" is an IP address; give a DNS name here`;
  if (value.length > 253) return `"${value.slice(0, 20)}…" is ${value.length} characters; at most 253 are allowed`;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const labels = name.split('.');
  for (const [i, label] of labels.entries()) {
    if (label === '') return `"${value}" has an empty label (two dots in a row, or a leading dot)`;
    if (i === 0 && label === '*' && labels.length > 2) continue;
    if (label.length > 63) return `"${value}" has a label of ${label.length} characters; at most 63 are allowed`;
    if (!LABEL.test(label.toLowerCase())) {
      return `"${value}" has an invalid label "${label}": use letters, digits and hyphens, not at either end`;
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return `"${value}" ends in a number; that is not a DNS name`;
  return undefined;
}

/** One IPv4 or IPv6 address (no range, no name). */
export function checkIpAddress(value: string): string | undefined {
  return isIP(value) !== 0 ? undefined : `"${value}" is not an IPv4 or IPv6 address (like 127.0.0.1 or ::1)`;
}

export function checkCidr(value: string): string | undefined {
  const [address, prefix, extra] = value.split('/');
  if (extra !== undefined || address === undefined) return `"${value}" is not an address or a range like 192.0.2.0/24`;
  const family = isIP(address);
  if (family === 0) return `"${address}" is not an IPv4 or IPv6 address`;
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > max) {
    return `"/${prefix}" is not a valid prefix length for IPv${family} (0 to ${max})`;
  }
  return undefined;
}

export function checkAbsolutePath(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (/[\0\r\n]/.test(value)) return 'contains a line break or NUL byte';
  if (!path.isAbsolute(value)) return `"${value}" is not an absolute path (it must start with /)`;
  return undefined;
}

/** An operator's file: any path on this machine, relative ones from the working directory. */
export function checkOperatorPath(value: string): string | undefined {
  if (value.length === 0) return 'is empty';
  if (/[\0\r\n]/.test(value)) return 'contains a line break or NUL byte';
  return undefined;
}

export function checkInteger(value: number, min: number, max: number): string | undefined {
  if (!Number.isInteger(value)) return `"${value}" is not a whole number`;
  if (value < min) return `${value} is less than ${min}`;
  if (value > max) return `${value} is more than ${max}`;
  return undefined;
}
