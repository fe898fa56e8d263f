// A PEM file cut short (a copy that stopped early, a paste that lost its end) says so: a block
// whose BEGIN line has no END line is a truncated PEM, not a key mismatch or "not a certificate".

/** The message for the first block of `text` that begins and never ends, else undefined. */
export function truncatedPem(text: string, label: string): string | undefined {
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/g;
  for (let m = begin.exec(text); m !== null; m = begin.exec(text)) {
    const type = m[1]!;
    const rest = text.slice(m.index + m[0].length);
    const end = rest.indexOf(`-----END ${type}-----`);
    const next = rest.search(/-----BEGIN /);
    if (end === -1 || (next !== -1 && next < end)) {
      const line = text.slice(0, m.index).split('\n').length;
      return `${label} is a truncated PEM: the ${type} block that starts on line ${line} has no "-----END ${type}-----" line (the file was cut short; copy it again)`;
    }
  }
  return undefined;
}
