import { decideMelt, type LedgerState } from '@fedow/ledger';
import { MELT_MONTH_DAYS, type MeltPolicy, type MeltRule } from '@fedow/protocol';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { loadBalanceRows, loadWorkingSet } from '../ingest/working-set';
import { lockLedger } from '../storage/ledger-lock';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { currentMelts } from './melt-policies';
import { applyRequest, type RequestBody, type RequestEnv } from './submit';

/**
 * The melt sweep (DECISIONS.md, "Melting currency"): books what melted on the
 * balances nobody touched, a page of balances per request (source `hub`), on
 * the same path as every movement, so `fedow verify` replays each melt.
 */

export interface SweepResult {
  requests: number;
  melts: number;
  melted: number;
}

const SWEEP_PAGE = 2_000;
const DAY_MS = 86_400_000;

/** The shortest inactivity before a rule takes anything: balances active since then are not read. */
export function thresholdDays(rule: MeltRule): number {
  return rule.rule === 'rate' ? rule.afterDays : rule.afterMonths * MELT_MONTH_DAYS;
}

/**
 * Books every melt due now, asset by asset, one transaction per page: the page
 * is read once, under the ledger's lock, and the same rows are what the rule
 * decides on. Idempotent per page and time: a rerun of the same sweep books nothing twice.
 */
export async function sweepMelts(context: HubContext, pageSize = SWEEP_PAGE): Promise<SweepResult> {
  const at = iso(context.clock.now());
  const result: SweepResult = { requests: 0, melts: 0, melted: 0 };
  for (const policy of (await currentMelts(context.storage.read)).values()) {
    const activeBefore = new Date(Date.parse(at) - thresholdDays(policy.rule!) * DAY_MS + 1).toISOString();
    let cursor: repo.MeltCursor | null = repo.MELT_CURSOR_START;
    for (let page = 0; cursor !== null; page++) {
      const range: PageRange = { activeBefore, cursor, pageSize, key: `melt:${policy.asset}:${at}:${page}` };
      const swept = await context.storage.transaction((tx) => sweepPage(tx, { at: iso(context.clock.now()), newId: context.newId }, policy.asset, range));
      if (swept.change) context.events.emit('cards-changed', swept.change);
      cursor = swept.next;
      if (swept.melts.length > 0) result.requests++;
      result.melts += swept.melts.length;
      result.melted += swept.melts.reduce((sum, amount) => sum + amount, 0);
    }
  }
  return result;
}

interface PageRange {
  activeBefore: string;
  cursor: repo.MeltCursor;
  pageSize: number;
  key: string;
}

interface SweptPage {
  /** The amounts booked. */
  melts: number[];
  /** Where the next page starts; null after the last one. */
  next: repo.MeltCursor | null;
  change: { cardIds: string[]; cursor: number } | null;
}

/**
 * One page: read, decided and booked in the caller's transaction. The rule
 * decides on every balance read (most of a steady sweep's are not due, having
 * melted this month already) and computes each due amount once; a page where
 * nothing is due stores no request.
 */
async function sweepPage(tx: Tx, env: RequestEnv, asset: string, range: PageRange): Promise<SweptPage> {
  await lockLedger(tx);
  const rows = await repo.listMeltCandidates(tx, asset, range.activeBefore, range.cursor, range.pageSize);
  const last = rows.at(-1);
  const next = rows.length < range.pageSize || !last ? null : { activeAt: last.activeAt, walletId: last.walletId };
  const state = await pageState(tx, rows, asset);
  const policy = state.melts.get(asset);
  // The policy stopped (or changed) since the sweep began: what is left is the next sweep's.
  if (!policy || rows.length === 0) return { melts: [], next: policy ? next : null, change: null };
  const wallets = rows.map((row) => row.walletId);
  const { outcome, change } = await applyRequest(
    tx,
    env,
    {
      source: { kind: 'hub' },
      idempotencyKey: range.key,
      kind: 'melt',
      body: pageBody(asset, policy.id, range.cursor, rows),
      needs: { wallets },
      meltFirst: false,
      // 2,000 summaries (~460 KB) per page would cost a quarter more bytes written than the transfers themselves.
      storeTransfers: false,
      storeEmpty: false,
      decide: (decided: LedgerState, decision, request) => decideMelt(decided, wallets.map((wallet) => ({ wallet, asset })), decision, request),
    },
    state,
  );
  return { melts: outcome.replayed ? [] : outcome.transfers.map((transfer) => transfer.amount), next, change };
}

/**
 * What a page's request says it read: the index range (after the cursor, through
 * its last row) and how many balances, not their 2,000 ids (~80 KB a page, stored
 * for every page where one balance was due); its transfers name the balances melted.
 */
function pageBody(asset: string, policy: string, cursor: repo.MeltCursor, rows: readonly repo.MeltCandidate[]): RequestBody {
  const last = rows.at(-1)!;
  return {
    asset,
    policy,
    afterActiveAt: cursor.activeAt,
    afterWallet: cursor.walletId,
    throughActiveAt: last.activeAt,
    throughWallet: last.walletId,
    balances: rows.length,
  };
}

/** The ledger state of one page: the directory and the policies in force, and the page's own balances. */
async function pageState(tx: Tx, rows: readonly repo.MeltCandidate[], asset: string): Promise<LedgerState> {
  const state = await loadWorkingSet(tx, '', []);
  for (const row of rows) state.wallets.set(row.walletId, { id: row.walletId, kind: row.kind, name: null, publicKey: null });
  loadBalanceRows(
    state,
    rows.map((row) => ({ walletId: row.walletId, assetId: asset, value: row.value, activeAt: row.activeAt, melted: row.melted })),
  );
  return state;
}
