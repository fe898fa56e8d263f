// What a --root other than / may touch beyond its files: a process only when it is the root's
// own (its command line names the root), the kernel firewall only when lockstep runs in a
// network namespace of its own (or the operator says --live-firewall).
import fs from 'node:fs/promises';

/** Whether process `pid` belongs to the sandbox `root`: on / every process does; elsewhere its command line must name the root. */
export async function processOfRoot(pid: number, root: string): Promise<boolean> {
  if (root === '/') return true;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline === undefined) return false;
  return cmdline.split('\0').some((arg) => arg === root || arg.includes(`${root}/`));
}

const netnsOf = (pid: number | 'self'): Promise<string | undefined> => fs.readlink(`/proc/${pid}/ns/net`).catch(() => undefined);

async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const ppid = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

/**
 * 'own' when this process's network namespace is not the host's (a test's `unshare -n`, `ip netns
 * exec`), 'host' when it is, undefined when it cannot be told. The host's is init's
 * (/proc/1/ns/net); where that cannot be read (no CAP_SYS_PTRACE, as in some containers), the
 * one lockstep's own ancestors ran in: a namespace entered on the way to lockstep is its own.
 */
export async function networkNamespace(): Promise<'own' | 'host' | undefined> {
  const self = await netnsOf('self');
  if (self === undefined) return undefined;
  const init = await netnsOf(1);
  if (init !== undefined) return self === init ? 'host' : 'own';
  let seen = false;
  for (let pid = await parentOf(process.pid), hops = 0; pid !== undefined && pid !== 1 && hops < 64; pid = await parentOf(pid), hops++) {
    const ns = await netnsOf(pid);
    if (ns === undefined) continue;
    if (ns !== self) return 'own';
    seen = true;
  }
  return seen ? 'host' : undefined;
}
