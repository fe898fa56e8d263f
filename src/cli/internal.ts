// `lockstep internal …`: helpers that plans run as commands (the ACME exchange, nginx's file
// swap, the expiry report's mail), so that what they change is an action in the plan: previewed,
// journaled. Not for people, so not in --help; their arguments are the plan's, never a secret.
import { UserError } from '../core/errors.js';

/** `internal mail --to ADDRESS --smtp HOST:PORT --subject TEXT`, the body on standard input. */
async function mail(args: readonly string[]): Promise<void> {
  const { parseSmtpAddress, sendMail } = await import('../tls/smtp.js');
  const value = (flag: string): string => {
    const at = args.indexOf(flag);
    const v = at < 0 ? undefined : args[at + 1];
    if (v === undefined) throw new UserError(`internal mail needs ${flag}`);
    return v;
  };
  const smtp = parseSmtpAddress(value('--smtp'));
  if (smtp === undefined) throw new UserError(`internal mail: --smtp ${value('--smtp')} is not HOST:PORT`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  await sendMail(smtp, { to: value('--to'), subject: value('--subject'), body: Buffer.concat(chunks).toString('utf8') });
  process.stdout.write(`Mailed to ${value('--to')} through ${smtp.host}:${smtp.port}.\n`);
}

/** Entry of `lockstep internal …`: returns the exit code. */
export async function runInternal(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === 'acme-order') {
      const { acmeOrder, parseAcmeOrderArgs } = await import('../tls/acme-order.js');
      await acmeOrder(parseAcmeOrderArgs(rest));
      return 0;
    }
    if (command === 'nginx-swap') {
      const { nginxSwap, parseNginxSwapArgs } = await import('../web/nginx-swap.js');
      await nginxSwap(parseNginxSwapArgs(rest));
      return 0;
    }
    if (command === 'mail') {
      await mail(rest);
      return 0;
    }
    process.stderr.write(`lockstep internal: unknown helper "${command ?? ''}"\n`);
    return 2;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return error instanceof UserError ? 2 : 1;
  }
}
