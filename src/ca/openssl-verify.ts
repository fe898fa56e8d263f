// The client's view: does openssl accept this host certificate against the root, for its name?
import type { Check } from '../core/events.js';
import type { System } from '../core/system.js';
import type { CaLayout } from './layout.js';

export async function verifyAgainstRoot(sys: System, ca: CaLayout, host: string): Promise<Check> {
  const r = await sys.probe(['openssl', 'verify', '-CAfile', sys.real(ca.cert), '-purpose', 'sslserver', '-verify_hostname', host, sys.real(ca.hostFile(host, 'crt'))]);
  return { name: `${host}: openssl verify against the root, for ${host}`, ok: r.exitCode === 0, evidence: (r.stdout || r.stderr).trim().split('\n').pop() ?? '' };
}
