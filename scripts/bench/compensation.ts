/**
 * Place ↔ place compensation (issue 14.2) over a year of a 20-place federation in
 * a SQLite file: the twelve monthly runs (claims read, booked as CMP, each in its
 * transaction), beside the same run's floor — the bare grouped SUM over the same
 * month's sales that any run must read — measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { transferDeltas } from '@fedow/ledger';
import { buildHub, compensate, configFromEnv, monthPeriod, repo, verifyChain, type Hub, type NewTransfer } from '@fedow/hub';
import { report } from './report';

const PLACES = 20;
const WALLETS = 200;
const SALES_PER_PLACE_PER_DAY = 40;
const YEAR = 2025;
const TRANSFERS_PER_TRANSACTION = 5_000;
const FUNDING = 1_000_000_000;

interface Federation {
  id: string;
  places: { id: string; wallet: string; currency: string }[];
  fed: string;
  primary: string;
  wallets: string[];
}

export async function benchCompensation(): Promise<void> {
  const sales = PLACES * SALES_PER_PLACE_PER_DAY * 365;
  console.log(`\n== compensation over a year (SQLite file, ${PLACES} places, ${sales.toLocaleString('en-US')} sales)`);
  const dir = mkdtempSync(join(tmpdir(), 'fedow-bench-compensation-'));
  const config = configFromEnv({}, { databaseUrl: `sqlite:${join(dir, 'fedow.sqlite')}`, log: false, blockTransfersMax: 1_000_000_000, blockMsMax: 3_600_000 });
  const hub = await buildHub(config);
  try {
    const federation = await directory(hub);
    await fill(hub, federation);
    let floorMs = 0;
    let runsMs = 0;
    let payments = 0;
    for (let month = 1; month <= 12; month++) {
      const period = monthPeriod(`${YEAR}-${String(month).padStart(2, '0')}`);
      floorMs += await bareSum(hub, period);
      const start = performance.now();
      const outcome = await compensate(hub.context, { federation: federation.id, ...period });
      runsMs += performance.now() - start;
      if (outcome.status !== 'applied') throw new Error(`bench: run ${period.from} refused: ${outcome.message}`);
      payments = Math.max(payments, outcome.transfers.filter((transfer) => transfer.sender !== transfer.receiver && transfer.asset === federation.fed && federation.places.some((place) => place.wallet === transfer.receiver)).length);
    }
    const result = await verifyChain(hub.context);
    if (!result.ok) throw new Error(`bench: the chain does not verify after the runs: ${result.firstDiscrepancy?.message}`);
    report({ name: `12 monthly runs (${PLACES} places + federation, ≤ ${PLACES} payments each)`, value: runsMs, unit: 'ms', limit: floorMs, limitName: 'bare grouped SUM of the same months’ sales', better: 'lower' });
    console.log(`  a month: ${(runsMs / 12).toFixed(0)} ms per run; the most settlement payments in one run: ${payments}; fedow verify after: ${result.durationMs} ms for ${result.transfersChecked.toLocaleString('en-US')} transfers`);
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function directory(hub: Hub): Promise<Federation> {
  const { context } = hub;
  const at = `${YEAR}-01-01T00:00:00.000Z`;
  const id = context.newId();
  const places = Array.from({ length: PLACES }, () => ({ id: context.newId(), wallet: context.newId(), currency: context.newId() }));
  const wallets = Array.from({ length: WALLETS }, () => context.newId());
  await context.storage.transaction(async (tx) => {
    await repo.insertWallets(tx, [...places.map((place, index) => ({ id: place.wallet, kind: 'place' as const, name: `Lieu ${index + 1}` })), ...wallets.map((wallet) => ({ id: wallet, kind: 'ephemeral' as const }))]);
    for (const [index, place] of places.entries()) {
      await repo.insertPlace(tx, { id: place.id, name: `Lieu ${index + 1}`, walletId: place.wallet, offlinePolicy: '{}', createdAt: at, enrollUnknownCards: false });
      await repo.insertAsset(tx, { id: place.currency, name: `Monnaie ${index + 1}`, currencyCode: `M${index + 1}`, category: 'TLF', decimals: 2, originWalletId: place.wallet, createdAt: at });
    }
    await repo.insertFederation(tx, { id, name: 'Réseau', createdAt: at });
    await repo.addFederationPlaces(tx, id, places.map((place) => place.id));
    await repo.addFederationAssets(tx, id, places.map((place) => place.currency));
  });
  const fed = (await repo.listAssets(context.storage.read)).find((asset) => asset.category === 'FED')!.id;
  return { id, places, fed, primary: hub.identity.primaryWallet, wallets };
}

/**
 * Every wallet funded in every currency, then a year of sales: at each place, 70 %
 * in its own currency (no claim), 20 % in another place's, 10 % in FED — written
 * with their balances, as ingest would leave them.
 */
async function fill(hub: Hub, federation: Federation): Promise<void> {
  const { context } = hub;
  const rows: NewTransfer[] = [];
  const transfer = (action: NewTransfer['action'], sender: string, receiver: string, asset: string, amount: number, at: string): NewTransfer => ({
    id: context.newId(), action, senderWalletId: sender, receiverWalletId: receiver, assetId: asset, amount, cardId: null, primaryCardId: null, entryId: null, at, tillAt: null, meta: null,
  });
  const origins = [...federation.places.map((place) => ({ asset: place.currency, origin: place.wallet })), { asset: federation.fed, origin: federation.primary }];
  for (const { asset, origin } of origins) {
    for (const wallet of federation.wallets) rows.push(transfer('CRE', origin, origin, asset, FUNDING, `${YEAR}-01-01T00:00:00.000Z`), transfer('REF', origin, wallet, asset, FUNDING, `${YEAR}-01-01T00:00:00.000Z`));
  }
  let seed = 1;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const start = Date.UTC(YEAR, 0, 1);
  for (let day = 0; day < 365; day++) {
    for (const [index, place] of federation.places.entries()) {
      for (let sale = 0; sale < SALES_PER_PLACE_PER_DAY; sale++) {
        const draw = random();
        const other = federation.places[(index + 1 + Math.floor(random() * (PLACES - 1))) % PLACES]!;
        const asset = draw < 0.7 ? place.currency : draw < 0.9 ? other.currency : federation.fed;
        const at = new Date(start + day * 86_400_000 + Math.floor(random() * 86_400_000)).toISOString();
        rows.push(transfer('SAL', federation.wallets[Math.floor(random() * WALLETS)]!, place.wallet, asset, 100 + Math.floor(random() * 2_000), at));
      }
    }
  }
  const categories = new Map(origins.map(({ asset }) => [asset, asset === federation.fed ? ('FED' as const) : ('TLF' as const)]));
  for (let first = 0; first < rows.length; first += TRANSFERS_PER_TRANSACTION) {
    const batch = rows.slice(first, first + TRANSFERS_PER_TRANSACTION);
    await context.storage.transaction(async (tx) => {
      await repo.insertTransfers(tx, batch);
      const deltas = batch.flatMap((row) =>
        transferDeltas({ action: row.action, sender: row.senderWalletId, receiver: row.receiverWalletId, amount: row.amount }, categories.get(row.assetId)!, federation.primary).map(({ wallet, delta }) => ({ walletId: wallet, assetId: row.assetId, delta })),
      );
      await repo.applyBalanceDeltas(tx, deltas);
    });
  }
}

/** The floor: one grouped SUM of the month's sales per (place, asset), nothing else. */
async function bareSum(hub: Hub, period: { from: string; to: string }): Promise<number> {
  const start = performance.now();
  await hub.context.storage.read.all(
    sql`SELECT receiver_wallet_id, asset_id, sum(amount) FROM transfers WHERE action IN ('SAL', 'QRS') AND at >= ${period.from} AND at < ${period.to} GROUP BY receiver_wallet_id, asset_id`,
  );
  return performance.now() - start;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCompensation();
