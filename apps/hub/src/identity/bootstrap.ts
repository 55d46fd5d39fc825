import { createHash, randomBytes } from 'node:crypto';
import { genesisBlock, genesisHash } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { iso, type Clock } from '../clock';
import { recordFirst } from '../money/first';
import * as repo from '../storage/repo';
import type { Storage } from '../storage/types';
import type { HubKey } from './key-file';

export const FED_ASSET_NAME = 'Euro fédéré';
/** The name of the admin token made at first start. */
export const FIRST_TOKEN_NAME = 'first start';

export interface Identity {
  genesis: string;
  primaryWallet: string;
  /** Only on first start: the operator token, shown once and stored hashed. */
  operatorToken: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newOperatorToken(): string {
  return `fedow_${randomBytes(24).toString('base64url')}`;
}

/**
 * On first start, in one transaction: the hub identity, the primary wallet, the
 * genesis block, the FED asset with its FST transfer, and an operator token.
 * Later starts check that the key still matches the database.
 */
export async function bootstrapIdentity(storage: Storage, key: HubKey, clock: Clock, newId: () => string): Promise<Identity> {
  const existing = await repo.getHubIdentity(storage.read);
  if (existing) {
    if (existing.publicKey !== key.publicKey) {
      throw new Error(`the hub key (${key.source}) does not match this database: it was created by hub ${existing.publicKey.slice(0, 16)}…`);
    }
    const primary = await repo.getPrimaryWallet(storage.read);
    if (!primary) throw new Error('the database has a hub identity but no primary wallet');
    return { genesis: existing.genesis, primaryWallet: primary.id, operatorToken: null };
  }
  const createdAt = iso(clock.now());
  const genesis = genesisHash(nodeCrypto, key.publicKey, createdAt);
  const primaryWallet = newId();
  const operatorToken = newOperatorToken();
  await storage.transaction(async (tx) => {
    const identity = await repo.initHubIdentity(tx, { publicKey: key.publicKey, genesis, createdAt });
    if (identity.publicKey !== key.publicKey) throw new Error('another hub process initialised this database with another key');
    await repo.insertWallets(tx, [{ id: primaryWallet, kind: 'primary', name: 'primary', publicKey: null }]);
    const block = genesisBlock(nodeCrypto, key.secretKey, key.publicKey, createdAt);
    await repo.insertBlock(tx, { height: block.height, prev: block.prev, firstSeq: block.firstSeq, lastSeq: block.lastSeq, head: block.head, sealedAt: block.sealedAt, hash: block.hash, sig: block.sig });
    const fed = { id: newId(), name: FED_ASSET_NAME, currencyCode: 'EUR', category: 'FED' as const, decimals: 2, originWalletId: primaryWallet, archived: false, createdAt, membershipDays: null };
    await repo.insertAsset(tx, fed);
    await recordFirst(tx, { at: createdAt, newId }, { kind: 'hub' }, fed);
    await repo.insertOperatorToken(tx, { hash: hashToken(operatorToken), label: FIRST_TOKEN_NAME, role: 'admin', createdAt });
  });
  return { genesis, primaryWallet, operatorToken };
}

