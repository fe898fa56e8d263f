// Host certificates of the private CA (lockstep ca sign) as `renew` sees them. The root key is
// encrypted and its passphrase is never stored: given it (--passphrase-file, LOCKSTEP_PASSPHRASE)
// renew re-signs a due one (renew-private-ca.ts); without it renew gives the exact commands.
import { parseIndex } from '../ca/index-db.js';
import { caLayout } from '../ca/layout.js';
import type { System } from '../core/system.js';
import { describeCert } from '../pki/x509.js';
import type { ManagedCert } from './managed.js';

export async function listPrivateCa(sys: System, caDir: string, caName: string, now = Date.now()): Promise<ManagedCert[]> {
  const ca = caLayout(caDir, caName);
  const index = await sys.readText(ca.index);
  if (index === undefined) return [];
  const out: ManagedCert[] = [];
  for (const entry of parseIndex(index, new Date(now))) {
    if (entry.status !== 'valid' || entry.cn === undefined) continue;
    const host = entry.cn;
    const certPath = ca.hostFile(host, 'crt');
    const flags = `--host ${host}${caDir === '/etc/pki/CA' ? '' : ` --ca-dir ${caDir}`}${caName === 'couch_ca' ? '' : ` --ca-name ${caName}`} --passphrase-file FILE`;
    const record = {
      method: 'private-ca' as const,
      // The new one first: the old one stays valid (and in use) until the new one is in place.
      command: `lockstep ca sign ${flags} --sign-again --yes && lockstep ca revoke ${flags} --older-only --reason superseded --yes`,
      answers: {},
    };
    const pem = await sys.readText(certPath);
    if (pem === undefined) continue; // signed elsewhere (the CA's own files only): ca list shows it
    try {
      const d = describeCert(pem, now);
      if (d.cert.serialNumber.replace(/^0+/, '').toUpperCase() !== entry.serial.replace(/^0+/, '').toUpperCase()) continue;
      out.push({ name: host, record, ca: { dir: caDir, name: caName }, certPath, names: d.names, issuer: d.issuer, notBefore: d.notBefore, notAfter: d.notAfter, daysLeft: d.daysLeft, lifetimeDays: d.lifetimeDays, renewFrom: d.renewFrom, due: d.due });
    } catch {
      // an unreadable host file is ca sign's to report
    }
  }
  return out;
}
