// Just enough SMTP (RFC 5321) to hand one plain-text message to the local mail server
// (localhost:25 by default, as cron and unattended-upgrades do): no TLS, no authentication —
// the relay beyond is the MTA's job. Each reply is checked; a refusal names the command.
import net from 'node:net';
import os from 'node:os';

export interface MailMessage {
  readonly to: string;
  readonly from?: string;
  readonly subject: string;
  readonly body: string;
}

/** "host:port", "[v6]:port" or "host" (port 25). */
export function parseSmtpAddress(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::([0-9]{1,5}))?$/.exec(text.trim());
  const host = m?.[1] ?? m?.[2];
  const port = m?.[3] === undefined ? 25 : Number(m[3]);
  if (host === undefined || port < 1 || port > 65535) return undefined;
  return { host, port };
}

// user@host. No quotes, backslashes, commas or semicolons: they would end a value in apt's
// configuration (unattended-upgrades' Mail) or split a recipient list, and no MTA needs them.
// eslint-disable-next-line no-control-regex
const ADDRESS = /^[^\s<>@",;\\\x00-\x1f]+@[^\s<>@",;\\\x00-\x1f]+$/;
export const checkMailAddress = (a: string): string | undefined => (ADDRESS.test(a) ? undefined : `"${a}" is not a mail address (user@host)`);

function encodeHeader(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** The message with its headers; for SMTP (default) CRLF line ends and dot-stuffed, else LF as written (sendmail -oi). */
export function formatMessage(m: MailMessage, from: string, now = new Date(), forSmtp = true): string {
  const eol = forSmtp ? '\r\n' : '\n';
  const lines = m.body.replace(/\r?\n/g, eol);
  const body = forSmtp ? lines.replace(/^\./gm, '..') : lines;
  return [
    `From: ${from}`,
    `To: ${m.to}`,
    `Subject: ${encodeHeader(m.subject)}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join(eol);
}

export async function sendMail(server: { host: string; port: number }, m: MailMessage, timeoutMs = 10_000): Promise<void> {
  const from = m.from ?? `lockstep@${os.hostname()}`;
  const socket = net.connect(server.port, server.host);
  socket.setTimeout(timeoutMs);
  let buffer = '';
  const waiting: ((reply: { code: number; text: string } | Error) => void)[] = [];
  const fail = (error: Error): void => {
    for (const w of waiting.splice(0)) w(error);
  };
  socket.on('data', (d: Buffer) => {
    buffer += d.toString('utf8');
    // A reply ends with a line "NNN text" (a space, not a dash, after the code).
    for (;;) {
      const end = /^(\d{3}) .*\r?\n/m.exec(buffer);
      if (end === null) break;
      const text = buffer.slice(0, end.index + end[0].length);
      buffer = buffer.slice(end.index + end[0].length);
      waiting.shift()?.({ code: Number(end[1]), text: text.trim() });
    }
  });
  socket.on('error', fail);
  socket.on('timeout', () => (fail(new Error(`no answer from ${server.host}:${server.port} within ${timeoutMs / 1000} s`)), socket.destroy()));
  socket.on('close', () => fail(new Error(`${server.host}:${server.port} closed the connection`)));
  const reply = (): Promise<{ code: number; text: string }> =>
    new Promise((resolve, reject) => waiting.push((r) => (r instanceof Error ? reject(r) : resolve(r))));
  const expect = async (what: string, ok: number, line?: string): Promise<void> => {
    const answer = reply();
    if (line !== undefined) socket.write(`${line}\r\n`);
    const r = await answer;
    if (Math.floor(r.code / 100) !== Math.floor(ok / 100)) throw new Error(`the mail server refused ${what}: ${r.text}`);
  };
  try {
    await expect('the connection', 220);
    await expect('EHLO', 250, `EHLO ${os.hostname()}`);
    await expect('the sender', 250, `MAIL FROM:<${from}>`);
    await expect(`the recipient ${m.to}`, 250, `RCPT TO:<${m.to}>`);
    await expect('DATA', 354, 'DATA');
    await expect('the message', 250, `${formatMessage(m, from)}\r\n.`);
    await expect('QUIT', 221, 'QUIT');
  } finally {
    socket.destroy();
  }
}
