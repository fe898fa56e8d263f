// A real nginx with its own prefix under a test's --root (etc/nginx/nginx.conf including
// etc/nginx/conf.d/*.conf), never the system one: `lockstep web https` writes its site into
// conf.d and reloads it through the pid file. Started and stopped by the test.
import { execa, type ResultPromise } from 'execa';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from '../helpers.js';
import { freePort } from '../e2e/nginx.js';

export interface SiteNginx {
  stop(): Promise<void>;
}

/** `wrap` runs nginx inside a test namespace (`ip netns exec NS`); it is ready once it wrote its pid file. */
export async function startSiteNginx(root: string, wrap: readonly string[] = []): Promise<SiteNginx> {
  const prefix = path.join(root, 'etc/nginx');
  await fs.mkdir(path.join(prefix, 'conf.d'), { recursive: true });
  await fs.mkdir(path.join(root, 'run'), { recursive: true });
  const probe = await freePort();
  const t = (d: string): string => path.join(root, 'var/lib/nginx', d);
  await fs.writeFile(
    path.join(prefix, 'nginx.conf'),
    [
      'daemon off;', 'worker_processes 1;', `pid ${path.join(root, 'run/nginx.pid')};`, 'error_log stderr warn;',
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${t('body')}; proxy_temp_path ${t('proxy')}; fastcgi_temp_path ${t('fastcgi')}; uwsgi_temp_path ${t('uwsgi')}; scgi_temp_path ${t('scgi')};`,
      `  server { listen 127.0.0.1:${probe}; return 404; }`,
      `  include ${path.join(prefix, 'conf.d')}/*.conf;`,
      '}', '',
    ].join('\n'),
  );
  await fs.mkdir(t(''), { recursive: true });
  const argv = [...wrap, 'nginx', '-p', prefix, '-c', path.join(prefix, 'nginx.conf')];
  const child: ResultPromise = execa(argv[0]!, argv.slice(1), { reject: false, stdin: 'ignore' });
  const pidFile = path.join(root, 'run/nginx.pid');
  await waitFor(
    () =>
      wrap.length > 0
        ? fs.readFile(pidFile, 'utf8').then((t) => t.trim() !== '', () => false)
        : new Promise<boolean>((resolve) => {
            const s = net.connect(probe, '127.0.0.1', () => (s.destroy(), resolve(true)));
            s.once('error', () => resolve(false));
          }),
    'test nginx',
  );
  return {
    async stop() {
      child.kill('SIGQUIT');
      await child;
    },
  };
}
