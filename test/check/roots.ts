// Fixture roots for the checklist: a fresh cloud image's sshd (Debian's sshd_config with its
// Include of the host path /etc/ssh/sshd_config.d, a 50-cloud-init.conf turning passwords on)
// on top of the test apt world (its security update pending, no unattended-upgrades config).
import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkDocumentSchema, type CheckDocument } from '../../src/core/checks.js';
import { lockstep } from '../helpers.js';

export const DEBIAN_SSHD_CONFIG = [
  '# Debian 12 cloud image (trimmed): the drop-ins are read first.',
  'Include /etc/ssh/sshd_config.d/*.conf',
  '#PermitRootLogin prohibit-password',
  'KbdInteractiveAuthentication no',
  'UsePAM yes',
  'X11Forwarding yes',
  'PrintMotd no',
  'AcceptEnv LANG LC_*',
  'Subsystem sftp /usr/lib/openssh/sftp-server',
  '',
].join('\n');

/** sshd as a fresh cloud image leaves it, with `deploy` holding a key (lockstep ssh needs one). */
export async function cloudImageSsh(root: string): Promise<void> {
  await fs.mkdir(path.join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
  await fs.writeFile(path.join(root, 'etc/ssh/sshd_config'), DEBIAN_SSHD_CONFIG);
  await fs.writeFile(path.join(root, 'etc/ssh/sshd_config.d/50-cloud-init.conf'), 'PasswordAuthentication yes\n');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(root, 'etc/ssh/ssh_host_ed25519_key')]);
  await fs.appendFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\ndeploy:x:1000:1000::/home/deploy:/bin/bash\n');
  await fs.appendFile(path.join(root, 'etc/group'), 'root:x:0:\ndeploy:x:1000:\n');
  await fs.mkdir(path.join(root, 'home/deploy/.ssh'), { recursive: true, mode: 0o700 });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(root, 'deploy_key')]);
  await fs.writeFile(path.join(root, 'home/deploy/.ssh/authorized_keys'), await fs.readFile(path.join(root, 'deploy_key.pub')), { mode: 0o600 });
  await fs.mkdir('/run/sshd', { recursive: true }); // sshd -T needs the real privilege separation folder
}

/** `lockstep check --json …`: the document, validated by the one schema. */
export async function checkJson(root: string, args: readonly string[] = []): Promise<{ doc: CheckDocument; exitCode: number | undefined; stderr: string }> {
  const run = await lockstep(['--root', root, 'check', '--json', ...args]);
  const lines = String(run.stdout).trim().split('\n');
  if (lines.length !== 1) throw new Error(`check --json printed ${lines.length} lines: ${String(run.stdout)}\n${String(run.stderr)}`);
  return { doc: checkDocumentSchema.parse(JSON.parse(lines[0]!)), exitCode: run.exitCode, stderr: String(run.stderr) };
}

export const byId = (doc: CheckDocument, id: string) => {
  const item = doc.checks.find((c) => c.id === id);
  if (item === undefined) throw new Error(`no check ${id} in ${doc.checks.map((c) => c.id).join(', ')}`);
  return item;
};
