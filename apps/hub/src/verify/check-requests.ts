import { hashBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import type { VerifyDiscrepancy } from './types';

const REQUESTS_PER_PAGE = 2_000;

/**
 * Requests (every source but tills): each stored body still hashes to the hash
 * its idempotency was judged on, and only applied requests have transfers.
 * Returns how many were checked, and the first discrepancy.
 */
export async function checkRequests(tx: Tx): Promise<{ requests: number; discrepancy: VerifyDiscrepancy | null }> {
  let checked = 0;
  for (let page = await repo.listRequestsAfter(tx, '', REQUESTS_PER_PAGE); page.length > 0; page = await repo.listRequestsAfter(tx, page.at(-1)!.id, REQUESTS_PER_PAGE)) {
    for (const request of page) {
      if (hashOf(request.body) !== request.hash) {
        return { requests: checked, discrepancy: { kind: 'request_body', message: `request ${request.id} (${request.source} ${request.actor}, ${request.kind}): its stored body does not hash to its hash` } };
      }
    }
    checked += page.length;
    if (page.length < REQUESTS_PER_PAGE) break;
  }
  const stray = await repo.transferOfUnappliedRequest(tx);
  if (stray) {
    return { requests: checked, discrepancy: { kind: 'request_transfers', seq: stray.seq, message: `transfer ${stray.seq} comes from request ${stray.requestId}, which was not applied (or names an entry too)` } };
  }
  return { requests: checked, discrepancy: null };
}

function hashOf(text: string): string | null {
  try {
    return hashBody(nodeCrypto, JSON.parse(text));
  } catch {
    return null;
  }
}
