// A real nginx serving one certificate on a loopback port, started and stopped by the test.
import { execa, type ResultPromise } from 'execa';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from '../helpers.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningNginx {
  readonly port: number;
  stop(): Promise<void>;
}

/** Serves `cert` (a full chain PEM) and `key` over HTTPS on 127.0.0.1; `dir` holds its files. */
export async function startNginx(dir: string, cert: string, key: string): Promise<RunningNginx> {
  const port = await freePort();
  await fs.mkdir(path.join(dir, 'logs'), { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  await fs.writeFile(
    conf,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      'error_log stderr warn;',
      'events { worker_connections 64; }',
      'http {',
      `  access_log off;`,
      `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
      '  server {',
      `    listen 127.0.0.1:${port} ssl;`,
      `    ssl_certificate ${cert};`,
      `    ssl_certificate_key ${key};`,
      '    ssl_protocols TLSv1.2 TLSv1.3;',
      '    location / { return 200 "served by nginx\\n"; }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const child: ResultPromise = execa('nginx', ['-p', dir, '-c', conf], { reject: false, stdin: 'ignore' });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  void child.finally(() => (exited = true));
  await waitFor(
    () =>
      exited
        ? Promise.reject(new Error(`nginx exited: ${stderr}`))
        : new Promise<boolean>((resolve) => {
            const socket = net.connect(port, '127.0.0.1', () => {
              socket.destroy();
              resolve(true);
            });
            socket.once('error', () => resolve(false));
          }),
    `nginx listening on ${port}`,
  );
  return {
    port,
    async stop() {
      child.kill('SIGQUIT');
      await child;
    },
  };
}
