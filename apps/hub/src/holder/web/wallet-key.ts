/**
 * The wallet's Ed25519 key, made and kept by this browser (localStorage): the hub
 * knows only its public half. It signs transfers and payment codes over hash(body),
 * as every signature of LEDGER.md.
 */
// Single modules, not the packages' indexes: the page's bundle then carries only the signing and the code's format.
import { hashBody, signHash } from '../../../../../packages/ledger/src/crypto';
import { nobleCrypto } from '../../../../../packages/ledger/src/crypto-noble';
import { fromHex, toHex } from '../../../../../packages/ledger/src/hex';
import type { PayTokenBody } from '../../../../../packages/protocol/src/pay-token';
import { encodePayToken, PAY_TOKEN_PURPOSE } from '../../../../../packages/protocol/src/pay-token-text';
import { PAY_TOKEN_TTL_MS } from '../../../../../packages/protocol/src/limits';
import type { WALLET_REQUEST_PURPOSE, WalletRequest } from '../../../../../packages/protocol/src/wallet';

// wallet.ts holds its schemas too (zod): its constant is typed from there, so a change there fails here.
const TRANSFER_PURPOSE: typeof WALLET_REQUEST_PURPOSE = 'fedow-wallet-request';

const STORAGE = 'fedow-wallet-key:';

export interface WalletKey {
  wallet: string;
  secret: Uint8Array;
  publicKey: string;
}

/** This browser's key for the wallet, made on first use. */
export function walletKey(wallet: string): WalletKey {
  let seed = localStorage.getItem(STORAGE + wallet);
  if (seed === null || !/^[0-9a-f]{64}$/.test(seed)) {
    seed = toHex(crypto.getRandomValues(new Uint8Array(32)));
    localStorage.setItem(STORAGE + wallet, seed);
  }
  const secret = fromHex(seed);
  return { wallet, secret, publicKey: toHex(nobleCrypto.publicKey(secret)) };
}

function nonce(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/** The text of a payment QR code: this wallet agrees to pay once, within 60 seconds. */
export function payToken(key: WalletKey, nowMs: number): { text: string; expiresMs: number } {
  const expiresMs = nowMs + PAY_TOKEN_TTL_MS;
  const body: PayTokenBody = { purpose: PAY_TOKEN_PURPOSE, v: 1, wallet: key.wallet, nonce: nonce(), expires: new Date(expiresMs).toISOString() };
  const sig = signHash(nobleCrypto, key.secret, hashBody(nobleCrypto, body));
  return { text: encodePayToken({ body, sig }), expiresMs };
}

/** A transfer signed by the sender's key; the hub then asks for the e-mailed code. */
export function signedTransfer(key: WalletKey, fields: { to: string; asset: string; amount: number }, nowMs: number): WalletRequest {
  const body = {
    purpose: TRANSFER_PURPOSE,
    v: 1 as const,
    wallet: key.wallet,
    kind: 'TRF' as const,
    asset: fields.asset,
    amount: fields.amount,
    to: fields.to,
    nonce: nonce(),
    expires: new Date(nowMs + 4 * 60_000).toISOString(),
  };
  return { body, sig: signHash(nobleCrypto, key.secret, hashBody(nobleCrypto, body)) };
}
