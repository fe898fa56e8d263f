// The ACME order itself (RFC 8555 §7): account, newOrder, authorizations, finalize, download —
// the sequence acme-client's client.auto() runs, here through the same client's public methods
// because auto() builds the newOrder payload itself and cannot carry RFC 9773's `replaces`.
import * as acme from 'acme-client';

type Authorization = acme.Authorization;
type Challenge = Authorization['challenges'][number];
type OrderRequest = Parameters<acme.Client['createOrder']>[0];
type Identifier = OrderRequest['identifiers'][number];

export interface Challenger {
  create(authz: Authorization, challenge: Challenge, keyAuthorization: string): Promise<void>;
  remove(authz: Authorization, challenge: Challenge, keyAuthorization: string): Promise<void>;
}

export interface ExchangeOptions {
  readonly csr: string;
  readonly email: string;
  readonly challenge: 'http-01' | 'dns-01';
  /** The ARI certificate ID of the certificate this order replaces (RFC 9773 §5). */
  readonly replaces?: string;
  readonly say: (line: string) => void;
}

async function newOrder(client: acme.Client, identifiers: Identifier[], o: ExchangeOptions): Promise<acme.Order> {
  if (o.replaces === undefined) return client.createOrder({ identifiers });
  try {
    // acme-client's request type predates RFC 9773; the field goes to the server as given.
    const order = await client.createOrder({ identifiers, replaces: o.replaces } as OrderRequest & { replaces: string });
    const echoed = (order as { replaces?: unknown }).replaces;
    o.say(echoed === o.replaces ? `The order replaces ${o.replaces} (RFC 9773).` : `The order was accepted; the server did not echo "replaces" ${o.replaces}.`);
    return order;
  } catch (error) {
    // A server may refuse the link (already replaced once, unknown certificate); the new
    // certificate matters more than the link, so order again without it.
    o.say(`The server refused "replaces" ${o.replaces} (${(error as Error).message.trim()}); ordering without it.`);
    return client.createOrder({ identifiers });
  }
}

async function authorize(client: acme.Client, authz: Authorization, o: ExchangeOptions, challenger: Challenger): Promise<void> {
  if (authz.status === 'valid') return;
  const challenge = authz.challenges.find((c) => c.type === o.challenge);
  if (challenge === undefined) throw new Error(`the server offers no ${o.challenge} challenge for ${authz.identifier.value}`);
  const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
  let completed = false;
  try {
    await challenger.create(authz, challenge, keyAuthorization);
    await client.completeChallenge(challenge);
    completed = true;
    await client.waitForValidStatus(challenge);
  } catch (error) {
    // As auto() does: a pending authorization left behind would be reused by the next order.
    if (!completed) await client.deactivateAuthorization(authz).catch(() => undefined);
    throw error;
  } finally {
    await challenger.remove(authz, challenge, keyAuthorization).catch((e: Error) => o.say(`  cleaning up the ${o.challenge} challenge failed: ${e.message}`));
  }
}

/** Runs one order to the end; returns the certificate chain (PEM). */
export async function orderCertificate(client: acme.Client, o: ExchangeOptions, challenger: Challenger): Promise<string> {
  await client.createAccount({ termsOfServiceAgreed: true, contact: [`mailto:${o.email}`] });
  const { commonName, altNames } = acme.crypto.readCsrDomains(o.csr);
  const names = [...new Set([commonName, ...altNames].filter((d): d is string => typeof d === 'string' && d !== ''))];
  const order = await newOrder(client, names.map((value) => ({ type: 'dns', value })), o);
  const authorizations = await client.getAuthorizations(order);
  const settled = await Promise.allSettled(authorizations.map((authz) => authorize(client, authz, o, challenger)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const finalized = await client.finalizeOrder(order, o.csr);
  return client.getCertificate(finalized);
}
