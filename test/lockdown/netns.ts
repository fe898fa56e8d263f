// Two network namespaces of the test's own, joined by a veth pair that is created inside them
// (it never exists in the host's namespace). Firewall rules are only ever loaded in `srv`.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';

export const SRV4 = '10.203.1.1';
export const SRV6 = 'fd00:203::1';
/** Client addresses: .2 is the admin, .3 a stranger, .4 the replication peer. */
export const CLIENT4 = { admin: '10.203.1.2', stranger: '10.203.1.3', peer: '10.203.1.4' } as const;
export const CLIENT6 = { admin: 'fd00:203::2', stranger: 'fd00:203::3', peer: 'fd00:203::4' } as const;

export interface NetnsPair {
  readonly srv: string;
  readonly cli: string;
  /** Runs argv inside a namespace; never rejects. */
  readonly exec: (ns: string, argv: readonly string[], env?: NodeJS.ProcessEnv) => ReturnType<typeof execa>;
  readonly cleanup: () => Promise<void>;
}

const run = async (...argv: string[]): Promise<void> => {
  const r = await execa(argv[0]!, argv.slice(1), { reject: false });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
};

/** Why namespaces cannot be made here, or undefined when they can. */
export async function whyNoNetns(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root for ip netns';
  for (const tool of ['ip', 'nft']) {
    const r = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (r.exitCode !== 0) return `${tool} is not installed`;
  }
  return undefined;
}

export async function makeNetnsPair(tag: string): Promise<NetnsPair> {
  const id = `${tag}${process.pid}`;
  const srv = `lockstep-${id}-srv`;
  const cli = `lockstep-${id}-cli`;
  const cleanup = async (): Promise<void> => {
    for (const ns of [srv, cli]) await execa('ip', ['netns', 'del', ns], { reject: false });
  };
  try {
    await run('ip', 'netns', 'add', srv);
    await run('ip', 'netns', 'add', cli);
    await run('ip', '-n', srv, 'link', 'add', 'ls0', 'type', 'veth', 'peer', 'name', 'ls1', 'netns', cli);
    await run('ip', '-n', srv, 'addr', 'add', `${SRV4}/24`, 'dev', 'ls0');
    await run('ip', '-n', srv, 'addr', 'add', `${SRV6}/64`, 'dev', 'ls0', 'nodad');
    for (const a of Object.values(CLIENT4)) await run('ip', '-n', cli, 'addr', 'add', `${a}/24`, 'dev', 'ls1');
    for (const a of Object.values(CLIENT6)) await run('ip', '-n', cli, 'addr', 'add', `${a}/64`, 'dev', 'ls1', 'nodad');
    for (const [ns, dev] of [[srv, 'ls0'], [cli, 'ls1']] as const) {
      await run('ip', '-n', ns, 'link', 'set', 'lo', 'up');
      await run('ip', '-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  const exec = (ns: string, argv: readonly string[], env: NodeJS.ProcessEnv = {}) =>
    execa('ip', ['netns', 'exec', ns, ...argv], { reject: false, stdin: 'ignore', env: { CI: 'true', NO_COLOR: '1', ...env } });
  const pair = { srv, cli, exec, cleanup };
  // Neighbour discovery first, before any firewall: several first IPv6 contacts at once wait
  // for the kernel's 1 s retransmit, longer than a probe's timeout, with or without rules.
  const warm = [...Object.values(CLIENT4).map((from) => ({ to: SRV4, port: 1, from })), ...Object.values(CLIENT6).map((from) => ({ to: SRV6, port: 1, from }))];
  const outcomes = await probe(pair, warm, 5000);
  if (!outcomes.every((o) => o === 'refused')) {
    await cleanup();
    throw new Error(`the test namespaces do not reach each other: ${outcomes.join(', ')}`);
  }
  return pair;
}

const LISTEN = `
const net = require('node:net');
const ports = JSON.parse(process.argv[1]);
let ready = 0;
for (const port of ports) {
  net.createServer((s) => { s.on('error', () => {}); s.end('hi\\n'); }).listen({ port, host: '::', ipv6Only: false }, () => {
    if (++ready === ports.length) console.log('ready');
  });
}`;

/** TCP listeners on every address of the namespace (IPv4 and IPv6), until stop(). */
export async function listen(ns: string, ports: readonly number[]): Promise<{ stop: () => Promise<void> }> {
  const child = execa('ip', ['netns', 'exec', ns, 'node', '-e', LISTEN, JSON.stringify(ports)], { reject: false, stdin: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => (d.toString().includes('ready') ? resolve() : undefined));
    void child.then((r) => reject(new Error(`listener exited: ${String(r.stderr)}`)));
  });
  // Not the child itself: an execa child is a thenable, and an async function would wait for it.
  return {
    stop: async () => {
      child.kill();
      await child;
    },
  };
}

export type Outcome = 'open' | 'refused' | 'dropped';
export interface Probe {
  readonly to: string;
  readonly port: number;
  readonly from: string;
}

const PROBE = `
const net = require('node:net');
const probes = JSON.parse(process.argv[1]);
const timeout = Number(process.argv[2] ?? 800);
Promise.all(probes.map((p) => new Promise((resolve) => {
  const s = net.connect({ host: p.to, port: p.port, localAddress: p.from });
  const done = (r) => { s.destroy(); resolve(r); };
  s.setTimeout(timeout, () => done('dropped'));
  s.on('connect', () => done('open'));
  s.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error ' + e.code));
}))).then((r) => console.log(JSON.stringify(r)));`;

/** Real TCP connections from the client namespace, all at once; one outcome per probe. */
export async function probe(pair: NetnsPair, probes: readonly Probe[], timeoutMs = 800): Promise<Outcome[]> {
  const r = await pair.exec(pair.cli, ['node', '-e', PROBE, JSON.stringify(probes), String(timeoutMs)]);
  if (r.exitCode !== 0) throw new Error(`probe failed: ${String(r.stderr)}`);
  return JSON.parse(String(r.stdout)) as Outcome[];
}

/** The same expectations from the client's IPv4 and IPv6 addresses to the server's. */
export function bothFamilies(
  cases: (to: string, from: typeof CLIENT4 | typeof CLIENT6) => [Probe, Outcome][],
): [Probe, Outcome][] {
  return [...cases(SRV4, CLIENT4), ...cases(SRV6, CLIENT6)];
}

/** Probes every case and compares all outcomes at once, so a failure lists every port. */
export async function assertReachability(pair: NetnsPair, cases: readonly [Probe, Outcome][]): Promise<void> {
  const outcomes = await probe(pair, cases.map(([p]) => p));
  assert.deepEqual(
    cases.map(([p], i) => `${p.from} → ${p.to} ${p.port}: ${outcomes[i]}`),
    cases.map(([p, want]) => `${p.from} → ${p.to} ${p.port}: ${want}`),
  );
}

/** The seed's policy, seen from the client: the web ports open, SSH only from the admin, CouchDB only from the peer. */
export function seedPolicyCases(to: string, c: typeof CLIENT4 | typeof CLIENT6): [Probe, Outcome][] {
  return [
    [{ to, port: 80, from: c.stranger }, 'open'],
    [{ to, port: 443, from: c.stranger }, 'open'],
    [{ to, port: 22, from: c.admin }, 'open'],
    [{ to, port: 22, from: c.stranger }, 'dropped'],
    [{ to, port: 6984, from: c.peer }, 'open'],
    [{ to, port: 6984, from: c.admin }, 'dropped'],
    [{ to, port: 9000, from: c.admin }, 'dropped'],
  ];
}

/**
 * Reads a `--json` lockstep run's events and kills it with SIGKILL the moment an action whose
 * title matches is done (the rollback must then work without it). Asserts it was so killed.
 */
export async function killAfterAction(child: ReturnType<NetnsPair['exec']>, title: RegExp): Promise<void> {
  let killed = false;
  let pending = '';
  child.stdout?.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (killed || !line.includes('"type":"action-done"')) continue;
      if (title.test((JSON.parse(line) as { title: string }).title)) killed = child.kill('SIGKILL');
    }
  });
  const result = await child;
  assert.ok(killed && result.signal === 'SIGKILL', `lockstep was killed with -9 (exit ${result.exitCode} ${result.signal ?? ''})\n${String(result.stdout)}\n${String(result.stderr)}`);
}

/** Ends a rollback timer a test left running (it runs detached, outside the test's process tree). */
export async function stopRollbackTimer(root: string): Promise<void> {
  const pid = (await fs.readFile(path.join(root, 'var/lib/lockstep/firewall/rollback.pid'), 'utf8').catch(() => '')).trim();
  if (!/^[0-9]+$/.test(pid)) return;
  try {
    process.kill(-Number(pid), 'SIGTERM');
  } catch {
    // already gone
  }
}
