// Pebble (Let's Encrypt's ACME test server) and pebble-challtestsrv as its DNS, both on
// loopback, started and stopped by the test. Pebble ships no certificate for its own listener:
// one is made here with openssl; its issuing root changes at every start (/roots/0).
// Debian bookworm's pebble (2.4) has no renewal information (ARI); `{ bin: PEBBLE_ARI_BIN }`
// starts trixie's 2.6, which .ci/run unpacks into .ci/cache/ (it has ARI and `replaces`).
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { REPO, waitFor } from '../helpers.js';
import { freePort } from '../e2e/nginx.js';

export interface RunningPebble {
  readonly directory: string;
  /** Pebble's HTTPS certificate, for --acme-ca-file. */
  readonly tlsCaFile: string;
  /** The root that issued every certificate of this Pebble run. */
  readonly rootPem: string;
  /** Where HTTP-01 validation connects (Pebble's httpPort). */
  readonly httpPort: number;
  /** pebble-challtestsrv's DNS (HOST:PORT) and its management URL (set-txt / clear-txt). */
  readonly dns: string;
  readonly challtestsrv: string;
  /** Pebble's output so far. */
  log(): string;
  stop(): Promise<void>;
}

export const PEBBLE_ARI_BIN = path.join(REPO, '.ci/cache/pebble-trixie/x/usr/bin/pebble');

/** The ARI-capable pebble, or an error saying how to get it (a missing tool fails, never skips). */
export function requirePebbleAri(): string {
  if (!existsSync(PEBBLE_ARI_BIN)) {
    throw new Error(`${PEBBLE_ARI_BIN} is missing: run .ci/run (it unpacks Debian trixie's pebble 2.6, which has ARI, into .ci/cache/)`);
  }
  return PEBBLE_ARI_BIN;
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

function get(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

/**
 * `dir` receives Pebble's files; `tlsCaFile` is where its listener certificate is copied. `bin`
 * is another pebble binary; its pebble-challtestsrv beside it is used too.
 */
export async function startPebble(dir: string, tlsCaFile: string, o: { readonly bin?: string } = {}): Promise<RunningPebble> {
  const bin = o.bin ?? 'pebble';
  const challtestsrv = o.bin === undefined ? 'pebble-challtestsrv' : path.join(path.dirname(o.bin), 'pebble-challtestsrv');
  await fs.mkdir(dir, { recursive: true });
  const [acmePort, mgmtPort, httpPort, tlsPort, dnsPort, chalMgmt] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const cert = path.join(dir, 'pebble-tls.pem');
  const key = path.join(dir, 'pebble-tls.key');
  await execa('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=pebble', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-config', '/dev/null',
  ]);
  await fs.mkdir(path.dirname(tlsCaFile), { recursive: true });
  await fs.copyFile(cert, tlsCaFile);
  const config = path.join(dir, 'pebble-config.json');
  await fs.writeFile(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: cert,
        privateKey: key,
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const children: ResultPromise[] = [];
  const stop = async (): Promise<void> => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.allSettled(children);
  };
  try {
    const chal = execa(
      challtestsrv,
      ['-defaultIPv4', '127.0.0.1', '-defaultIPv6', '', '-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${chalMgmt}`],
      { reject: false, stdin: 'ignore', all: true },
    );
    children.push(chal);
    const pebble = execa(bin, ['-config', config, '-dnsserver', `127.0.0.1:${dnsPort}`], {
      reject: false,
      stdin: 'ignore',
      all: true,
      env: { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
    });
    children.push(pebble);
    let log = '';
    pebble.all?.on('data', (d: Buffer) => (log += d.toString()));
    await waitFor(async () => (await listening(acmePort)) && (await listening(mgmtPort)) && (await listening(chalMgmt)), `pebble on ${acmePort}: ${log}`);
    const rootPem = await get(`https://127.0.0.1:${mgmtPort}/roots/0`, await fs.readFile(cert, 'utf8'));
    return {
      directory: `https://127.0.0.1:${acmePort}/dir`,
      tlsCaFile,
      rootPem,
      httpPort,
      dns: `127.0.0.1:${dnsPort}`,
      challtestsrv: `http://127.0.0.1:${chalMgmt}`,
      log: () => log,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
