/**
 * `fedow verify` and the sealer on ~50,000 transfers in a SQLite file, each beside
 * the same ceiling: raw SHA-256 of the same canonical transfer bodies on this
 * machine, measured in the same run (hashing is the part of both that cannot go
 * away: everything else — reads, JCS, signatures, replay — is overhead on it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOCK_TRANSFERS_MAX } from '@fedow/protocol';
import { canonicalize, transferDeltas, transferHashBody, ZERO_HASH } from '@fedow/ledger';
import { buildHub, configFromEnv, repo, sealNextBlock, transferRecord, verifyChain, type Hub, type NewTransfer } from '@fedow/hub';
import { report } from './report';

const TRANSFERS = 50_000;
const WALLETS = 1_000;
const TRANSFERS_PER_TRANSACTION = 5_000;
const AT = '2026-07-14T21:03:07.412Z';

export async function benchVerify(): Promise<void> {
  console.log(`\n== fedow verify and the sealer (SQLite file, ${TRANSFERS.toLocaleString('en-US')} transfers)`);
  const dir = mkdtempSync(join(tmpdir(), 'fedow-bench-verify-'));
  // The hub's own sealer (when app.ts loads it) must stay out of the measurement.
  const config = configFromEnv({}, { databaseUrl: `sqlite:${join(dir, 'fedow.sqlite')}`, log: false, blockTransfersMax: 1_000_000_000, blockMsMax: 3_600_000 });
  const hub = await buildHub(config);
  try {
    await fill(hub);
    const sealStart = performance.now();
    let sealed = 0;
    for (let block = await sealNextBlock(hub.context, BLOCK_TRANSFERS_MAX, true); block; block = await sealNextBlock(hub.context, BLOCK_TRANSFERS_MAX, true)) sealed += block.transfers;
    const sealPerSecond = sealed / ((performance.now() - sealStart) / 1_000);
    const result = await verifyChain(hub.context);
    if (!result.ok) throw new Error(`bench: the chain does not verify: ${result.firstDiscrepancy?.message}`);
    const verifyPerSecond = result.transfersChecked / (result.durationMs / 1_000);
    const limit = await rawHashing(hub);
    const limitName = 'raw SHA-256 of the same canonical bodies, 1 core';
    report({ name: `fedow verify (${result.transfersChecked} transfers, ${result.blocksChecked} blocks)`, value: verifyPerSecond, unit: 'transfers/s', limit, limitName, better: 'higher' });
    report({ name: `sealer (blocks of ${BLOCK_TRANSFERS_MAX}, one transaction each)`, value: sealPerSecond, unit: 'transfers/s', limit, limitName, better: 'higher' });
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A place, a local asset, WALLETS card wallets topped up (CRE+REF), then sales to the place, balances included. */
async function fill(hub: Hub): Promise<void> {
  const { context } = hub;
  const placeWallet = context.newId();
  const asset = context.newId();
  const wallets = Array.from({ length: WALLETS }, () => context.newId());
  await context.storage.transaction(async (tx) => {
    await repo.insertWallets(tx, [{ id: placeWallet, kind: 'place', name: 'Bench bar' }, ...wallets.map((id) => ({ id, kind: 'ephemeral' as const }))]);
    await repo.insertAsset(tx, { id: asset, name: 'Bench money', currencyCode: 'BEN', category: 'TLF', decimals: 2, originWalletId: placeWallet, createdAt: AT });
  });
  const transfer = (action: NewTransfer['action'], sender: string, receiver: string, amount: number): NewTransfer => ({
    id: context.newId(),
    action,
    senderWalletId: sender,
    receiverWalletId: receiver,
    assetId: asset,
    amount,
    cardId: null,
    primaryCardId: null,
    entryId: null,
    at: AT,
    tillAt: null,
    meta: action === 'SAL' ? JSON.stringify({ lines: [{ label: 'Bière pression', qty: 1, unit: 350 }] }) : null,
  });
  const rows: NewTransfer[] = [];
  for (const wallet of wallets) rows.push(transfer('CRE', placeWallet, placeWallet, 1_000_000), transfer('REF', placeWallet, wallet, 1_000_000));
  for (let index = 0; rows.length < TRANSFERS - 1; index++) rows.push(transfer('SAL', wallets[index % WALLETS]!, placeWallet, 350));
  for (let start = 0; start < rows.length; start += TRANSFERS_PER_TRANSACTION) {
    const batch = rows.slice(start, start + TRANSFERS_PER_TRANSACTION);
    await context.storage.transaction(async (tx) => {
      await repo.insertTransfers(tx, batch);
      const deltas = batch.flatMap((row) => transferDeltas({ action: row.action, sender: row.senderWalletId, receiver: row.receiverWalletId, amount: row.amount }, 'TLF', hub.identity.primaryWallet));
      await repo.applyBalanceDeltas(tx, deltas.map(({ wallet, delta }) => ({ walletId: wallet, assetId: asset, delta })));
    });
  }
}

/** SHA-256 over the canonical bytes of every stored transfer's hash body, repeated for at least 500 ms. */
async function rawHashing(hub: Hub): Promise<number> {
  const bodies: Buffer[] = [];
  for (let page = await repo.listTransfersAfter(hub.context.storage.read, 0, 10_000); page.length > 0; ) {
    for (const row of page) bodies.push(Buffer.from(canonicalize(transferHashBody(transferRecord(row), row.hash ?? ZERO_HASH))));
    page = await repo.listTransfersAfter(hub.context.storage.read, page.at(-1)!.seq, 10_000);
  }
  let hashed = 0;
  const start = performance.now();
  while (performance.now() - start < 500) {
    for (const body of bodies) createHash('sha256').update(body).digest();
    hashed += bodies.length;
  }
  return hashed / ((performance.now() - start) / 1_000);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchVerify();
