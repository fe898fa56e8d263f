// apt and dpkg acting on the target under --root R, never on the host: every tool gets options
// that point its state, configuration and dpkg database into R, and apt an APT_CONFIG that makes
// it read R's apt.conf.d instead of the host's (a `-o Dir=` on the command line comes too late
// for that: apt reads its configuration files before it parses options). On the real root
// (R = /) nothing is added and the commands read as an operator would type them.
//
// Tests point apt at their own repositories by building them into R (R/etc/apt/sources.list.d,
// R/etc/apt/apt.conf.d, R/var/lib/dpkg/status): see test/apt/apt-world.ts. An APT_CONFIG already
// in lockstep's environment is included first (R's settings win), for options a root cannot hold.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { p, type Action, type Arg, type RunAction } from '../core/actions.js';
import { argText } from '../core/describe.js';
import type { ProbeOptions, ProbeResult } from '../core/probe.js';
import type { System } from '../core/system.js';

/** What a plan needs to know to drive apt/dpkg on the target (facts, so plans stay pure). */
export interface AptTarget {
  /** The real path of the target's / (sys.root). */
  readonly root: string;
  /** R is not the host's /: every apt/dpkg command carries the root options. */
  readonly sandbox: boolean;
  /** lockstep runs as root; otherwise dpkg needs --force-not-root (a sandbox only). */
  readonly asRoot: boolean;
}

export type AptTool = 'apt-get' | 'apt-cache' | 'apt-config' | 'apt-mark';

/** The APT_CONFIG file a plan writes into a sandbox root before its first apt command. */
export const APT_ROOT_CONFIG = '/var/lib/lockstep/apt/root.conf';
export const DPKG_ADMINDIR = '/var/lib/dpkg';
export const DPKG_STATUS = `${DPKG_ADMINDIR}/status`;

export function aptTarget(sys: System): AptTarget {
  return { root: sys.root, sandbox: sys.root !== '/', asRoot: process.getuid?.() === 0 };
}

/** `-o Dir=R/ -o Dir::State::status=R/var/lib/dpkg/status -o DPkg::Options::=--root=R …` as PathArgs; [] on the real root. */
export function aptArgs(t: AptTarget): Arg[] {
  if (!t.sandbox) return [];
  return [
    '-o', p('/', 'Dir='),
    '-o', p(DPKG_STATUS, 'Dir::State::status='),
    '-o', p('/', 'DPkg::Options::=--root='),
    ...(t.asRoot ? [] : ['-o', 'DPkg::Options::=--force-not-root']),
  ];
}

/** `dpkg --root=R [--force-not-root]`'s options; [] on the real root. */
export function dpkgArgs(t: AptTarget): Arg[] {
  if (!t.sandbox) return [];
  return [p('/', '--root='), ...(t.asRoot ? [] : ['--force-not-root'])];
}

/** `dpkg-query --admindir=R/var/lib/dpkg`; [] on the real root. */
export function dpkgQueryArgs(t: AptTarget): Arg[] {
  return t.sandbox ? [p(DPKG_ADMINDIR, '--admindir=')] : [];
}

/**
 * The APT_CONFIG that makes apt read R's configuration (and nothing of the host's /etc/apt).
 * Every folder is absolute, so a tool that resets Dir (python-apt does) still finds R's state.
 */
export function aptRootConfig(root: string, callerConfig: string | undefined = process.env.APT_CONFIG): string {
  const at = (sub: string): string => `${path.join(root, sub)}/`;
  return [
    '// Written by lockstep: apt reads this root, not the host (APT_CONFIG).',
    // The caller's own first: what follows (the root) wins over it.
    ...(callerConfig !== undefined && callerConfig !== '' ? [`#include "${callerConfig}";`] : []),
    `Dir "${at('')}";`,
    `Dir::State "${at('var/lib/apt')}";`,
    `Dir::State::status "${path.join(root, DPKG_STATUS)}";`,
    `Dir::Cache "${at('var/cache/apt')}";`,
    `Dir::Etc "${at('etc/apt')}";`,
    `Dir::Etc::parts "${at('etc/apt/apt.conf.d')}";`,
    `Dir::Etc::main "${path.join(root, 'etc/apt/apt.conf')}";`,
    `Dir::Log "${at('var/log/apt')}";`,
    // unattended-upgrade reads apt's configuration too; its log would go to the host's /var/log.
    `Unattended-Upgrade::LogDir "${at('var/log/unattended-upgrades')}";`,
    '',
  ].join('\n');
}

/** Actions a plan puts before its first apt command in a sandbox: the APT_CONFIG file. [] on the real root. */
export function aptPrepareActions(t: AptTarget): Action[] {
  if (!t.sandbox) return [];
  return [
    { kind: 'mkdir', title: `Create ${path.dirname(APT_ROOT_CONFIG)} (apt's settings for this sandbox root)`, path: path.dirname(APT_ROOT_CONFIG), mode: 0o755 },
    { kind: 'write', title: 'Point apt at this root\'s configuration, never the host\'s (APT_CONFIG)', path: APT_ROOT_CONFIG, content: aptRootConfig(t.root), mode: 0o644 },
  ];
}

/** A plan's apt command on the target: the root options, APT_CONFIG in a sandbox (after aptPrepareActions). */
export function aptCommand(t: AptTarget, tool: AptTool, args: readonly Arg[], title: string, extra: Partial<Pick<RunAction, 'stdin' | 'deadline'>> = {}): RunAction {
  return {
    kind: 'run',
    title,
    argv: [tool, ...aptArgs(t), ...args],
    ...(t.sandbox ? { env: { APT_CONFIG: p(APT_ROOT_CONFIG) } } : {}),
    ...extra,
  };
}

/** A plan's dpkg command on the target (`dpkg --root=R …` in a sandbox). */
export function dpkgCommand(t: AptTarget, args: readonly Arg[], title: string): RunAction {
  return { kind: 'run', title, argv: ['dpkg', ...dpkgArgs(t), ...args] };
}

/**
 * Runs a read-only apt tool on the target (apt-get -s, apt-cache policy, apt-config dump): in a
 * sandbox with a temporary APT_CONFIG outside the root, so reading changes nothing under it.
 */
export function probeApt(sys: System, tool: AptTool, args: readonly string[], options: ProbeOptions = {}): Promise<ProbeResult> {
  return probeWithAptRoot(sys, [tool, ...aptArgs(aptTarget(sys)).map((a) => argText(a, sys)), ...args], options);
}

/**
 * Runs a read-only tool that reads apt's configuration (apt-show-versions...) with a temporary
 * APT_CONFIG for the sandbox root; argv is as given (no -o options added). Not for python-apt
 * tools: they reset Dir and the dpkg status to the host's (use probeInRootMounts).
 */
export async function probeWithAptRoot(sys: System, argv: readonly string[], options: ProbeOptions = {}): Promise<ProbeResult> {
  if (!aptTarget(sys).sandbox) return sys.probe(argv, options);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-apt-'));
  try {
    const config = path.join(dir, 'apt.conf');
    await fs.writeFile(config, aptRootConfig(sys.root));
    return await sys.probe(argv, { ...options, env: { ...options.env, APT_CONFIG: config } });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** `dpkg-query [--admindir=R/var/lib/dpkg] ARGS` on the target. */
export function probeDpkgQuery(sys: System, args: readonly string[], options?: ProbeOptions): Promise<ProbeResult> {
  return sys.probe(['dpkg-query', ...dpkgQueryArgs(aptTarget(sys)).map((a) => argText(a, sys)), ...args], options);
}

/** The target's folders a python-apt tool is shown at their host paths (probeInRootMounts). */
export const ROOT_MOUNTS = ['/etc/apt', '/var/lib/apt', '/var/lib/dpkg', '/var/cache/apt', '/var/log'] as const;

const MOUNT_SCRIPT = [
  'r=$1; shift',
  `for d in ${ROOT_MOUNTS.join(' ')}; do if [ -d "$r$d" ]; then mount --bind "$r$d" "$d" || exit 125; fi; done`,
  // ${distro_codename} comes from lsb_release, which reads os-release: the root's.
  'if [ -f "$r/etc/os-release" ]; then mount --bind "$r/etc/os-release" /etc/os-release || exit 125; fi',
  'exec "$@"',
].join('\n');

/**
 * Runs a read-only tool built on python-apt (unattended-upgrade), which resets apt's Dir to /
 * and reads the host's dpkg status whatever APT_CONFIG says: in a private mount namespace
 * (unshare -m) where the root's apt and dpkg folders are bind-mounted over the host paths, so it
 * reads the root and nothing of the host, and the mounts vanish with it. Needs root; without it
 * (or without unshare) the result says so (exit 125 or 127) instead of reading the host.
 */
export async function probeInRootMounts(sys: System, argv: readonly string[], options: ProbeOptions = {}): Promise<ProbeResult & { readonly isolated: boolean }> {
  if (!aptTarget(sys).sandbox) return { ...(await sys.probe(argv, options)), isolated: true };
  const r = await sys.probe(['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', MOUNT_SCRIPT, 'lockstep-root-mounts', sys.root, ...argv], options);
  const refused = r.missing || (r.exitCode === 1 && /unshare failed|Operation not permitted/.test(r.stderr)) || r.exitCode === 125;
  return { ...r, isolated: !refused };
}
