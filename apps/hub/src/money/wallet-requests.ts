import { decideQrSale, decideTransfer, hashBody, verifyHash } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { WALLET_REQUEST_TTL_MS, type WalletRequest } from '@fedow/protocol';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { submitRequest, type MoneyRequest, type RequestOutcome } from './submit';

/**
 * A card holder's signed request (DESIGN.md: the `wallet` source): a transfer to
 * another user (`TRF`) or a payment to a place (`QRS`). The wallet's registered
 * Ed25519 key must have signed hash(body); the body must not have expired nor be
 * dated further ahead than its lifetime; its nonce is the idempotency key, so a
 * code is applied once and a replay gets the first answer. A forged, expired or
 * unsigned request is refused before anything is stored. A transfer also needs
 * the code e-mailed to its sender (holder/transfers.ts checks it, then calls this
 * with `emailCode: true`): a stolen key alone moves nothing to another user.
 */
export async function submitWalletRequest(context: HubContext, request: WalletRequest, confirmation: WalletConfirmation = { emailCode: false }): Promise<RequestOutcome> {
  await checkWalletRequest(context, request);
  const { body, sig } = request;
  if (body.kind === 'TRF' && !confirmation.emailCode) {
    throw new HubError('confirmation_required', 'a transfer is confirmed with the code e-mailed to its sender: send it from the card holder’s page');
  }
  return submitRequest(context, walletMoneyRequest(request));
}

/** The request on the one path: the nonce is its idempotency key, the body is stored with its signature. */
export function walletMoneyRequest(request: WalletRequest): MoneyRequest {
  const { body, sig } = request;
  return {
    source: { kind: 'wallet', wallet: body.wallet },
    idempotencyKey: body.nonce,
    kind: body.kind === 'TRF' ? 'transfer' : 'qr-sale',
    body: { ...body, sig },
    needs: { wallets: [body.wallet, ...(body.to ? [body.to] : [])], place: body.place },
    decide: (state, decision, id) =>
      body.kind === 'TRF'
        ? decideTransfer(state, { sender: body.wallet, receiver: body.to!, asset: body.asset, amount: body.amount, request: id }, decision)
        : decideQrSale(state, { wallet: body.wallet, place: body.place!, asset: body.asset, amount: body.amount, request: id }, decision),
  };
}

/** Whether the request's second factor was checked: a TRF needs the sender's e-mailed code (issue 12). */
export interface WalletConfirmation {
  emailCode: boolean;
}

/** The wallet's registered key signed hash(body), and the body lives now: else a typed refusal, nothing stored. */
export async function checkWalletRequest(context: HubContext, request: WalletRequest): Promise<void> {
  const { body, sig } = request;
  const wallet = (await repo.getWallets(context.storage.read, [body.wallet])).get(body.wallet);
  if (!wallet?.publicKey) throw new HubError('unauthorized', 'this wallet has no registered key: sign in on the card holder’s page first');
  if (!verifyHash(nodeCrypto, wallet.publicKey, hashBody(nodeCrypto, body), sig)) throw new HubError('unauthorized', 'the signature does not match the wallet’s key');
  const now = context.clock.now().getTime();
  const expires = Date.parse(body.expires);
  if (expires < now) throw new HubError('expired', `this code expired at ${body.expires}: show a fresh one`);
  if (expires > now + WALLET_REQUEST_TTL_MS) throw new HubError('bad_request', `a signed request lives at most ${WALLET_REQUEST_TTL_MS / 60_000} minutes`);
}

export async function registerWalletKey(context: HubContext, walletId: string, publicKey: string): Promise<{ wallet: string; publicKey: string }> {
  return context.storage.transaction(async (tx) => {
    const wallet = (await repo.getWallets(tx, [walletId])).get(walletId);
    if (!wallet) throw new HubError('not_found', `unknown wallet ${walletId}`);
    if (wallet.kind !== 'user') throw new HubError('wrong_wallet_kind', `only a user's wallet signs requests, not a ${wallet.kind} wallet`);
    const owner = await repo.getWalletByPublicKey(tx, publicKey);
    if (owner && owner.id !== walletId) throw new HubError('conflict', 'this key belongs to another wallet');
    await repo.setWalletPublicKey(tx, walletId, publicKey);
    return { wallet: walletId, publicKey };
  });
}
