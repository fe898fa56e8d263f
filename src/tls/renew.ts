// `lockstep renew`: every certificate lockstep manages, with days left; those inside their
// window are renewed the way they were made (an ACME order with the recorded answers), the web
// server reloaded and the served certificate checked. Purchased and private certificates get a
// clear reminder. Exit 0 when nothing is due or everything due was renewed — a timer must not
// report failure for a quiet day — and 1 when something due was not renewed.
import { X509Certificate } from 'node:crypto';
import { PresetAnswers } from '../core/answers.js';
import { NonInteractivePrompter } from '../core/prompter.js';
import { FLOWS } from '../flows/index.js';
import { Session } from '../flows/session.js';
import { spawnChild } from '../core/spawn.js';
import { System } from '../core/system.js';
import { eventLines } from '../ui/text/format.js';
import { waitForServed } from '../web/https-nginx.js';
import { ariLine, withAri } from './ari-status.js';
import type { ManagedCert } from './managed.js';
import { listForRenewal, statusLine } from './renew-list.js';
import { foundAdvice } from './found-in-nginx.js';
import { resignHost } from './renew-private-ca.js';
import { freshCsr } from './renew-purchased.js';
import { EXPIRY_REPORT, mailReport, reportText, writeReport, type ReportEntry } from './expiry-report.js';

export interface RenewOptions {
  readonly root: string;
  readonly force: boolean;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  /** The private CA whose host certificates are listed too. */
  readonly caDir: string;
  readonly caName: string;
  /** Mail the expiry report here (through smtp). */
  readonly mail?: string;
  readonly smtp?: { readonly host: string; readonly port: number };
  /** The CA's passphrase file (or LOCKSTEP_PASSPHRASE in the environment): private-CA certificates are re-signed. */
  readonly passphraseFile?: string;
}

export interface RenewResult {
  readonly name: string;
  readonly method: string;
  readonly daysLeft?: number;
  readonly due: boolean;
  readonly dueReason?: string;
  readonly outcome: 'not-due' | 'renewed' | 'failed' | 'reminder' | 'previewed' | 'needs-yes';
  readonly message: string;
}

type Out = (line: string) => void;

async function reloadAndCheck(root: string, c: ManagedCert, out: Out): Promise<string | undefined> {
  const d = c.record.deploy;
  if (d === undefined) return undefined;
  const sys = new System(root);
  const reload = await spawnChild({ argv: ['nginx', '-s', 'reload', '-c', sys.real(d.nginxConf)], capture: true, timeoutMs: 60_000 });
  if (reload.exitCode !== 0) return `nginx did not reload: ${reload.missing ? 'nginx is not installed' : `${reload.stdout}${reload.stderr}`}`.trim();
  const pem = await sys.readText(c.certPath);
  const want = pem === undefined ? undefined : new X509Certificate(pem).fingerprint256;
  const check = await waitForServed(d.host, d.httpsPort, d.serverName, want);
  if (check.ok) {
    out(`  nginx reloaded; ${check.evidence}`);
    return undefined;
  }
  return `nginx still serves the old certificate on ${d.host}:${d.httpsPort}`;
}

const hasPassphrase = (o: RenewOptions): boolean => o.passphraseFile !== undefined || (process.env.LOCKSTEP_PASSPHRASE ?? '') !== '';

async function renewOne(c: ManagedCert, o: RenewOptions, out: Out): Promise<RenewResult> {
  const base = { name: c.name, method: c.record.method, ...(c.daysLeft !== undefined ? { daysLeft: c.daysLeft } : {}), due: c.due, ...(c.dueReason !== undefined ? { dueReason: c.dueReason } : {}) };
  if (c.record.method === 'private-ca' && hasPassphrase(o)) {
    if (o.dryRun) return { ...base, outcome: 'previewed', message: `dry run: would revoke and sign again: ${c.record.command}` };
    if (!o.yes) return { ...base, outcome: 'needs-yes', message: `${c.name} is due: run "lockstep renew --yes" with the passphrase to sign it again` };
    const error = await resignHost(c, { root: o.root, caDir: o.caDir, caName: o.caName, json: o.json, ...(o.passphraseFile !== undefined ? { passphraseFile: o.passphraseFile } : {}) }, out);
    if (error !== undefined) return { ...base, outcome: 'failed', message: error };
    const deployError = await reloadAndCheck(o.root, c, out);
    if (deployError !== undefined) return { ...base, outcome: 'failed', message: deployError };
    return { ...base, outcome: 'renewed', message: `${c.name} signed again by the private CA${c.liveName !== undefined ? ` and installed in live/${c.liveName}/` : ''}` };
  }
  if (c.record.method === 'purchased' && o.yes && !o.dryRun) {
    const names = c.names.length > 0 ? c.names.join(',') : c.name;
    const csr = await freshCsr(c, o.root, o.json, out);
    const install = `lockstep cert install --domain ${names} --cert THEIR-FILE [--chain THEIR-CHAIN]`;
    const message = csr.ok
      ? `${c.name} expires ${c.notAfter ?? 'soon'}: order its successor from your vendor with the ${csr.waiting ? 'CSR made earlier, still waiting for its certificate' : 'fresh key and CSR'}: ${csr.csrPath} (SHA-256 ${csr.fingerprint}); then ${install}. The live files stay in use until then.`
      : `${c.name} expires ${c.notAfter ?? 'soon'} and no CSR could be made (${csr.message}): order it again from your vendor: lockstep cert purchased --domain ${names}${csr.missing !== undefined ? ` ${csr.missing} …` : ''} makes a fresh key and CSR, then ${install}`;
    return { ...base, outcome: 'reminder', message };
  }
  if (c.record.method === 'found') {
    return { ...base, outcome: 'reminder', message: `${c.name} expires ${c.notAfter ?? 'soon'}: ${foundAdvice(c)}` };
  }
  if (c.record.method !== 'letsencrypt') {
    const how =
      c.record.method === 'purchased'
        ? `order it again from your vendor: lockstep cert purchased --domain ${c.names.join(',') || c.name} … makes a fresh key and CSR, then lockstep cert install`
        : c.record.method === 'private-ca'
          ? `the CA's key needs its passphrase, which lockstep never stores; sign it again: ${c.record.command}`
          : `make it again: lockstep ${c.record.command || 'cert self-signed'} --overwrite`;
    return { ...base, outcome: 'reminder', message: `${c.name} expires ${c.notAfter ?? 'soon'} and is not renewed automatically: ${how}` };
  }
  const flow = FLOWS.find((f) => f.command === c.record.command);
  if (flow === undefined) return { ...base, outcome: 'failed', message: `this lockstep does not know "${c.record.command}"` };
  if (!o.yes && !o.dryRun) return { ...base, outcome: 'needs-yes', message: `${c.name} is due: run "lockstep renew --yes" to renew it (or --dry-run to see the plan)` };
  // RFC 9773 §5: a server that answered ARI for this certificate learns which one the order
  // replaces (at Let's Encrypt such an order is exempt from rate limits).
  const flags = new Map(c.ari?.replaceable === true && c.ari.certId !== undefined ? [['replaces', c.ari.certId]] : []);
  const session = new Session({ root: o.root, source: new PresetAnswers(flags, c.record.answers as Record<string, unknown>), dryRun: o.dryRun, yes: true });
  if (!o.json) session.bus.subscribe((e) => out(eventLines(e).map((l) => `  ${l}`).join('\n')));
  try {
    const outcome = await session.run(flow, new NonInteractivePrompter());
    if (o.dryRun) return { ...base, outcome: 'previewed', message: 'dry run: nothing was changed' };
    if (!outcome.ok) return { ...base, outcome: 'failed', message: 'the new certificate did not pass verification' };
  } catch (error) {
    return { ...base, outcome: 'failed', message: (error as Error).message };
  }
  const deployError = await reloadAndCheck(o.root, c, out);
  if (deployError !== undefined) return { ...base, outcome: 'failed', message: deployError };
  return { ...base, outcome: 'renewed', message: `${c.name} renewed` };
}

async function sendReport(o: RenewOptions, sys: System, report: readonly ReportEntry[], out: Out, err: Out): Promise<void> {
  const text = reportText(report);
  try {
    await writeReport(sys, text);
    if (!o.json) out(`Expiry report: ${EXPIRY_REPORT}`);
  } catch (error) {
    err(`The expiry report could not be written to ${EXPIRY_REPORT}: ${(error as Error).message}`);
  }
  if (o.mail === undefined) return;
  const smtp = o.smtp ?? { host: 'localhost', port: 25 };
  try {
    await mailReport(o.mail, smtp, text);
    if (!o.json) out(`Expiry report mailed to ${o.mail} through ${smtp.host}:${smtp.port}`);
  } catch (error) {
    err(`The expiry report could not be mailed to ${o.mail} through ${smtp.host}:${smtp.port}: ${(error as Error).message}`);
  }
}

export async function renew(o: RenewOptions, out: Out, err: Out): Promise<number> {
  const session = new Session({ root: o.root, source: new PresetAnswers(new Map()), dryRun: true, yes: false });
  const managed = await listForRenewal(session.sys, o.caDir, o.caName);
  if (managed.length === 0 && !o.json) out('lockstep manages no certificates yet (none in /etc/lockstep/renewal/).');
  const results: RenewResult[] = [];
  const report: ReportEntry[] = [];
  const checked: ManagedCert[] = [];
  const directories = new Map();
  for (const listed of managed) {
    const c = await withAri(listed, session.sys, { directories });
    checked.push(c);
    if (!o.json) out(statusLine(c));
    if (!o.json && c.ari !== undefined) out(`  ${ariLine(c.ari)}`);
    if (!c.due && !o.force) {
      results.push({ name: c.name, method: c.record.method, ...(c.daysLeft !== undefined ? { daysLeft: c.daysLeft } : {}), due: false, outcome: 'not-due', message: 'not due' });
      continue;
    }
    const r = await renewOne(c, o, out);
    results.push(r);
    if (c.due && (r.outcome === 'failed' || r.outcome === 'reminder')) report.push({ result: r, ...(c.notAfter !== undefined ? { notAfter: c.notAfter } : {}) });
    if (o.json) continue;
    if (r.outcome === 'failed' || r.outcome === 'reminder') {
      // Let's Encrypt no longer e-mails expiry warnings: this line (in the timer's journal) is the warning.
      err(`EXPIRY WARNING: ${c.name} expires ${c.notAfter ?? '(unknown)'}${c.daysLeft !== undefined ? `, in ${c.daysLeft} days` : ''}: ${r.message}`);
    } else {
      out(`  ${r.message}`);
    }
  }
  if (report.length > 0 && !o.dryRun) await sendReport(o, session.sys, report, out, err);
  if (o.json) out(JSON.stringify({ certificates: checked.map((c) => ({ ...c, record: { method: c.record.method, command: c.record.command } })), results }));
  return results.some((r) => r.outcome === 'failed' || r.outcome === 'reminder') ? 1 : 0;
}
