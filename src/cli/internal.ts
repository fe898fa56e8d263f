// `lockstep internal …`: helpers that plans run as commands (the ACME exchange, nginx's file
// swap, the expiry report's mail), so that what they change is an action in the plan: previewed,
// journaled. Not for people, so not in --help; their arguments are the plan's, never a secret.
import { UserError } from '../core/errors.js';
import { endChildrenOnSignal } from '../core/spawn.js';

/**
 * `internal mail --to ADDRESS --smtp HOST:PORT|none --subject TEXT`, the body on standard input:
 * through the SMTP server, or with `--smtp none` to the local sendmail (src/mail/deliver.ts).
 */
async function mail(args: readonly string[]): Promise<void> {
  const { parseSmtpAddress } = await import('../mail/smtp.js');
  const { deliverMail } = await import('../mail/deliver.js');
  const { isNone } = await import('../mail/questions.js');
  const value = (flag: string): string => {
    const at = args.indexOf(flag);
    const v = at < 0 ? undefined : args[at + 1];
    if (v === undefined) throw new UserError(`internal mail needs ${flag}`);
    return v;
  };
  const smtpText = value('--smtp');
  const smtp = isNone(smtpText) ? undefined : parseSmtpAddress(smtpText);
  if (!isNone(smtpText) && smtp === undefined) throw new UserError(`internal mail: --smtp ${smtpText} is not HOST:PORT`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const delivery = await deliverMail({ to: value('--to'), subject: value('--subject'), body: Buffer.concat(chunks).toString('utf8') }, smtp !== undefined ? { smtp } : {});
  if (!delivery.sent) throw new Error(delivery.reason);
  process.stdout.write(`${delivery.detail.charAt(0).toUpperCase()}${delivery.detail.slice(1)}.\n`);
}

/** Entry of `lockstep internal …`: returns the exit code. */
export async function runInternal(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  // Stopped by lockstep (its process group is sent SIGTERM), a helper ends what it started first.
  // The patch session's helpers before and during the upgrade handle the signal themselves: they
  // end their children, then close the session's log before they exit.
  const release = command === 'patch' && (rest[0] === 'prepare' || rest[0] === 'run') ? () => undefined : endChildrenOnSignal();
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
    if (command === 'patch') {
      const { runPatchInternal } = await import('../patch/session-helpers.js');
      await runPatchInternal(rest);
      return 0;
    }
    process.stderr.write(`lockstep internal: unknown helper "${command ?? ''}"\n`);
    return 2;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return error instanceof UserError ? 2 : 1;
  } finally {
    release();
  }
}
