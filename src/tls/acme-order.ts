// `lockstep internal acme-order`: the one part of `cert letsencrypt` that is not a plain
// command — the ACME exchange, through acme-client. The plan runs it as a `run` action, so the
// preview shows it with every argument; the account key is read from its 0600 file and never
// printed. It writes cert, chain and fullchain atomically; on any failure it writes nothing.
import * as acme from 'acme-client';
import { Resolver } from 'node:dns/promises';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { writeAtomic } from '../core/atomic-file.js';
import { orderCertificate } from './acme-exchange.js';
import { pemBlocks } from './live-layout.js';

export interface AcmeOrderOptions {
  readonly directory: string;
  readonly accountKey: string;
  readonly csr: string;
  readonly email: string;
  readonly challenge: 'http-01' | 'dns-01';
  readonly http01Port: number;
  readonly webroot?: string;
  readonly dnsHook?: string;
  readonly dnsResolver?: string;
  readonly caFile?: string;
  /** RFC 9773 §5: the ARI ID of the certificate this order replaces (lockstep renew gives it). */
  readonly replaces?: string;
  readonly certOut: string;
  readonly chainOut: string;
  readonly fullchainOut: string;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

export function parseAcmeOrderArgs(args: readonly string[]): AcmeOrderOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      directory: { type: 'string' },
      'account-key': { type: 'string' },
      csr: { type: 'string' },
      email: { type: 'string' },
      'agree-tos': { type: 'boolean' },
      challenge: { type: 'string' },
      'http-01-port': { type: 'string' },
      webroot: { type: 'string' },
      'dns-hook': { type: 'string' },
      'dns-resolver': { type: 'string' },
      'ca-file': { type: 'string' },
      replaces: { type: 'string' },
      'cert-out': { type: 'string' },
      'chain-out': { type: 'string' },
      'fullchain-out': { type: 'string' },
    },
    strict: true,
  });
  const need = (name: keyof typeof values): string => {
    const v = values[name];
    if (typeof v !== 'string' || v === '') throw new Error(`internal acme-order: --${name} is required`);
    return v;
  };
  if (values['agree-tos'] !== true) throw new Error('internal acme-order: the terms of service were not accepted (--agree-tos)');
  const challenge = need('challenge');
  if (challenge !== 'http-01' && challenge !== 'dns-01') throw new Error(`internal acme-order: unknown --challenge ${challenge}`);
  const opt = (name: keyof typeof values): string | undefined => (typeof values[name] === 'string' && values[name] !== '' ? (values[name] as string) : undefined);
  const webroot = opt('webroot');
  const dnsHook = opt('dns-hook');
  const dnsResolver = opt('dns-resolver');
  const caFile = opt('ca-file');
  const replaces = opt('replaces');
  return {
    directory: need('directory'),
    accountKey: need('account-key'),
    csr: need('csr'),
    email: need('email'),
    challenge,
    http01Port: Number(opt('http-01-port') ?? '80'),
    ...(webroot ? { webroot } : {}),
    ...(dnsHook ? { dnsHook } : {}),
    ...(dnsResolver ? { dnsResolver } : {}),
    ...(caFile ? { caFile } : {}),
    ...(replaces ? { replaces } : {}),
    certOut: need('cert-out'),
    chainOut: need('chain-out'),
    fullchainOut: need('fullchain-out'),
  };
}

/** A listener on the HTTP-01 port that answers only the tokens of this order. */
async function standaloneListener(port: number): Promise<{ tokens: Map<string, string>; close: () => Promise<void> }> {
  const tokens = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const token = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
    const body = token === undefined ? undefined : tokens.get(token);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' });
    res.end(body ?? '');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `port ${port} is in use: a web server runs there, so use --webroot with its document root` : e.message)),
    );
    server.listen(port, resolve);
  });
  say(`Answering HTTP-01 challenges on port ${port}.`);
  return { tokens, close: () => new Promise((r) => server.close(() => r())) };
}

async function runDnsHook(hook: string, action: 'set' | 'clear', name: string, value: string): Promise<void> {
  const r = await execa('/bin/sh', ['-c', hook], {
    reject: false,
    stdin: 'ignore',
    env: { LOCKSTEP_DNS_ACTION: action, LOCKSTEP_DNS_NAME: name, LOCKSTEP_DNS_VALUE: value },
  });
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() !== '')) say(`  dns-hook: ${line}`);
  if (r.exitCode !== 0) throw new Error(`--dns-hook exited with code ${r.exitCode ?? '?'} for ${action} ${name}`);
}

/** Waits until the resolver answers the TXT record: the ACME server would fail the challenge before. */
async function waitForTxt(resolverAddress: string | undefined, name: string, value: string, timeoutMs = 600_000): Promise<void> {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  if (resolverAddress !== undefined) resolver.setServers([resolverAddress]);
  const until = Date.now() + timeoutMs;
  say(`Waiting until ${resolverAddress ?? 'the system resolver'} answers the TXT record ${name}.`);
  for (let delay = 200; ; delay = Math.min(delay * 2, 10_000)) {
    const records = await resolver.resolveTxt(name).catch(() => [] as string[][]);
    if (records.some((r) => r.join('') === value)) return;
    if (Date.now() > until) throw new Error(`the TXT record ${name} did not appear within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

export async function acmeOrder(o: AcmeOrderOptions): Promise<void> {
  if (o.caFile !== undefined) {
    acme.axios.defaults.httpsAgent = new https.Agent({ ca: await fs.readFile(o.caFile) });
  }
  const client = new acme.Client({
    directoryUrl: o.directory,
    accountKey: await fs.readFile(o.accountKey),
    // acme-client waits 5 s before its first poll; a validation usually takes well under one.
    backoffMin: 250,
    backoffMax: 8000,
    backoffAttempts: 12,
  });
  const csr = await fs.readFile(o.csr, 'utf8');
  const standalone = o.challenge === 'http-01' && o.webroot === undefined ? await standaloneListener(o.http01Port) : undefined;
  say(`Ordering from ${o.directory} (${o.challenge}).`);
  try {
    const pem = await orderCertificate(client, { csr, email: o.email, challenge: o.challenge, ...(o.replaces !== undefined ? { replaces: o.replaces } : {}), say }, {
      // The ACME server validates the challenge itself; no pre-check of our own here, which
      // would ask the system resolver and port 80 — the wrong places behind --http-01-port or
      // --dns-resolver. The DNS wait below asks the resolver the operator named.
      create: async (authz, challenge, keyAuthorization) => {
        const domain = authz.identifier.value;
        if (challenge.type === 'http-01') {
          if (standalone) standalone.tokens.set(challenge.token, keyAuthorization);
          else {
            const file = path.join(o.webroot ?? '', '.well-known', 'acme-challenge', challenge.token);
            await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
            await fs.writeFile(file, keyAuthorization, { mode: 0o644 });
            say(`Wrote the HTTP-01 token for ${domain} to ${file}.`);
          }
        } else {
          const name = `_acme-challenge.${domain.replace(/^\*\./, '')}`;
          if (o.dnsHook !== undefined) await runDnsHook(o.dnsHook, 'set', name, keyAuthorization);
          else say(`Create this DNS record now:  ${name}. 60 IN TXT "${keyAuthorization}"`);
          await waitForTxt(o.dnsResolver, name, keyAuthorization);
        }
        say(`Challenge for ${domain} ready; asking the server to validate it.`);
      },
      remove: async (authz, challenge, keyAuthorization) => {
        if (challenge.type === 'http-01') {
          if (standalone) standalone.tokens.delete(challenge.token);
          else await fs.rm(path.join(o.webroot ?? '', '.well-known', 'acme-challenge', challenge.token), { force: true });
        } else if (o.dnsHook !== undefined) {
          await runDnsHook(o.dnsHook, 'clear', `_acme-challenge.${authz.identifier.value.replace(/^\*\./, '')}`, keyAuthorization);
        }
      },
    });
    const blocks = pemBlocks(pem);
    const [leaf, ...chain] = blocks;
    if (leaf === undefined) throw new Error('the ACME server returned no certificate');
    await writeAtomic(o.certOut, leaf, 0o644);
    await writeAtomic(o.chainOut, chain.join(''), 0o644);
    await writeAtomic(o.fullchainOut, blocks.join(''), 0o644);
    say(`Issued: ${o.certOut} with ${chain.length} chain certificate(s).`);
  } finally {
    await standalone?.close();
  }
}
