import type { HubContext } from '../context';
import { iso } from '../clock';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import { bookedTotals, bookOpenings } from './openings';
import { planImport, type ImportPlan } from './plan';
import { readOriginal } from './read-original';
import { openSourceDb } from './source-db';
import { surveyNew, type NewRows } from './survey';
import { ASSET_DECIMALS, writeDirectory, type DirectoryCounts } from './write-directory';

export interface ImportOptions {
  dryRun: boolean;
  progress?: (done: number, total: number) => void;
}

export interface AssetTotal {
  asset: string;
  name: string;
  /** The asset's unit, to print amounts in. */
  code: string;
  decimals: number;
  /** Σ of the original's token values. */
  original: number;
  /** Σ of the opening balances recorded here, by every run. */
  booked: number;
}

export interface ImportReport {
  source: string;
  dryRun: boolean;
  /** What the original holds. */
  found: Record<keyof DirectoryCounts | 'openings', number>;
  /** What this run wrote (a dry run: would write). */
  imported: Record<keyof DirectoryCounts | 'openings', number>;
  totals: AssetTotal[];
  /** True when every asset's recorded opening balances equal the original's total. */
  totalsEqual: boolean;
  refused: { wallet: string; asset: string; amount: number; message: string }[];
  notes: string[];
}

/**
 * `fedow import-fedow <url>`: reads the original, maps it, refuses on a problem or
 * a clash before writing anything, writes the directory in one transaction, then
 * books the opening balances (one request each) and checks the totals.
 */
export async function importFedow(context: HubContext, url: string, options: ImportOptions): Promise<ImportReport> {
  const source = await openSourceDb(url);
  let plan: ImportPlan;
  try {
    plan = planImport(await readOriginal(source), await hubFacts(context));
  } finally {
    await source.close();
  }
  if (plan.problems.length > 0) throw new HubError('bad_request', `the original cannot be imported as it is: ${plan.problems.slice(0, 10).join('; ')}`);
  const found = countsOf(plan, plan);
  if (options.dryRun) {
    const rows = await surveyNew(context.storage.read, plan);
    return report(context, source.label, plan, found, { ...countsOf(plan, rows) }, [], true);
  }
  const at = iso(context.clock.now());
  const { rows, written } = await context.storage.transaction(async (tx) => {
    const rows = await surveyNew(tx, plan);
    return { rows, written: await writeDirectory(context, tx, plan, rows, at) };
  });
  const openings = await bookOpenings(context, rows.openings, options.progress);
  const refused = openings.refused.map(({ opening, message }) => ({ wallet: opening.from.wallet, asset: opening.from.asset, amount: opening.amount, message }));
  return report(context, source.label, plan, found, { ...written, openings: openings.booked }, refused, false);
}

function decimalsOf(asset: { category: string; decimals?: number }): number {
  return asset.decimals ?? (asset.category === 'BDG' ? 0 : ASSET_DECIMALS);
}

async function hubFacts(context: HubContext): Promise<{ primaryWallet: string; fedAsset: string }> {
  const tx = context.storage.read;
  const primary = await repo.getPrimaryWallet(tx);
  const fed = (await repo.listAssets(tx)).find((asset) => asset.category === 'FED');
  // Both are made at the hub's first start, which opening the context did.
  if (!primary || !fed) throw new Error('the hub has no primary wallet or no FED asset after its first start');
  return { primaryWallet: primary.id, fedAsset: fed.id };
}

function countsOf(plan: ImportPlan, rows: Pick<NewRows, 'wallets' | 'users' | 'places' | 'assets' | 'federations' | 'cards' | 'apiKeys' | 'openings'>): ImportReport['found'] {
  const cards = new Set(rows.cards.map((card) => card.id));
  return {
    wallets: rows.wallets.length,
    users: rows.users.length,
    places: rows.places.length,
    assets: rows.assets.length,
    federations: rows.federations.length,
    cards: rows.cards.length,
    primaryCards: plan.cards.filter((card) => cards.has(card.id) && card.primaryPlaces.length > 0).length,
    apiKeys: rows.apiKeys.length,
    walletKeys: rows.wallets.filter((wallet) => wallet.publicPem).length,
    openings: rows.openings.length,
  };
}

async function report(
  context: HubContext,
  source: string,
  plan: ImportPlan,
  found: ImportReport['found'],
  imported: ImportReport['imported'],
  refused: ImportReport['refused'],
  dryRun: boolean,
): Promise<ImportReport> {
  const booked = await bookedTotals(context);
  const stored = new Map((await repo.listAssets(context.storage.read)).map((asset) => [asset.id, asset]));
  const totals = [...plan.totals].map(([asset, original]) => {
    const known = stored.get(asset) ?? plan.assets.find((row) => row.id === asset);
    const unit = { name: known?.name ?? asset, code: known?.currencyCode ?? '', decimals: known ? decimalsOf(known) : 0 };
    return { asset, ...unit, original, booked: booked.get(asset) ?? 0 };
  });
  return { source, dryRun, found, imported, totals, totalsEqual: totals.every((total) => total.original === total.booked), refused, notes: plan.notes };
}
