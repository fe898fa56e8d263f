// `lockstep cert inspect FILE | --domain NAME`: what a certificate says, and whether and when
// lockstep would renew it.
import fs from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import { System } from '../core/system.js';
import { loadCertificates } from './cert-bundle.js';
import { subjectLine } from './check-certificate.js';
import { livePath } from './live-layout.js';
import { describeCert } from './managed.js';

export async function inspect(root: string, file: string | undefined, domain: string | undefined, json: boolean): Promise<string> {
  const sys = new System(root);
  if ((file === undefined) === (domain === undefined)) throw new UserError('cert inspect needs a FILE or --domain NAME (one of them).');
  const target = file ?? livePath(domain ?? '', 'cert');
  let data: Buffer;
  try {
    data = await fs.readFile(file !== undefined && !file.startsWith('/') ? file : sys.real(target));
  } catch {
    throw new UserError(file !== undefined ? `Cannot read ${file}.` : `--domain ${domain}: lockstep has no certificate for it (${target} is missing).`);
  }
  let certs;
  try {
    certs = (await loadCertificates(data, file ?? target)).certs;
  } catch (error) {
    throw new UserError(`${(error as Error).message}.`);
  }
  const described = certs.map((c) => {
    const d = describeCert(c.toString());
    return { subject: subjectLine(c), issuer: d.issuer, names: d.names, serial: c.serialNumber, fingerprint256: c.fingerprint256, notBefore: d.notBefore, notAfter: d.notAfter, daysLeft: d.daysLeft, lifetimeDays: d.lifetimeDays, renewFrom: d.renewFrom, due: d.due, ca: c.ca };
  });
  if (json) return JSON.stringify({ file: target, certificates: described });
  return described
    .map((d, i) =>
      [
        `${i === 0 ? 'Certificate' : `Chain ${i}`}: ${d.subject}`,
        `  issuer:   ${d.issuer}`,
        ...(d.names.length ? [`  names:    ${d.names.join(', ')}`] : []),
        `  valid:    ${d.notBefore} → ${d.notAfter} (${d.lifetimeDays} days, ${d.daysLeft} left)`,
        ...(i === 0 && !d.ca ? [`  renewal:  ${d.due ? 'due now' : `from ${d.renewFrom.slice(0, 10)}`} (a third of the lifetime left; half under 10 days)`] : []),
        `  SHA-256:  ${d.fingerprint256}`,
      ].join('\n'),
    )
    .join('\n');
}
