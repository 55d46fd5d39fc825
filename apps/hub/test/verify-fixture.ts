/**
 * Test data for the sealer and `fedow verify`: a place, a local asset, one till
 * with a signed entry chain, decided by the ledger's own rules (MemoryLedger) and
 * written with the repository, so every invariant holds before a test breaks one.
 * (Ingest is not used: it is written at the same time, and these tests must not
 * depend on it.)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntryBody } from '@fedow/protocol';
import { DEFAULT_OFFLINE_POLICY } from '@fedow/protocol';
import { canonicalize, hashBody, MemoryLedger, publicKeyHex, signBody, type TransferDraft } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { buildHub, type Hub, type HubOptions } from '../src/app';
import { configFromEnv, type HubConfig } from '../src/config';
import { toAssetRow } from '../src/ingest/working-set';
import { transferRow } from '../src/ingest/persist';
import * as repo from '../src/storage/repo';
import type { NewEntry } from '../src/storage/rows';
import type { Tx } from '../src/storage/types';

export const AT = '2026-07-14T21:03:07.412Z';
const CASHIER_UID = 'CA5A0001';
const DEBTOR_UID = 'DEB70001';

/**
 * Limits that keep the hub's own sealer (once app.ts loads sealerPlugin) out of the
 * way: tests drive their own Sealer, or sealNow, with the limits they check.
 */
export const QUIET_SEALER = { blockTransfersMax: 1_000_000, blockMsMax: 3_600_000 } as const;

/** Hubs on fresh SQLite files in temporary directories (the key file beside each database), closed by closeAll. */
export function tempHubs() {
  const dirs: string[] = [];
  const hubs: Hub[] = [];
  return {
    dir(): string {
      const dir = mkdtempSync(join(tmpdir(), 'fedow-verify-'));
      dirs.push(dir);
      return dir;
    },
    async open(databaseUrl: string, overrides: Partial<HubConfig> = {}, options: HubOptions = {}): Promise<Hub> {
      const hub = await buildHub(configFromEnv({}, { databaseUrl, log: false, ...QUIET_SEALER, ...overrides }), options);
      hubs.push(hub);
      return hub;
    },
    async closeAll(): Promise<void> {
      for (const hub of hubs.splice(0)) await hub.close();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Seeded {
  place: string;
  placeWallet: string;
  asset: string;
  terminal: string;
  terminalName: string;
  /** The wallet an offline sale drove into debt. */
  debtor: string;
  /** Transfers written (the asset's FST included; the hub's own FED FST is not). */
  transfers: number;
  entries: number;
}

export interface SeedOptions {
  cards: number;
  salesPerCard: number;
}

/**
 * Writes, in one transaction: a place and its wallet, a TLF asset (FST), a till,
 * and a signed entry chain — a top-up per card (CRE+REF), sales, one online sale
 * refused for insufficient funds (a rejected entry), and one offline sale that
 * puts a card into debt (invariant 5 holds: the sale is offline-authorised).
 */
export async function seedLedger(hub: Hub, options: SeedOptions): Promise<Seeded> {
  const { context, identity } = hub;
  const ledger = new MemoryLedger(() => context.newId(), identity.primaryWallet);
  const place = ledger.addPlace({ name: `Bar ${context.newId().slice(-6)}` });
  const asset = ledger.addAsset({ name: 'Jeton', category: 'TLF', origin: place.wallet }, AT);
  ledger.addCard(CASHIER_UID, { primaryFor: [place.id] });
  ledger.addCard(DEBTOR_UID);
  const uids = Array.from({ length: options.cards }, (_, index) => (0x04000000 + index).toString(16).toUpperCase().padStart(8, '0'));
  for (const uid of uids) ledger.addCard(uid);
  const till = newTill(context.newId(), place.id);
  for (const uid of uids) till.append(ledger, { kind: 'REF', card: uid, amount: 10_000, asset: asset.id });
  for (let round = 0; round < options.salesPerCard; round++) {
    for (const uid of uids) till.append(ledger, { kind: 'SAL', card: uid, amount: 100 + round, asset: asset.id });
  }
  till.append(ledger, { kind: 'SAL', card: uids[0] ?? DEBTOR_UID, amount: 1_000_000, asset: asset.id });
  till.append(ledger, { kind: 'SAL', card: DEBTOR_UID, amount: 400, asset: asset.id, auth: 'offline' });
  const rejected = till.rows.filter((row) => row.status === 'rejected');
  // Only the online sale beyond the balance is refused: anything else means the fixture is wrong.
  if (rejected.length !== 1 || rejected[0]!.reason !== 'insufficient_funds') throw new Error(`fixture: unexpected refusals ${JSON.stringify(rejected.map((row) => row.reason))}`);
  const debtor = ledger.state.cards.get(ledger.state.cardByTag.get(DEBTOR_UID)!)!.ephemeralWallet!;
  await context.storage.transaction(async (tx) => {
    await writeDirectory(tx, ledger, place.id);
    await repo.insertTerminal(tx, {
      id: till.id,
      placeId: place.id,
      name: till.name,
      publicKey: till.publicKey,
      genesis: till.genesis,
      lastSeq: till.rows.length,
      lastHash: till.rows.at(-1)?.hash ?? till.genesis,
      createdAt: AT,
    });
    const stored = await repo.insertEntries(tx, till.rows);
    if (stored.skipped.length > 0) throw new Error('fixture: entries clashed');
    await writeTransfers(tx, ledger.transfers);
    await repo.applyBalanceDeltas(
      tx,
      [...ledger.state.balances].map(([key, value]) => {
        const [walletId, assetId] = key.split(':');
        return { walletId: walletId!, assetId: assetId!, delta: value };
      }),
    );
  });
  return {
    place: place.id,
    placeWallet: place.wallet,
    asset: asset.id,
    terminal: till.id,
    terminalName: till.name,
    debtor,
    transfers: ledger.transfers.length,
    entries: till.rows.length,
  };
}

/** Plain transfers from `sender` to `receiver`, without entries (an operator's moves), balances included. */
export async function writeOperatorTransfers(hub: Hub, asset: string, sender: string, receiver: string, count: number): Promise<void> {
  const { context } = hub;
  const transfers: TransferDraft[] = Array.from({ length: count }, () => ({
    id: context.newId(),
    action: 'COR',
    sender,
    receiver,
    asset,
    amount: 1,
    card: null,
    primaryCard: null,
    entry: null,
    at: AT,
    tillAt: null,
    meta: { note: 'fixture' },
  }));
  await context.storage.transaction(async (tx) => {
    await writeTransfers(tx, transfers);
    // COR to a wallet other than the primary credits the receiver (LEDGER.md).
    await repo.applyBalanceDeltas(tx, [{ walletId: receiver, assetId: asset, delta: count }]);
  });
}

interface Till {
  id: string;
  name: string;
  publicKey: string;
  genesis: string;
  rows: NewEntry[];
  append(ledger: MemoryLedger, fields: Pick<EntryBody, 'kind' | 'card' | 'amount' | 'asset'> & { auth?: EntryBody['auth'] }): void;
}

function newTill(id: string, place: string): Till {
  const secretKey = new Uint8Array(randomBytes(32));
  const genesis = hashBody(nodeCrypto, { purpose: 'fixture-terminal', id });
  const rows: NewEntry[] = [];
  let prev = genesis;
  return {
    id,
    name: `till ${id.slice(-4)}`,
    publicKey: publicKeyHex(nodeCrypto, secretKey),
    genesis,
    rows,
    append(ledger, fields) {
      const seq = rows.length + 1;
      const body: EntryBody = {
        v: 1,
        id: `0192f3a4-5b6c-7d8e-9f00-${id.slice(-4)}${seq.toString(16).padStart(8, '0')}`,
        terminal: id,
        seq,
        prev,
        at: AT,
        kind: fields.kind,
        asset: fields.asset,
        amount: fields.amount,
        card: fields.card,
        primary: CASHIER_UID,
        auth: fields.auth ?? 'online',
      };
      const signed = signBody(nodeCrypto, secretKey, body);
      const decision = ledger.applyEntry(body, { place, policy: DEFAULT_OFFLINE_POLICY }, AT);
      if (decision === 'duplicate') throw new Error('fixture: duplicate entry');
      rows.push({
        id: body.id,
        terminalId: id,
        seq,
        prev,
        hash: signed.hash,
        sig: signed.sig,
        body: canonicalize(body),
        receivedAt: AT,
        status: decision.ok ? 'applied' : 'rejected',
        reason: decision.ok ? null : decision.code,
      });
      prev = signed.hash;
    },
  };
}

/** Wallets, the place, assets and cards of the in-memory ledger (the hub's primary wallet exists already). */
async function writeDirectory(tx: Tx, ledger: MemoryLedger, placeId: string): Promise<void> {
  const { state } = ledger;
  await repo.insertWallets(
    tx,
    [...state.wallets.values()].filter((wallet) => wallet.kind !== 'primary').map((wallet) => ({ id: wallet.id, kind: wallet.kind, name: wallet.name, publicKey: wallet.publicKey })),
  );
  const place = state.places.get(placeId)!;
  await repo.insertPlace(tx, { id: place.id, name: place.name, walletId: place.wallet, offlinePolicy: JSON.stringify(place.policy), createdAt: AT });
  for (const asset of state.assets.values()) {
    await repo.insertAsset(tx, toAssetRow(asset));
  }
  const cards = [...state.cards.values()];
  await repo.insertCards(
    tx,
    cards.map((card) => ({ id: card.id, firstTagId: card.firstTagId, uid: card.uid, qrcode: null, numberPrinted: null, batchId: null, userId: null, ephemeralWalletId: card.ephemeralWallet, lostAt: card.lostAt })),
  );
  await repo.addCardPrimaryPlaces(tx, placeId, cards.filter((card) => card.primaryFor.includes(placeId)).map((card) => card.id));
}

async function writeTransfers(tx: Tx, transfers: readonly TransferDraft[]): Promise<void> {
  await repo.insertTransfers(tx, transfers.map((transfer) => transferRow(transfer)));
}
