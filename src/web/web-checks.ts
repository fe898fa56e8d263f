// nginx as the seed wants it: an HTTPS site, a configuration `nginx -t` accepts, port 80
// answering 301 to https (a real request when nginx answers on loopback — redirectCheck, the
// check `lockstep web https` ends with — else read from the configuration), no TLS 1.0/1.1.
import { seed, skip, verdict, type AuditItem, type CheckGroup } from '../core/checks.js';
import type { System } from '../core/system.js';
import { nginxConfigFiles } from '../tls/found-in-nginx.js';
import { redirectCheck } from './https-nginx.js';

const HTTPS_SEED = seed('lockdown', 'Primero assumes HTTPS.');
const REDIRECT_SEED = seed('lockdown', 'The server will automatically redirect 80 to 443. Unencrypted HTTP traffic is not supported.');
const FIX = 'lockstep web https --domain <name>';
export const NGINX_CONF = '/etc/nginx/nginx.conf';

interface ServerBlock {
  readonly file: string;
  readonly text: string;
  readonly ports: readonly { readonly port: number; readonly ssl: boolean }[];
  readonly names: readonly string[];
}

/** The `server { … }` blocks of a file, comments dropped. */
export function serverBlocks(file: string, text: string): ServerBlock[] {
  const clean = text.split('\n').map((l) => l.replace(/#.*$/, '')).join('\n');
  const out: ServerBlock[] = [];
  const re = /\bserver\s*\{/g;
  for (let m = re.exec(clean); m !== null; m = re.exec(clean)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < clean.length && depth > 0; i++) depth += clean[i] === '{' ? 1 : clean[i] === '}' ? -1 : 0;
    const body = clean.slice(m.index + m[0].length, i - 1);
    re.lastIndex = i;
    const ports = [...body.matchAll(/^\s*listen\s+([^;]+);/gm)].map((l) => {
      const words = l[1]!.trim().split(/\s+/);
      const port = Number(/(?:^|:)([0-9]+)$/.exec(words[0]!)?.[1] ?? (/^[0-9]+$/.test(words[0]!) ? words[0] : 80));
      return { port, ssl: words.includes('ssl') };
    });
    const names = /^\s*server_name\s+([^;]+);/m.exec(body)?.[1]?.trim().split(/\s+/) ?? [];
    out.push({ file, text: body, ports, names });
  }
  return out;
}

async function webItems(sys: System): Promise<AuditItem[]> {
  if ((await sys.stat(NGINX_CONF)) === undefined) {
    return [skip({ id: 'web.nginx', title: 'nginx serves the site', evidence: `${sys.real(NGINX_CONF)} does not exist`, fix: 'apt-get install nginx, then lockstep web https', seed: HTTPS_SEED }, 'nginx is not installed here')];
  }
  const files = await nginxConfigFiles(sys);
  const texts = await Promise.all(files.map(async (f) => ({ f, t: (await sys.readText(f)) ?? '' })));
  const blocks = texts.flatMap(({ f, t }) => serverBlocks(f, t));
  const https = blocks.filter((b) => b.ports.some((p) => p.ssl));
  const items: AuditItem[] = [];
  items.push(verdict(https.length > 0, { id: 'web.https-site', title: 'An HTTPS site is configured', evidence: https.length > 0 ? https.map((b) => `${sys.real(b.file)}: ${b.names.join(' ') || '(no server_name)'} on ${b.ports.filter((p) => p.ssl).map((p) => p.port).join(', ')} ssl`).join('; ') : `no server block listens with ssl in ${files.map((f) => sys.real(f)).join(', ')}`, fix: FIX, seed: HTTPS_SEED }));
  const t = await sys.probe(['nginx', '-t', '-c', sys.real(NGINX_CONF)], { timeoutMs: 20_000 });
  items.push(t.missing
    ? skip({ id: 'web.nginx-t', title: 'nginx -t accepts the configuration', evidence: 'nginx: not found', fix: 'apt-get install nginx', seed: HTTPS_SEED }, 'the nginx binary is not installed')
    : verdict(t.exitCode === 0, { id: 'web.nginx-t', title: 'nginx -t accepts the configuration', evidence: `nginx -t -c ${sys.real(NGINX_CONF)}: ${(t.stderr || t.stdout).trim().split('\n').slice(-2).join(' ')}`, fix: 'Correct the file nginx -t names, then lockstep web reload', seed: HTTPS_SEED }));
  items.push(await redirectItem(blocks, https));
  const protocols = texts.flatMap(({ f, t: text }) => [...text.split('\n').map((l) => l.replace(/#.*$/, '')).join('\n').matchAll(/^\s*ssl_protocols\s+([^;]+);/gm)].map((m) => ({ f, v: m[1]!.trim() })));
  const old = protocols.filter((p) => p.v.split(/\s+/).some((w) => ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1'].includes(w)));
  const ciphers = texts.flatMap(({ f, t: text }) => [...text.matchAll(/^\s*ssl_ciphers\s+([^;]+);/gm)].map((m) => ({ f, v: m[1]!.trim() })));
  const weak = ciphers.filter((c) => c.v.replace(/^["']|["']$/g, '').split(':').some((w) => !w.startsWith('!') && !w.startsWith('-') && /RC4|3DES|DES-CBC|NULL|EXPORT|MD5/i.test(w)));
  items.push(verdict(old.length === 0 && weak.length === 0, {
    id: 'web.tls-protocols',
    title: 'No TLS 1.0/1.1 and no weak ciphers',
    evidence: old.length + weak.length > 0
      ? [...old.map((p) => `${sys.real(p.f)}: ssl_protocols ${p.v}`), ...weak.map((c) => `${sys.real(c.f)}: ssl_ciphers ${c.v}`)].join('; ')
      : protocols.length > 0 ? protocols.map((p) => `${sys.real(p.f)}: ssl_protocols ${p.v}`).join('; ') : 'no ssl_protocols line: nginx 1.23.4 and later default to TLSv1.2 TLSv1.3',
    // Debian's own nginx.conf still lists TLSv1 and TLSv1.1 at the http level: lockstep's site sets its own, the file's line stays.
    fix: old.length + weak.length > 0 ? `In ${[...new Set([...old, ...weak].map((x) => x.f))].join(', ')}: ssl_protocols TLSv1.2 TLSv1.3; and Mozilla's intermediate ssl_ciphers (as lockstep web https writes), then lockstep web reload` : FIX,
    seed: HTTPS_SEED,
  }));
  return items;
}

async function redirectItem(blocks: readonly ServerBlock[], https: readonly ServerBlock[]): Promise<AuditItem> {
  const base = { id: 'web.redirect', title: 'HTTP answers 301 to https', fix: FIX, seed: REDIRECT_SEED };
  const plain = blocks.filter((b) => b.ports.some((p) => !p.ssl));
  if (plain.length === 0) return verdict(https.length > 0, { ...base, evidence: https.length > 0 ? 'no plain-HTTP server block: port 80 is not served at all' : 'no server block at all' }, 'warn');
  const redirecting = plain.filter((b) => /\breturn\s+30[18]\s+https:\/\//.test(b.text));
  const first = plain[0]!;
  const port = first.ports.find((p) => !p.ssl)!.port;
  const httpsPort = https[0]?.ports.find((p) => p.ssl)?.port ?? 443;
  const name = first.names.find((n) => n !== '_' && !n.startsWith('*') && !n.startsWith('~')) ?? 'localhost';
  const live = await redirectCheck('127.0.0.1', port, name, httpsPort);
  if (!/ECONNREFUSED|EADDRNOTAVAIL|timed out/.test(live.evidence)) {
    return verdict(live.ok, { ...base, evidence: `live request to 127.0.0.1:${port} (Host: ${name}): ${live.evidence}` });
  }
  return verdict(redirecting.length === plain.length, { ...base, evidence: `from the configuration (nothing answers on 127.0.0.1:${port}): ${plain.map((b) => `${b.file} ${b.names.join(' ') || '(no name)'}: ${/\breturn\s+30[18]\s+https:\/\//.test(b.text) ? 'return 301 https://…' : 'serves plain HTTP'}`).join('; ')}` });
}

export const webChecks: CheckGroup = { prefix: 'web', title: 'HTTPS with nginx', run: ({ sys }) => webItems(sys) };
