/**
 * The original's one outgoing call: when a LaBoutik sells a membership (a SUB
 * from the place, with its primary card, not paid by a Stripe checkout), Fedow
 * tells the place's Lespass `GET https://{lespass_domain}/fwh/membership/{tx}`;
 * Lespass then reads the transaction back (GET /transaction/{uuid}/) and answers
 * 208 when it already knows it. Sent after the commit, best effort as the
 * original, with a few retries in this process (docs/DECISIONS.md says why not
 * through the webhooks outbox).
 */
import type { HubContext } from '../context';

/** Where Lespass is reached: `{domain}` is replaced by the place's Lespass domain. */
export const LESPASS_URL_DEFAULT = 'https://{domain}';
/** The original waits (1, 2) s for connect and read: one bound here for both. */
const CALL_TIMEOUT_MS = 3_000;
/** Pauses before the second and third attempts; then the call is given up and logged. */
const RETRY_DELAYS_MS = [1_000, 5_000] as const;

export function membershipUrl(template: string, domain: string, transaction: string): string {
  return `${template.replace('{domain}', domain)}/fwh/membership/${transaction}`;
}

/** Whether the original would have called Lespass for this SUB: a primary card, and no Stripe checkout behind it. */
export function lespassWantsCall(primaryCard: boolean, metadata: unknown): boolean {
  if (!primaryCard) return false;
  const fields = typeof metadata === 'string' ? parsed(metadata) : metadata;
  return !(fields !== null && typeof fields === 'object' && 'checkout_session_id_stripe' in fields);
}

/** Fires the call without holding up the answer to LaBoutik; failures end in `internal-error`, never in the sale. */
export function callLespassMembership(context: HubContext, template: string, domain: string, transaction: string): Promise<void> {
  const url = membershipUrl(template, domain, transaction);
  return attempt(url, 0).catch((error: unknown) => {
    context.events.emit('internal-error', { where: `Lespass membership call ${url}`, error });
  });
}

async function attempt(url: string, retried: number): Promise<void> {
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(CALL_TIMEOUT_MS), headers: { 'user-agent': 'fedow-compat/1' } });
    await response.arrayBuffer();
    // 208 is Lespass's "already known": as good as a 200.
    if (response.status >= 200 && response.status < 300) return;
    throw new Error(`Lespass answered ${response.status}`);
  } catch (error) {
    const delay = RETRY_DELAYS_MS[retried];
    if (delay === undefined) throw error;
    // Unref: a retry still waiting never keeps a stopping hub alive.
    await new Promise((resolve) => setTimeout(resolve, delay).unref());
    return attempt(url, retried + 1);
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
