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

/** 'own' when this process's network namespace is not init's (a test's `unshare -n`, `ip netns exec`), 'host' when it is; undefined when it cannot be told. */
export async function networkNamespace(): Promise<'own' | 'host' | undefined> {
  const [self, init] = await Promise.all([fs.readlink('/proc/self/ns/net').catch(() => undefined), fs.readlink('/proc/1/ns/net').catch(() => undefined)]);
  if (self === undefined || init === undefined) return undefined;
  return self === init ? 'host' : 'own';
}
