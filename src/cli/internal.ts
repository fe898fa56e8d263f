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

/** `internal sshd-test --root=DIR`: `sshd -t` on the root's configuration, mapped into it (src/ssh/sshd-sandbox.ts). */
async function sshdTest(args: readonly string[]): Promise<number> {
  const root = args.find((a) => a.startsWith('--root='))?.slice('--root='.length);
  if (root === undefined || root === '') throw new UserError('internal sshd-test needs --root=DIR');
  const { System } = await import('../core/system.js');
  const { spawnChild } = await import('../core/spawn.js');
  const { withSshdConfig } = await import('../ssh/sshd-sandbox.js');
  const sys = new System(root);
  const r = await withSshdConfig(sys, async (config, _sandbox, told) => {
    const run = await spawnChild({ argv: ['sshd', '-t', '-f', config], capture: true });
    return { ...run, stdout: told(run.stdout), stderr: told(run.stderr) };
  });
  process.stdout.write(r.stdout);
  process.stderr.write(r.missing ? 'sshd: not found (is openssh-server installed?)\n' : r.stderr);
  return r.missing ? 127 : (r.exitCode ?? 1);
}

/** `internal nginx --root=DIR ARGS… -c CONF`: nginx with CONF replaced by the root's mapped copy (src/web/nginx-sandbox.ts). */
async function nginxMapped(args: readonly string[]): Promise<number> {
  const root = args.find((a) => a.startsWith('--root='))?.slice('--root='.length);
  const at = args.indexOf('-c');
  const conf = at < 0 ? undefined : args[at + 1];
  if (root === undefined || root === '' || conf === undefined) throw new UserError('internal nginx needs --root=DIR and -c CONF');
  const rest = args.filter((a, i) => !a.startsWith('--root=') && i !== at && i !== at + 1);
  const { nginxWith } = await import('../web/nginx-swap.js');
  return (await nginxWith(rest, conf, root)).ok ? 0 : 1;
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
    if (command === 'sshd-test') return await sshdTest(rest);
    if (command === 'nginx') return await nginxMapped(rest);
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
