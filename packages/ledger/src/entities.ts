import type { AssetCategory, OfflinePolicy, TransferAction } from '@fedow/protocol';

export type WalletKind = 'user' | 'place' | 'primary' | 'ephemeral';

export interface Wallet {
  id: string;
  kind: WalletKind;
  name: string | null;
  /** Ed25519 public key (hex) of the wallet's owner, for signed transfers (TRF, QRS). */
  publicKey: string | null;
}

export interface User {
  id: string;
  email: string;
  wallet: string;
}

export interface Federation {
  id: string;
  name: string;
  description: string;
  places: string[];
  assets: string[];
}

export interface Place {
  id: string;
  name: string;
  description: string;
  wallet: string;
  enrollUnknownCards: boolean;
  policy: OfflinePolicy;
}

export interface Asset {
  id: string;
  name: string;
  currencyCode: string;
  category: AssetCategory;
  decimals: number;
  /** The origin wallet: a place's wallet, or the primary wallet for FED. */
  origin: string;
  archived: boolean;
  createdAt: string;
  /** SUB only: how long one membership sale is valid. */
  membershipDays: number | null;
}

export interface Card {
  id: string;
  /** First 4 UID bytes, uppercase hex: the key compatible with TiBillet. */
  firstTagId: string;
  /** The full UID when a reader gave it (4, 7 or 10 bytes, uppercase hex). */
  uid: string | null;
  qrcode: string | null;
  numberPrinted: string | null;
  batch: string | null;
  user: string | null;
  ephemeralWallet: string | null;
  /** Places for which this card opens a cashier session. */
  primaryFor: string[];
  lostAt: string | null;
}

export interface Membership {
  wallet: string;
  asset: string;
  start: string;
  validUntil: string;
}

/** A ledger movement as the rules produce it; the hub adds seq, hash and block. */
export interface TransferDraft {
  id: string;
  action: TransferAction;
  sender: string;
  receiver: string;
  asset: string;
  amount: number;
  card: string | null;
  primaryCard: string | null;
  /** The entry it came from (a till's entry id, or an API request id). */
  entry: string | null;
  /** Hub time. */
  at: string;
  /** The till's clock, when it came from a till. */
  tillAt: string | null;
  meta: Record<string, unknown> | null;
}

/** First 4 bytes of a UID: TiBillet's `first_tag_id`. */
export function firstTagIdOf(uid: string): string {
  return uid.slice(0, 8).toUpperCase();
}

export function balanceKey(wallet: string, asset: string): string {
  return `${wallet}:${asset}`;
}
