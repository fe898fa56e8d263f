// A small SMTP sink on loopback for the tests: speaks enough SMTP (EHLO/HELO, MAIL, RCPT, DATA,
// QUIT) to accept messages and keeps them for the test to read. Started and stopped by the test.
import net from 'node:net';

export interface SunkMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly data: string;
}

export interface SmtpSink {
  readonly port: number;
  readonly messages: SunkMail[];
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SunkMail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = '';
    let inData = false;
    let from = '';
    let to: string[] = [];
    let data: string[] = [];
    const say = (line: string): boolean => socket.write(`${line}\r\n`);
    say('220 sink.test ESMTP test sink');
    socket.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push({ from, to, data: data.join('\n') });
            say('250 2.0.0 queued');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') (say('250-sink.test'), say('250 8BITMIME'));
        else if (verb === 'HELO') say('250 sink.test');
        else if (verb === 'MAIL') ((from = /<(.*)>/.exec(line)?.[1] ?? ''), (to = []), say('250 2.1.0 ok'));
        else if (verb === 'RCPT') (to.push(/<(.*)>/.exec(line)?.[1] ?? ''), say('250 2.1.5 ok'));
        else if (verb === 'DATA') ((inData = true), (data = []), say('354 end with .'));
        else if (verb === 'QUIT') (say('221 2.0.0 bye'), socket.end());
        else say('502 5.5.2 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    messages,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
