// A server's SSH side under a test's --root: a host key, a client key whose public half is in
// root's authorized_keys, /etc/passwd, and an sshd_config that keeps every path in the sandbox
// (drop-in folder included first, as Debian's does) and still allows passwords, so lockstep ssh
// has something to turn off. The sshd itself is started by the test that needs it.
import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface TestSshd {
  /** The client's private key (its .pub is authorized for root). */
  readonly clientKey: string;
  readonly config: string;
  readonly pidFile: string;
}

export async function prepareSshd(root: string, o: { readonly port: number; readonly listen?: string; readonly passwd?: string }): Promise<TestSshd> {
  await fs.mkdir(path.join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
  await fs.mkdir(path.join(root, 'client'), { recursive: true });
  await fs.mkdir(path.join(root, 'run'), { recursive: true });
  const clientKey = path.join(root, 'client', 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(root, 'etc/ssh/ssh_host_ed25519_key')]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  await fs.writeFile(path.join(root, 'etc/passwd'), o.passwd ?? 'root:x:0:0:root:/root:/bin/sh\n');
  await fs.mkdir(path.join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(root, 'root/.ssh/authorized_keys'), await fs.readFile(`${clientKey}.pub`), { mode: 0o600 });
  const config = path.join(root, 'etc/ssh/sshd_config');
  const pidFile = path.join(root, 'run/sshd.pid');
  await fs.writeFile(
    config,
    [
      `Include ${root}/etc/ssh/sshd_config.d/*.conf`,
      `Port ${o.port}`,
      ...(o.listen !== undefined ? [`ListenAddress ${o.listen}`] : []),
      `HostKey ${root}/etc/ssh/ssh_host_ed25519_key`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${root}/%u/.ssh/authorized_keys`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      '',
    ].join('\n'),
  );
  await fs.mkdir('/run/sshd', { recursive: true }); // the real sshd's privilege separation folder
  return { clientKey, config, pidFile };
}
