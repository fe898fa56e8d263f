// nginx under --root: Debian's nginx.conf names absolute paths (`include /etc/nginx/conf.d/*.conf`,
// `pid /run/nginx.pid`, `error_log /var/log/nginx/error.log`), so `nginx -t -c R/etc/nginx/nginx.conf`
// would read the host's sites and `nginx -s reload` would signal the host's nginx. For a root
// other than / nginx is given a temporary, private copy instead: every include expanded under the
// root (the files copied the same way, in nginx's order), the paths of the directives below taken
// under the root, and the root's pid file named when the configuration names none.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { globUnder } from '../core/glob-under.js';
import type { System } from '../core/system.js';

export const NGINX_SANDBOX_NOTE = "sandbox (--root): nginx reads a temporary copy of the root's configuration with its includes, pid file and paths mapped into the root: only the root's own nginx is signalled, never the host's";

/** Directives whose arguments are files or folders on the machine (URIs, as in location or return, are not). */
const PATH_DIRECTIVES = new Set([
  'pid', 'lock_file', 'error_log', 'access_log', 'load_module', 'root', 'alias',
  'ssl_certificate', 'ssl_certificate_key', 'ssl_trusted_certificate', 'ssl_client_certificate', 'ssl_dhparam', 'ssl_crl', 'ssl_stapling_file', 'ssl_password_file',
  'auth_basic_user_file', 'client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path',
]);
/** Debian's nginx is built with --pid-path=/run/nginx.pid. */
const DEFAULT_PID = '/run/nginx.pid';
const MAX_DEPTH = 16;

export interface NginxConfigCopy {
  readonly config: string;
  cleanup(): Promise<void>;
}

/** The configuration nginx should read for the target's `conf` (a target path): itself on /, a mapped copy under another root. */
export async function nginxConfigFor(sys: System, conf: string): Promise<NginxConfigCopy> {
  const nothing = async (): Promise<void> => undefined;
  if (sys.root === '/') return { config: conf, cleanup: nothing };
  const text = await sys.readText(conf);
  if (text === undefined) return { config: sys.real(conf), cleanup: nothing };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lockstep-nginx-copy-'));
  try {
    const copier = new Copier(sys, dir, path.posix.dirname(conf));
    let main = await copier.rewrite(text, 0);
    if (!copier.pidSeen) main = `# lockstep: the root's pid file (${sys.root}), not the host's\npid ${sys.real(DEFAULT_PID)};\n${main}`;
    const config = path.join(dir, path.basename(conf));
    await fs.writeFile(config, main, { mode: 0o600 });
    return { config, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

class Copier {
  pidSeen = false;
  #n = 0;
  constructor(
    private readonly sys: System,
    private readonly dir: string,
    private readonly confDir: string,
  ) {}

  async rewrite(text: string, depth: number): Promise<string> {
    const out: string[] = [];
    for (const line of text.split('\n')) out.push(await this.line(line, depth));
    return out.join('\n');
  }

  private async line(line: string, depth: number): Promise<string> {
    const hash = line.indexOf('#');
    const code = hash < 0 ? line : line.slice(0, hash);
    const comment = hash < 0 ? '' : line.slice(hash);
    const re = /(^|[;{}])(\s*)([a-z_0-9]+)(\s+)([^;{}]*)(?=;)/g;
    let result = '';
    let last = 0;
    for (let m = re.exec(code); m !== null; m = re.exec(code)) {
      const [whole, lead, space, name, sep, args] = m as unknown as [string, string, string, string, string, string];
      let replaced = whole;
      if (name === 'include') replaced = `${lead}${space}include${sep}${await this.include(args.trim(), depth)}`;
      else if (PATH_DIRECTIVES.has(name)) {
        if (name === 'pid') this.pidSeen = true;
        replaced = `${lead}${space}${name}${sep}${args.split(/\s+/).map((w) => this.mapped(w)).join(' ')}`;
      }
      result += code.slice(last, m.index) + replaced;
      last = m.index + whole.length;
    }
    return result + code.slice(last) + comment;
  }

  /** The copies of what an include matches, in a folder of their own (nginx reads a glob's matches sorted). */
  private async include(arg: string, depth: number): Promise<string> {
    if (depth >= MAX_DEPTH) throw new Error(`nginx: include nested deeper than ${MAX_DEPTH}`);
    const word = arg.replace(/^["'](.*)["']$/, '$1');
    const target = this.sys.targetOf(word);
    const pattern = path.posix.isAbsolute(target) ? target : path.posix.join(this.confDir, target);
    const folder = path.join(this.dir, `include-${String(this.#n++).padStart(3, '0')}`);
    await fs.mkdir(folder, { mode: 0o700 });
    let i = 0;
    for (const match of await globUnder(this.sys, pattern)) {
      const text = await this.sys.readText(match);
      if (text === undefined) continue;
      await fs.writeFile(path.join(folder, `${String(i++).padStart(3, '0')}-${path.posix.basename(match)}`), await this.rewrite(text, depth + 1), { mode: 0o600 });
    }
    // A pattern without matches is fine for nginx; a plain file name that is missing is an error it reports.
    return /[*?[]/.test(word) || i > 0 ? `${folder}/*` : this.sys.real(pattern);
  }

  private mapped(word: string): string {
    const quote = /^["']/.test(word) ? word[0]! : '';
    const bare = quote === '' ? word : word.slice(1, -1);
    if (!path.posix.isAbsolute(bare)) return word;
    return `${quote}${this.sys.real(this.sys.targetOf(bare))}${quote}`;
  }
}

/** Runs `fn` with the configuration nginx should read, and removes the copy afterwards. */
export async function withNginxConfig<T>(sys: System, conf: string, fn: (config: string) => Promise<T>): Promise<T> {
  const copy = await nginxConfigFor(sys, conf);
  try {
    return await fn(copy.config);
  } finally {
    await copy.cleanup();
  }
}
