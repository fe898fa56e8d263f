// The text of an HTTPS-only nginx site: port 80 answers ACME HTTP-01 tokens from a webroot
// (so renewals need no downtime) and a 301 to https for everything else; the TLS server uses
// the full chain with Mozilla's "intermediate" profile (TLS 1.2 and 1.3).

export interface NginxSiteOptions {
  readonly names: readonly string[];
  /** Paths as nginx will open them. */
  readonly fullchain: string;
  readonly privkey: string;
  readonly chain: string;
  readonly documentRoot: string;
  readonly acmeWebroot: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  /** Empty: every address. */
  readonly listenAddress?: string;
  readonly hsts: boolean;
  /** Only for certificates that name an OCSP responder; Let's Encrypt's ended in 2025. */
  readonly ocspStapling: boolean;
}

/** Mozilla intermediate (v5.7) without the DHE suites, which would need a dhparam file. */
export const INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export function nginxSite(o: NginxSiteOptions): string {
  const at = (port: number): string => (o.listenAddress ? `${o.listenAddress.includes(':') ? `[${o.listenAddress}]` : o.listenAddress}:${port}` : String(port));
  const v6 = (port: number, extra = ''): string[] => (o.listenAddress ? [] : [`    listen [::]:${port}${extra};`]);
  const httpsUrl = o.httpsPort === 443 ? 'https://$host$request_uri' : `https://$host:${o.httpsPort}$request_uri`;
  const names = o.names.join(' ');
  return [
    '# Written by lockstep (web https). HTTPS only: port 80 redirects, except ACME HTTP-01 tokens.',
    'server {',
    `    listen ${at(o.httpPort)};`,
    ...v6(o.httpPort),
    `    server_name ${names};`,
    '',
    '    location /.well-known/acme-challenge/ {',
    `        root ${o.acmeWebroot};`,
    '        default_type text/plain;',
    '    }',
    '    location / {',
    `        return 301 ${httpsUrl};`,
    '    }',
    '}',
    '',
    'server {',
    `    listen ${at(o.httpsPort)} ssl;`,
    ...v6(o.httpsPort, ' ssl'),
    `    server_name ${names};`,
    `    root ${o.documentRoot};`,
    '',
    `    ssl_certificate ${o.fullchain};`,
    `    ssl_certificate_key ${o.privkey};`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    `    ssl_ciphers ${INTERMEDIATE_CIPHERS};`,
    '    ssl_prefer_server_ciphers off;',
    '    ssl_session_timeout 1d;',
    '    ssl_session_cache shared:lockstep:10m;',
    '    ssl_session_tickets off;',
    ...(o.ocspStapling
      ? ['    ssl_stapling on;', '    ssl_stapling_verify on;', `    ssl_trusted_certificate ${o.chain};`]
      : ['    # No OCSP stapling: the certificate names no OCSP responder (Let\'s Encrypt ended its OCSP service in 2025).']),
    ...(o.hsts ? ['    add_header Strict-Transport-Security "max-age=63072000" always;'] : []),
    '}',
    '',
  ].join('\n');
}
