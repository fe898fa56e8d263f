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

/** The APT_CONFIG that makes apt read R's configuration (and nothing of the host's /etc/apt). */
export function aptRootConfig(root: string, callerConfig: string | undefined = process.env.APT_CONFIG): string {
  const dir = root.endsWith('/') ? root : `${root}/`;
  return [
    '// Written by lockstep: apt reads this root, not the host (APT_CONFIG).',
    // The caller's own first: what follows (the root) wins over it.
    ...(callerConfig !== undefined && callerConfig !== '' ? [`#include "${callerConfig}";`] : []),
    `Dir "${dir}";`,
    `Dir::State::status "${path.join(root, DPKG_STATUS)}";`,
    `Dir::Etc::parts "${path.join(root, 'etc/apt/apt.conf.d')}/";`,
    `Dir::Etc::main "${path.join(root, 'etc/apt/apt.conf')}";`,
    // unattended-upgrade reads apt's configuration too; its log would go to the host's /var/log.
    `Unattended-Upgrade::LogDir "${path.join(root, 'var/log/unattended-upgrades')}/";`,
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
 * Runs any read-only tool that reads apt's configuration (unattended-upgrade, apt-show-versions)
 * with a temporary APT_CONFIG for the sandbox root; argv is as given (no -o options added).
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
