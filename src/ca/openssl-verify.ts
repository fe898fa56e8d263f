// The client's view: does openssl accept this host certificate against the root, for its name?
import type { Check } from '../core/events.js';
import type { System } from '../core/system.js';
import type { CaLayout } from './layout.js';

export async function verifyAgainstRoot(sys: System, ca: CaLayout, host: string): Promise<Check> {
  // A wildcard is checked for a name it covers, as a client would ask for one.
  const name = host.startsWith('*.') ? `wildcard-check.${host.slice(2)}` : host;
  const r = await sys.probe(['openssl', 'verify', '-CAfile', sys.real(ca.cert), '-purpose', 'sslserver', '-verify_hostname', name, sys.real(ca.hostFile(host, 'crt'))]);
  return { name: `${host}: openssl verify against the root, for ${name}`, ok: r.exitCode === 0, evidence: (r.stdout || r.stderr).trim().split('\n').pop() ?? '' };
}
