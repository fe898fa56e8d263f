// R3's table: bad input across every command and the answers file. Each row is what an operator
// might type; `field` is how the message must name what was wrong (the flag or the answers key),
// `right` what it must say would be right. `@O` is the operator's folder (outside --root, and
// mirrored inside it, so a path reads the same file whether lockstep takes it as given or under
// --root); `@PASS` a good passphrase file there. `finding` marks a row that fails on main today:
// it runs in the full pass only, and the text says what is wrong (and who is fixing it).

export interface BadInput {
  readonly name: string;
  readonly args: readonly string[];
  /** Written to @O/answers.json (an object as JSON, a string as it is) and passed as --answers. */
  readonly answers?: unknown;
  readonly field: RegExp;
  readonly right: RegExp;
  readonly finding?: string;
}

// A host name's rule, stated: what it may hold, or the limit it broke.
const RIGHT_HOST = /letters, digits|a DNS name|host name|e\.g\.|such as|Remove|Use|name like|at most \d+|empty label \(two dots in a row|contains a space|IP address/i;
const RIGHT_NUMBER = /from \d+ to \d+|at most|at least|whole number|between|less than \d+|more than \d+/i;
const RIGHT_ONE_OF = /one of/i;
const RIGHT_MAIL = /address|e\.g\.|none|user@/i;
const RIGHT_PORT = /1 to 65535|from 1 to|port/i;
const RIGHT_PATH = /Give|exist|path|file|folder/i;

const selfSigned = (...extra: string[]): string[] => ['cert', 'self-signed', '--yes', ...extra];
const caInit = (...extra: string[]): string[] => ['ca', 'init', '--yes', '--passphrase-file', '@PASS', '--key-type', 'ec-p384', '--country', 'US', '--state', 'MA', '--locality', 'Boston', '--org', 'Quoin', '--email', 'ops@example.org', '--ca-dir', '/etc/pki/CA2', ...extra];
const caSign = (...extra: string[]): string[] => ['ca', 'sign', '--yes', '--passphrase-file', '@PASS', ...extra];
const le = (...extra: string[]): string[] => ['cert', 'letsencrypt', '--yes', '--agree-tos', '--email', 'ops@example.org', '--acme-directory', 'https://127.0.0.1:14000/dir', ...extra];
const install = (...extra: string[]): string[] => ['cert', 'install', '--yes', '--domain', 'shop.example.com', ...extra];
const https = (...extra: string[]): string[] => ['web', 'https', '--yes', '--domain', 'site.example', '--cert-dir', '/etc/ssl/lockstep/site.example', ...extra];
// A dry run reads the live ruleset and changes nothing: --live-firewall lets a sandbox root read it.
const fw = (...extra: string[]): string[] => ['firewall', '--yes', '--dry-run', '--live-firewall', '--backend', 'nft', ...extra];
const fwOk = ['--ssh-from', '10.0.0.0/8'];

const hosts: [string, string][] = [
  ['a space', 'a b.example'],
  ['two dots', 'a..example'],
  ['only dots', '..'],
  ['a 64-character label', `${'x'.repeat(64)}.example`],
  ['a line break', 'a.example\n[ext]'],
  ['an IP address', '192.0.2.10'],
  ['a label ending in a hyphen', 'a-.example'],
  ['an underscore', 'a_b.example'],
  ['a slash', 'a/b.example'],
  ['a trailing dot only', '.'],
  ['a 260-character name', `${'abcdefgh.'.repeat(29)}example`],
  ['a shell metacharacter', 'a;rm.example'],
];

export const CASES: readonly BadInput[] = [
  // cert self-signed: names, days, key types, paths
  ...hosts.map(([what, host]): BadInput => ({ name: `cert self-signed --host with ${what}`, args: selfSigned('--host', host), field: /--host|"host"/, right: RIGHT_HOST })),
  ...['0', '-5', '100000', 'abc', '1.5', ''].map((d): BadInput => ({ name: `cert self-signed --days ${JSON.stringify(d)}`, args: selfSigned('--host', 'a.example', `--days=${d}`), field: /--days|"days"/, right: RIGHT_NUMBER })),
  { name: 'cert self-signed --key-type dsa1024', args: selfSigned('--host', 'a.example', '--key-type', 'dsa1024'), field: /--key-type/, right: RIGHT_ONE_OF },
  { name: 'cert self-signed --out-dir under a regular file', args: selfSigned('--host', 'a.example', '--out-dir', '/etc/hostname/certs'), field: /--out-dir/, right: /not a directory/ },
  { name: 'cert self-signed --hosts-file that does not exist', args: selfSigned('--host', 'a.example', '--hosts-file', '@O/nothing.txt'), field: /--hosts-file/, right: RIGHT_PATH },
  { name: 'cert self-signed --hosts-file with a bad name in it', args: selfSigned('--hosts-file', '@O/bad-hosts.txt'), field: /--host|"host"|--hosts-file/, right: RIGHT_HOST },
  { name: 'cert self-signed --key-passphrase-file that does not exist', args: selfSigned('--host', 'a.example', '--key-passphrase-file', '@O/nothing.pass'), field: /--key-passphrase-file/, right: RIGHT_PATH },
  { name: 'cert self-signed with an unknown option', args: selfSigned('--host', 'a.example', '--frobnicate'), field: /--frobnicate/, right: /unknown option|--help|did you mean/i },

  // ca init
  ...[['USA', 'three letters'], ['u1', 'a digit'], ['', 'empty']].map(([c, what]): BadInput => ({ name: `ca init --country ${what}`, args: caInit('--country', c!), field: /--country|"country"/, right: /two letters|2 letter|two-letter|e\.g\./i })),
  ...['not-an-email', 'a@', '@b.org', 'a b@c.org'].map((e): BadInput => ({ name: `ca init --email ${JSON.stringify(e)}`, args: caInit('--email', e), field: /--email|"email"/, right: RIGHT_MAIL })),
  ...['0', '-1', 'ten', '99999999'].map((d): BadInput => ({ name: `ca init --days ${d}`, args: caInit(`--days=${d}`), field: /--days|"days"/, right: RIGHT_NUMBER })),
  { name: 'ca init --key-type dsa', args: caInit('--key-type', 'dsa'), field: /--key-type/, right: RIGHT_ONE_OF },
  { name: 'ca init --digest md5 (the seed\'s, unsafe)', args: caInit('--digest', 'md5'), field: /--digest/, right: /one of|use sha256/i },
  { name: 'ca init --digest bogus', args: caInit('--digest', 'sha999'), field: /--digest/, right: RIGHT_ONE_OF },
  { name: 'ca init --config-mode bogus', args: caInit('--config-mode', 'everywhere'), field: /--config-mode/, right: RIGHT_ONE_OF },
  { name: 'ca init --openssl-cnf that does not exist', args: caInit('--openssl-cnf', '/etc/ssl/none.cnf'), field: /--openssl-cnf/, right: RIGHT_PATH },
  { name: 'ca init --passphrase-file that does not exist', args: caInit('--passphrase-file', '@O/nothing.pass'), field: /--passphrase-file/, right: RIGHT_PATH },
  { name: 'ca init --passphrase-file too short', args: caInit('--passphrase-file', '@O/short.pass'), field: /--passphrase-file|passphrase/i, right: /at least 12/i },
  { name: 'ca init --passphrase-file empty', args: caInit('--passphrase-file', '@O/empty.txt'), field: /--passphrase-file|passphrase/i, right: /at least 12|empty/i },
  { name: 'ca init --ca-name with a slash', args: caInit('--ca-name', 'a/b'), field: /--ca-name|"caName"/, right: /letters|digits|slash|e\.g\./i },
  { name: 'ca init --ca-name empty', args: caInit('--ca-name', ''), field: /--ca-name|"caName"/, right: /letters|digits|empty|e\.g\./i },
  { name: 'ca init --ca-dir relative', args: caInit('--ca-dir', 'pki/CA'), field: /--ca-dir|"caDir"/, right: /absolute|\//i },
  { name: 'ca init --cn with a line break', args: caInit('--cn', 'Root\nCA'), field: /--cn|"cn"/, right: /line break|Remove|single line/i },

  // ca sign (against the CA the suite made)
  ...hosts.slice(0, 8).map(([what, host]): BadInput => ({ name: `ca sign --host with ${what}`, args: caSign('--host', host), field: /--host|"host"/, right: RIGHT_HOST })),
  ...['0', '826', 'abc'].map((d): BadInput => ({ name: `ca sign --days ${d}`, args: caSign('--host', 'h.example.org', `--days=${d}`), field: /--days|"days"/, right: RIGHT_NUMBER })),
  { name: 'ca sign --key-type bogus', args: caSign('--host', 'h.example.org', '--key-type', 'rsa512'), field: /--key-type/, right: RIGHT_ONE_OF },
  { name: 'ca sign --san garbage', args: caSign('--host', 'h.example.org', '--san', 'nonsense'), field: /--san|"san"/, right: /DNS:|IP:|e\.g\./ },
  { name: 'ca sign --san with a bad IP', args: caSign('--host', 'h.example.org', '--san', 'IP:300.1.1.1'), field: /--san|"san"/, right: /DNS:|IP:|address|e\.g\./ },
  { name: 'ca sign --ca-dir that holds no CA', args: caSign('--host', 'h.example.org', '--ca-dir', '/etc/pki/none'), field: /--ca-dir|\/etc\/pki\/none/, right: /ca init|no CA|not a CA|Give/i },
  { name: 'ca sign --passphrase-file that does not exist', args: caSign('--host', 'h.example.org', '--passphrase-file', '@O/nothing.pass'), field: /--passphrase-file/, right: RIGHT_PATH },
  { name: 'ca sign --hosts-file that does not exist', args: caSign('--hosts-file', '@O/nothing.txt'), field: /--hosts-file/, right: RIGHT_PATH },

  // ca revoke, crl, distribute, list
  { name: 'ca revoke --serial not hex', args: ['ca', 'revoke', '--yes', '--passphrase-file', '@PASS', '--serial', 'xyz'], field: /--serial|"serial"/, right: /hex|ca list/i },
  { name: 'ca revoke --reason bogus', args: ['ca', 'revoke', '--yes', '--passphrase-file', '@PASS', '--serial', '1000', '--reason', 'boredom'], field: /--reason/, right: RIGHT_ONE_OF },
  { name: 'ca revoke --host the CA never signed', args: ['ca', 'revoke', '--yes', '--passphrase-file', '@PASS', '--host', 'never.example.org'], field: /--host|never\.example\.org/, right: /ca list|signed|no certificate/i },
  { name: 'ca crl --ca-dir that holds no CA', args: ['ca', 'crl', '--yes', '--passphrase-file', '@PASS', '--ca-dir', '/etc/pki/none'], field: /--ca-dir|\/etc\/pki\/none/, right: /ca init|no CA|not a CA|Give/i },
  { name: 'ca list --ca-dir that holds no CA', args: ['ca', 'list', '--ca-dir', '/etc/pki/none'], field: /--ca-dir|\/etc\/pki\/none/, right: /ca init|no CA|not a CA|Give/i },
  { name: 'ca distribute --node-json that is not JSON', args: ['ca', 'distribute', '--yes', '--to', '/etc/couchdb/ca.crt', '--node-json', '@O/garbage.pem'], field: /--node-json/, right: /JSON/i },

  // cert letsencrypt
  ...hosts.slice(0, 4).map(([what, host]): BadInput => ({ name: `cert letsencrypt --domain with ${what}`, args: le('--domain', host), field: /--domain|"domain"/, right: RIGHT_HOST })),
  { name: 'cert letsencrypt --email not an address', args: le('--domain', 'a.example', '--email', 'nobody'), field: /--email|"email"/, right: RIGHT_MAIL },
  { name: 'cert letsencrypt --acme-directory not a URL', args: le('--domain', 'a.example', '--acme-directory', 'not a url'), field: /--acme-directory/, right: /https:|URL|production|staging/i },
  { name: 'cert letsencrypt --acme-directory over plain http', args: le('--domain', 'a.example', '--acme-directory', 'ftp://x/dir'), field: /--acme-directory/, right: /https:|URL|production|staging/i },
  { name: 'cert letsencrypt --challenge bogus', args: le('--domain', 'a.example', '--challenge', 'carrier-pigeon'), field: /--challenge/, right: RIGHT_ONE_OF },
  ...['0', '70000', 'eighty'].map((p): BadInput => ({ name: `cert letsencrypt --http-01-port ${p}`, args: le('--domain', 'a.example', '--challenge', 'http-01', `--http-01-port=${p}`), field: /--http-01-port|"http01Port"/, right: RIGHT_PORT })),
  { name: 'cert letsencrypt --key-type bogus', args: le('--domain', 'a.example', '--key-type', 'ed448'), field: /--key-type/, right: RIGHT_ONE_OF },
  { name: 'cert letsencrypt --dns-resolver without a port', args: le('--domain', 'a.example', '--challenge', 'dns-01', '--dns-hook', '/bin/true', '--dns-resolver', 'resolver'), field: /--dns-resolver/, right: /HOST:PORT|port/i },
  { name: 'cert letsencrypt --acme-ca-file garbage PEM', args: le('--domain', 'a.example', '--acme-ca-file', '@O/garbage.pem'), field: /--acme-ca-file/, right: /PEM|certificate/i },
  { name: 'cert letsencrypt --acme-ca-file that does not exist', args: le('--domain', 'a.example', '--acme-ca-file', '@O/nothing.pem'), field: /--acme-ca-file/, right: RIGHT_PATH },
  { name: 'cert letsencrypt without accepting the terms', args: ['cert', 'letsencrypt', '--yes', '--no-agree-tos', '--email', 'ops@example.org', '--domain', 'a.example'], field: /--agree-tos|"agreeTos"|terms/i, right: /--agree-tos|accept/i },

  // cert purchased
  { name: 'cert purchased --country a name', args: ['cert', 'purchased', '--yes', '--domain', 'shop.example.com', '--org', 'Shop', '--country', 'Germany'], field: /--country|"country"/, right: /two-letter|two letters|e\.g\./i },
  { name: 'cert purchased --domain with a space', args: ['cert', 'purchased', '--yes', '--domain', 'shop example.com', '--org', 'Shop', '--country', 'DE'], field: /--domain|"domain"/, right: RIGHT_HOST },
  { name: 'cert purchased --key-type bogus', args: ['cert', 'purchased', '--yes', '--domain', 'shop.example.com', '--org', 'Shop', '--country', 'DE', '--key-type', 'rsa1024'], field: /--key-type/, right: RIGHT_ONE_OF },
  { name: 'cert purchased --org with a line break', args: ['cert', 'purchased', '--yes', '--domain', 'shop.example.com', '--org', 'Shop\nGmbH', '--country', 'DE'], field: /--org|"org"/, right: /line break|Remove|single line/i },

  // cert install: the vendor's files
  { name: 'cert install --cert garbage PEM', args: install('--cert', '@O/garbage.pem', '--key', '@O/leaf.key'), field: /--cert/, right: /PEM, DER or PKCS#7/ },
  { name: 'cert install --cert an empty file', args: install('--cert', '@O/empty.txt', '--key', '@O/leaf.key'), field: /--cert/, right: /PEM|DER|PKCS#7|empty/ },
  { name: 'cert install --cert a truncated PEM', args: install('--cert', '@O/truncated.pem', '--key', '@O/leaf.key'), field: /--cert/, right: /PEM|truncated|cut/i },
  { name: 'cert install --cert that does not exist', args: install('--cert', '@O/nothing.pem', '--key', '@O/leaf.key'), field: /--cert/, right: RIGHT_PATH },
  { name: 'cert install --cert a folder', args: install('--cert', '@O', '--key', '@O/leaf.key'), field: /--cert/, right: /folder|directory|file/i },
  { name: 'cert install a key for another certificate', args: install('--cert', '@O/leaf.pem', '--chain', '@O/int.pem', '--key', '@O/other.key'), field: /--key|key mismatch/i, right: /key the CSR was made with|does not match|mismatch/i },
  { name: 'cert install an expired certificate', args: install('--cert', '@O/expired.pem', '--chain', '@O/int.pem', '--key', '@O/leaf.key'), field: /--cert|expired/, right: /expired on/ },
  { name: 'cert install a certificate not yet valid', args: install('--cert', '@O/future.pem', '--chain', '@O/int.pem', '--key', '@O/leaf.key'), field: /--cert|not yet valid|valid from/i, right: /not yet valid|valid from|until/i },
  { name: 'cert install a reversed chain', args: install('--cert', '@O/reversed.pem', '--key', '@O/leaf.key'), field: /--cert|chain|order/i, right: /wrong order|leaf first|order/i },
  { name: 'cert install a chain that is missing its intermediate', args: install('--cert', '@O/leaf.pem', '--key', '@O/leaf.key'), field: /--chain|intermediate/, right: /missing intermediate|--chain/ },
  { name: 'cert install names the certificate does not cover', args: ['cert', 'install', '--yes', '--domain', 'shop.example.com,api.shop.example.com', '--cert', '@O/bundle.pem', '--key', '@O/leaf.key'], field: /--domain|api\.shop\.example\.com/, right: /does not cover/ },
  { name: 'cert install --key garbage', args: install('--cert', '@O/bundle.pem', '--key', '@O/garbage.pem'), field: /--key/, right: /private key|PEM/i },
  { name: 'cert install --trust-store garbage', args: install('--cert', '@O/bundle.pem', '--key', '@O/leaf.key', '--trust-store', '@O/garbage.pem'), field: /--trust-store/, right: /PEM|certificate/i },
  { name: 'cert inspect --domain lockstep has no certificate for', args: ['cert', 'inspect', '--domain', 'none.example'], field: /--domain/, right: /no certificate|missing/ },

  // cert renew-timer, renew
  { name: 'cert renew-timer --scheduler bogus', args: ['cert', 'renew-timer', '--yes', '--scheduler', 'at'], field: /--scheduler/, right: RIGHT_ONE_OF },
  { name: 'cert renew-timer --mail not an address', args: ['cert', 'renew-timer', '--yes', '--scheduler', 'cron', '--mail', 'admins'], field: /--mail|"mail"/, right: RIGHT_MAIL },
  { name: 'cert renew-timer --smtp with a port that is not a number', args: ['cert', 'renew-timer', '--yes', '--scheduler', 'cron', '--mail', 'ops@example.org', '--smtp', 'mail.example.org:smtp'], field: /--smtp|"smtp"/, right: /HOST:PORT|none|port/ },
  { name: 'cert renew-timer --smtp port 0', args: ['cert', 'renew-timer', '--yes', '--scheduler', 'cron', '--mail', 'ops@example.org', '--smtp', 'mail.example.org:0'], field: /--smtp|"smtp"/, right: /HOST:PORT|1 to 65535|port/ },
  { name: 'renew --mail not an address', args: ['renew', '--yes', '--mail', 'admins'], field: /--mail/, right: RIGHT_MAIL },
  { name: 'renew --smtp with port 99999', args: ['renew', '--yes', '--mail', 'ops@example.org', '--smtp', 'mail:99999'], field: /--smtp/, right: /HOST:PORT|1 to 65535|port/ },

  // web https, web reload
  ...hosts.slice(0, 3).map(([what, host]): BadInput => ({ name: `web https --domain with ${what}`, args: ['web', 'https', '--yes', '--domain', host, '--cert-dir', '/etc/ssl/lockstep/site.example'], field: /--domain|"domain"/, right: RIGHT_HOST })),
  ...['0', '65536', 'abc'].map((p): BadInput => ({ name: `web https --https-port ${p}`, args: https(`--https-port=${p}`), field: /--https-port|"httpsPort"/, right: RIGHT_PORT })),
  ...['0', '99999'].map((p): BadInput => ({ name: `web https --http-port ${p}`, args: https(`--http-port=${p}`), field: /--http-port|"httpPort"/, right: RIGHT_PORT })),
  { name: 'web https --http-port equal to --https-port', args: https('--http-port', '8443', '--https-port', '8443'), field: /--http-port|--https-port/, right: /differ|same|another/i },
  { name: 'web https --listen-address not an address', args: https('--listen-address', 'localhost!'), field: /--listen-address/, right: /address|IPv4|IPv6|empty/i },
  { name: 'web https --cert-dir with no certificate in it', args: https('--cert-dir', '/etc/ssl/none'), field: /--cert-dir/, right: /fullchain\.pem|cert\.pem|certificate/ },
  { name: 'web reload --https-port 0', args: ['web', 'reload', '--yes', '--cert-file', '/etc/ssl/lockstep/site.example/cert.pem', '--server-name', 'site.example', '--https-port', '0'], field: /--https-port/, right: RIGHT_PORT },
  { name: 'web reload --host not an address', args: ['web', 'reload', '--yes', '--cert-file', '/etc/ssl/lockstep/site.example/cert.pem', '--server-name', 'site.example', '--host', '1.2.3.4.5'], field: /--host/, right: /address|IPv4|IPv6|host/i },

  // firewall: CIDRs, ports, reasons
  ...[['10.0.0.0/33', 'prefix'], ['300.1.1.1', 'IPv4 or IPv6'], ['', 'at least one'], ['10.0.0.0/8,fe80::/129', 'prefix'], ['10.0.0/8', 'IPv4 or IPv6'], ['any', 'IPv4 or IPv6'], ['::/-1', 'prefix']].map(([v, why]): BadInput => ({ name: `firewall --ssh-from ${JSON.stringify(v)}`, args: fw('--ssh-from', v!), field: /--ssh-from/, right: new RegExp(why!) })),
  { name: 'firewall --replication-peers with a bad prefix', args: fw(...fwOk, '--replication-peers', '10.203.1.4,10.0.0.0/40'), field: /--replication-peers/, right: /prefix/ },
  ...[['70000/tcp:big', /out of range|1 to 65535/], ['8080', /PORT\/PROTO/], ['8080/sctp:x', /tcp|udp/], ['0/tcp:zero', /out of range|1 to 65535/], ['abc/tcp:x', /PORT\/PROTO|number/]].map(([v, right]): BadInput => ({ name: `firewall --allow ${v}`, args: fw(...fwOk, '--allow', v as string), field: /--allow/, right: right as RegExp })),
  { name: 'firewall --allow without the reason --help calls required', args: fw(...fwOk, '--allow', '8443/tcp'), field: /--allow/, right: /reason|PORT\/PROTO:reason/ },
  { name: 'firewall --allow 22 beside --ssh-from (a conflict)', args: fw('--ssh-from', '10.0.0.0/8', '--allow', '22/tcp:ssh'), field: /--allow/, right: /conflicts with --ssh-from/ },
  ...['-5', 'soon', '99999999'].map((v): BadInput => ({ name: `firewall --confirm-timeout ${v}`, args: fw(...fwOk, `--confirm-timeout=${v}`), field: /--confirm-timeout/, right: RIGHT_NUMBER })),
  { name: 'firewall --backend pf', args: fw(...fwOk, '--backend', 'pf'), field: /--backend/, right: RIGHT_ONE_OF },

  // ssh, updates, onboard
  { name: 'ssh --user with a shell metacharacter', args: ['ssh', '--yes', '--user', 'root;rm'], field: /--user|"user"/, right: /letters|user name|e\.g\./i },
  { name: 'ssh --user that does not exist', args: ['ssh', '--yes', '--user', 'nosuchuser'], field: /--user|nosuchuser/, right: /passwd|exist|user/i },
  { name: 'ssh --permit-root-login bogus', args: ['ssh', '--yes', '--user', 'root', '--permit-root-login', 'sometimes'], field: /--permit-root-login/, right: RIGHT_ONE_OF },
  { name: 'ssh --allow-users with a bad name', args: ['ssh', '--yes', '--user', 'root', '--allow-users', 'root,a;b'], field: /--allow-users/, right: /letters, digits/ },
  { name: 'updates --origins bogus', args: ['updates', '--yes', '--origins', 'everything'], field: /--origins/, right: RIGHT_ONE_OF },
  { name: 'updates --mail not an address', args: ['updates', '--yes', '--mail', 'root@'], field: /--mail|"mail"/, right: RIGHT_MAIL },
  ...['25:00', '7pm', '12:60'].map((v): BadInput => ({ name: `updates --reboot-time ${v}`, args: ['updates', '--yes', '--reboot-time', v], field: /--reboot-time/, right: /HH:MM|00:00|23:59|like \d\d:\d\d/ })),
  { name: 'onboard --steps with an unknown step', args: ['onboard', '--yes', '--steps', 'firewall,coffee'], field: /--steps|coffee/, right: /one of|did you mean/i },

  // the answers file: shape, keys, types
  { name: 'answers: a typo of a key (sshFromm)', args: ['firewall', '--yes', '--dry-run'], answers: { sshFromm: ['10.0.0.0/8'] }, field: /sshFromm/, right: /did you mean "sshFrom"/ },
  { name: 'answers: "host": 5', args: ['cert', 'self-signed', '--yes'], answers: { host: 5 }, field: /"host"/, right: /text|list|host names|expected|must be/i },
  { name: 'answers: "days" as text', args: ['cert', 'self-signed', '--yes'], answers: { host: ['a.example'], days: 'thirty' }, field: /"days"/, right: /whole number from 1 to 825/ },
  { name: 'answers: "days" as a fraction', args: ['cert', 'self-signed', '--yes'], answers: { host: ['a.example'], days: 1.5 }, field: /"days"/, right: RIGHT_NUMBER },
  { name: 'answers: "keyType" not one of the choices', args: ['cert', 'self-signed', '--yes'], answers: { host: ['a.example'], keyType: 'dsa' }, field: /"keyType"|--key-type/, right: RIGHT_ONE_OF },
  { name: 'answers: a boolean as text', args: ['web', 'https', '--yes'], answers: { domain: ['site.example'], certDir: '/etc/ssl/lockstep/site.example', hsts: 'yes' }, field: /"hsts"/, right: /true or false|yes\/no|boolean/i },
  { name: 'answers: an array where one value is wanted', args: ['ca', 'init', '--yes'], answers: { country: ['US'] }, field: /"country"/, right: /text|expected|must be/i },
  { name: 'answers: a JSON array instead of an object', args: ['cert', 'self-signed', '--yes'], answers: '["a.example"]', field: /answers/i, right: /object|\{/i },
  { name: 'answers: JSON null', args: ['cert', 'self-signed', '--yes'], answers: 'null', field: /answers/i, right: /object|\{/i },
  { name: 'answers: not JSON', args: ['cert', 'self-signed', '--yes'], answers: 'host = a.example\n', field: /answers/i, right: /not valid JSON|JSON/ },
  { name: 'answers: an empty file', args: ['cert', 'self-signed', '--yes'], answers: '', field: /answers/i, right: /empty|JSON/i },
  { name: 'answers: a file that does not exist', args: ['cert', 'self-signed', '--yes', '--answers', '@O/nothing.json'], field: /answers/i, right: /Cannot read|exist/i },
  { name: 'answers: a folder', args: ['cert', 'self-signed', '--yes', '--answers', '@O'], field: /answers/i, right: /Cannot read|folder|directory|file/i },
  { name: 'answers: a secret given inline ("passphrase")', args: ['ca', 'init', '--yes'], answers: { passphrase: 'correct horse battery staple' }, field: /"passphrase"/, right: /passphraseFile|--passphrase-file|file/ },
  { name: 'answers: onboard with an unknown step', args: ['onboard', '--yes', '--dry-run'], answers: { steps: ['firewall', 'coffee'] }, field: /coffee/, right: /did you mean|one of/i },
  { name: 'answers: onboard with an unknown section', args: ['onboard', '--yes', '--dry-run'], answers: { steps: ['firewall'], firewal: { sshFrom: ['10.0.0.0/8'] } }, field: /firewal/, right: /did you mean "firewall"/ },
  { name: 'answers: onboard section with a typo of a key', args: ['onboard', '--yes', '--dry-run'], answers: { steps: ['firewall'], firewall: { sshFromm: ['10.0.0.0/8'] } }, field: /sshFromm/, right: /did you mean/ },
  { name: 'answers: onboard "steps" a number', args: ['onboard', '--yes', '--dry-run'], answers: { steps: 5 }, field: /"steps"/, right: /list|array|expected|must be/i },
  { name: 'answers: a bad CIDR in the file', args: ['firewall', '--yes', '--dry-run', '--backend', 'nft'], answers: { sshFrom: ['10.0.0.0/33'] }, field: /"sshFrom"|--ssh-from/, right: /prefix/ },
  { name: 'answers: a bad host in the file', args: ['cert', 'self-signed', '--yes'], answers: { host: ['file example'] }, field: /"host"/, right: /contains a space/ },
  { name: 'export ansible with an answers file naming an unknown step', args: ['export', 'ansible', '--out', '@O/export-out'], answers: { steps: ['coffee'] }, field: /coffee/, right: /did you mean|one of/i },

  // the command line itself
  { name: 'an unknown command', args: ['frobnicate'], field: /frobnicate/, right: /unknown command|did you mean|--help/i },
  { name: 'a typo of a command', args: ['firewal'], field: /firewal/, right: /did you mean|firewall/i },
  { name: 'an unknown global option', args: ['--frobnicate', 'check'], field: /--frobnicate/, right: /unknown option|--help/i },
  { name: '--root naming a file (the last --root given wins)', args: ['--root', '@O/empty.txt', 'cert', 'self-signed', '--yes', '--dry-run', '--host', 'a.example'], field: /--root/, right: /folder|directory/i },
  { name: '--log in a folder that does not exist', args: ['--log', '/nonexistent/lockstep/run.log', 'cert', 'self-signed', '--yes', '--host', 'a.example', '--dry-run'], field: /--log/, right: /folder|exist|writ/i },
];
