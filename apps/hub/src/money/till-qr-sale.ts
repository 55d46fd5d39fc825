import { balanceOf, decideQrSale, hashBody, placeAccepts, refuse, verifyHash, type LedgerState } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import {
  PAY_TOKEN_TTL_MS,
  decodePayToken,
  qrSaleBody,
  type QrCodeRefusal,
  type QrSale,
  type QrSaleResult,
} from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { Terminal } from '../storage/rows';
import { submitRequest } from './submit';

/** A phone's clock a little ahead of the hub's still makes codes the hub accepts. */
const CODE_CLOCK_SLACK_MS = 30_000;
/** Which money a code pays with when the till names none: the place's own first, federated euro last. */
const SPEND_ORDER = ['TNF', 'TLF', 'FED'] as const;

/**
 * A till's sale paid by a card holder's payment code (DESIGN.md, the `wallet`
 * source: the wallet's signature is the authority; the till's signature says
 * which till asked). Every check of the code happens before anything is
 * stored; the nonce is the request's idempotency key, so a code pays once: the
 * same till retrying the same sale gets the first answer, any other use is
 * `code_used`. The QRS itself goes through `submitRequest`, like every movement.
 */
export async function submitTillQrSale(context: HubContext, connected: Terminal, sale: QrSale): Promise<QrSaleResult> {
  const refused = (reason: QrCodeRefusal, message: string): QrSaleResult => ({ type: 'qr-sale-result', id: sale.id, status: 'refused', reason, message });
  const terminal = await repo.getTerminal(context.storage.read, connected.id);
  if (!terminal || terminal.status !== 'active') return refused('till_not_active', 'this till is not active');
  const signed = qrSaleBody({ terminal: terminal.id, place: terminal.placeId, id: sale.id, code: sale.code, amount: sale.amount, asset: sale.asset });
  if (!verifyHash(nodeCrypto, terminal.publicKey, hashBody(nodeCrypto, signed), sale.sig)) return refused('till_signature', 'the sale is not signed by this till');
  const decoded = decodePayToken(sale.code);
  if (!decoded.ok) return refused('code_unreadable', decoded.reason);
  const { body, sig } = decoded.token;
  const wallet = (await repo.getWallets(context.storage.read, [body.wallet])).get(body.wallet);
  if (!wallet?.publicKey) return refused('wallet_without_key', 'this code names a wallet with no registered key');
  if (!verifyHash(nodeCrypto, wallet.publicKey, hashBody(nodeCrypto, body), sig)) return refused('code_forged', 'this code is not signed by its wallet’s key');
  const now = context.clock.now().getTime();
  const expires = Date.parse(body.expires);
  if (expires < now) return refused('code_expired', 'this code has expired: show a fresh one');
  if (expires > now + PAY_TOKEN_TTL_MS + CODE_CLOCK_SLACK_MS) return refused('code_unreadable', `a payment code lives ${PAY_TOKEN_TTL_MS / 1000} s`);

  let chosen: { asset: string; balance: number } | null = null;
  try {
    const outcome = await submitRequest(context, {
      source: { kind: 'wallet', wallet: body.wallet },
      idempotencyKey: body.nonce,
      kind: 'till-qr-sale',
      body: { ...signed, tillSig: sale.sig },
      needs: { wallets: [body.wallet], place: terminal.placeId },
      decide: (state, decision, id) => {
        chosen = spendAsset(state, body.wallet, terminal.placeId, sale.asset, sale.amount);
        if (!chosen) return refuse('asset_not_accepted', 'this place accepts none of the money of this wallet');
        return decideQrSale(state, { wallet: body.wallet, place: terminal.placeId, asset: chosen.asset, amount: sale.amount, request: id }, decision);
      },
    });
    return answer(sale, body.wallet, outcome, chosen);
  } catch (error) {
    if (error instanceof HubError && error.code === 'idempotency_conflict') return refused('code_used', 'this code was already used: show a fresh one');
    throw error;
  }
}

function answer(
  sale: QrSale,
  wallet: string,
  outcome: Awaited<ReturnType<typeof submitRequest>>,
  chosen: { asset: string; balance: number } | null,
): QrSaleResult {
  const base = { type: 'qr-sale-result' as const, id: sale.id, wallet, ...(chosen ? { asset: chosen.asset } : {}) };
  if (outcome.status === 'applied') {
    const paid = outcome.transfers[0]!;
    // A replayed answer was decided earlier: its balance then is not known now.
    return { ...base, asset: paid.asset, status: 'applied', ...(chosen && !outcome.replayed ? { balance: chosen.balance - sale.amount } : {}) };
  }
  const missing = outcome.reason === 'insufficient_funds' && chosen ? { missing: sale.amount - chosen.balance } : {};
  return { ...base, status: 'refused', reason: outcome.reason ?? 'invalid_amount', ...(outcome.message ? { message: outcome.message } : {}), ...missing };
}

/**
 * The asset a code pays with: the one the till names, else the first the place
 * accepts and the wallet holds enough of (SPEND_ORDER), else the accepted one
 * it holds most of, so the refusal names what is missing. Pure: read from the state.
 */
export function spendAsset(state: LedgerState, wallet: string, place: string, named: string | null, amount: number): { asset: string; balance: number } | null {
  if (named !== null) return { asset: named, balance: balanceOf(state, wallet, named) };
  const accepted = [...state.assets.values()]
    .filter((asset) => (SPEND_ORDER as readonly string[]).includes(asset.category) && placeAccepts(state, place, asset))
    .map((asset) => ({ asset: asset.id, category: asset.category, balance: balanceOf(state, wallet, asset.id) }))
    .sort((a, b) => SPEND_ORDER.indexOf(a.category as never) - SPEND_ORDER.indexOf(b.category as never));
  const enough = accepted.find((candidate) => candidate.balance >= amount);
  const fallback = [...accepted].sort((a, b) => b.balance - a.balance)[0];
  const pick = enough ?? fallback;
  return pick ? { asset: pick.asset, balance: pick.balance } : null;
}
