// Under --root, lockstep never signals the host's nginx: R holds a Debian-style nginx.conf
// (`pid /run/nginx.pid;`, `include /etc/nginx/conf.d/*.conf;`) while the "host" runs an nginx
// whose pid file is /run/nginx.pid. The host side lives in a user + mount namespace the test
// creates (a tmpfs over /run there), so this machine's /run is never touched; the host nginx
// listens on loopback and is stopped by the script that started it.
import { execa } from 'execa';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, tempRoot } from '../helpers.js';
import { freePort } from '../e2e/nginx.js';

let box: { root: string; cleanup: () => Promise<void> };
const r = (f: string): string => path.join(box.root, f);
const HOST = (f: string): string => path.join(box.root, '..', `${path.basename(box.root)}-host`, f);

before(async () => {
  box = await tempRoot('lockstep-ngxbox-');
  await fs.mkdir(HOST('tmp'), { recursive: true });
  const port = await freePort();
  const temps = ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t === 'body' ? 'client_body' : t}_temp_path ${HOST(`tmp/${t}`)};`).join(' ');
  await fs.writeFile(
    HOST('nginx.conf'),
    ['user root root;', 'worker_processes 1;', 'pid /run/nginx.pid;', `error_log ${HOST('error.log')} info;`, 'events { worker_connections 16; }',
      `http { access_log off; ${temps} server { listen 127.0.0.1:${port}; return 404; } }`, ''].join('\n'),
  );
  // R: the layout of Debian's nginx package, with a site lockstep would reload.
  await fs.mkdir(r('etc/nginx/conf.d'), { recursive: true });
  await fs.writeFile(r('etc/nginx/nginx.conf'), ['user www-data;', 'worker_processes auto;', 'pid /run/nginx.pid;', 'error_log /var/log/nginx/error.log;',
    'events { worker_connections 768; }', 'http {', '  access_log /var/log/nginx/access.log;', '  include /etc/nginx/conf.d/*.conf;', '}', ''].join('\n'));
  await fs.writeFile(r('etc/nginx/conf.d/site.conf'), 'server { listen 127.0.0.1:1; root /var/www/html; }\n');
  await fs.mkdir(r('etc/lockstep/live/site.example.org'), { recursive: true });
  await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-config', '/dev/null', '-subj', '/CN=site.example.org',
    '-keyout', r('etc/lockstep/live/site.example.org/privkey.pem'), '-out', r('etc/lockstep/live/site.example.org/cert.pem'), '-days', '2']);
});
after(async () => {
  await fs.rm(HOST(''), { recursive: true, force: true });
  await box?.cleanup();
});

test('web reload --root R: the host\'s nginx (pid file /run/nginx.pid) gets no signal; the preview says it is a sandbox and names R\'s pid file', async () => {
  const reload = `node ${BIN} --root ${box.root} --yes web reload --cert-file /etc/lockstep/live/site.example.org/cert.pem --server-name site.example.org --https-port 1`;
  const script = [
    'mount -t tmpfs lockstep-test /run',
    `nginx -c ${HOST('nginx.conf')} || exit 9`,
    `trap 'nginx -c ${HOST('nginx.conf')} -s quit' EXIT`,
    'sleep 0.3',
    `${reload}; echo "lockstep-exit=$?"`,
    'sleep 0.3',
  ].join('\n');
  const run = await execa('unshare', ['-rm', '--propagation', 'private', 'sh', '-c', script], { reject: false, stdin: 'ignore', env: { CI: 'true', NO_COLOR: '1', PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  const out = `${run.stdout}\n${run.stderr}`;
  assert.notEqual(run.exitCode, 9, out);
  assert.match(out, /sandbox \(--root\): nginx reads a temporary copy of the root's configuration/);
  assert.match(out, /internal nginx --root=/);
  // R has no nginx running: the reload fails on R's pid file, which is what the operator must hear.
  assert.match(out, /lockstep-exit=1/);
  assert.ok(out.includes(`${box.root}/run/nginx.pid`), out);
  const log = await fs.readFile(HOST('error.log'), 'utf8');
  assert.match(log, /start worker process/, 'the host nginx ran');
  assert.doesNotMatch(log, /SIGHUP|reconfiguring/, 'the host nginx was never signalled');
});

test('no temporary copy of the configuration is left behind', async () => {
  const tmp = await fs.readdir(process.env.TMPDIR ?? '/tmp');
  assert.deepEqual(tmp.filter((n) => n.startsWith('lockstep-nginx-copy-')), []);
});
