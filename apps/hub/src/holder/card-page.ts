import { HOLDER_HISTORY_ROWS_MAX } from '@fedow/protocol';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { currentMelts, shownBalances, type MeltingBalance } from '../money/melt-policies';
import { timeSpentOfCard } from '../money/time-spent';

/** The card page lists this many days of time spent. */
const TIME_SPENT_DAYS_SHOWN = 14;

/** An asset as the page formats it: amounts in its own unit. */
export interface HolderAsset {
  id: string;
  name: string;
  code: string;
  category: string;
  decimals: number;
}

/** One line of history, in the terms the page puts into words. */
export interface HolderHistoryRow {
  id: string;
  action: string;
  at: string;
  asset: string;
  amount: number;
  direction: 'in' | 'out';
  /** The place of a sale or top-up by name; another user by e-mail only on the account page. */
  place: string | null;
  person: string | null;
  /** What was sold, from the till's entry: "Beer ×2". */
  lines: { label: string; qty: number }[];
}

export interface HolderCardPage {
  /** True when the card belongs to an account: its page then offers to sign in, not to link. */
  linked: boolean;
  /** Melted, as every balance shown anywhere (DECISIONS.md, "Melting currency"). */
  balances: Record<string, number>;
  /** Per melting asset: what melts next, and when. */
  melting: Record<string, MeltingBalance>;
  /** Days of time spent in a place (issue 14.4), minutes of a TIM asset; the card page's own, none on the account page. */
  timeSpent: { day: string; place: string; asset: string; minutes: number }[];
  memberships: { asset: string; validUntil: string; valid: boolean }[];
  /** A card in debt is refused at every till until the debt is settled at a cash desk. */
  debt: boolean;
  history: HolderHistoryRow[];
  assets: HolderAsset[];
}

const NO_PAGE = 'no card page at this address';

/**
 * A card by the UUID printed as its QR code, when it is not lost: unknown and lost
 * cards answer the same 404, so the page tells nothing about either.
 */
export async function liveCard(tx: Tx, qrcode: string): Promise<repo.Card> {
  const text = qrcode.trim().toLowerCase();
  const card = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text) ? await repo.findCard(tx, { qrcode: text }) : undefined;
  if (!card || card.lostAt !== null) throw new HubError('not_found', NO_PAGE, 404);
  return card;
}

/** What anyone holding the card's QR code reads: balances, memberships, debt and history, no e-mail. */
export async function cardPage(context: HubContext, qrcode: string): Promise<HolderCardPage> {
  const tx = context.storage.read;
  const card = await liveCard(tx, qrcode);
  const user = card.userId === null ? undefined : (await repo.getUsers(tx, [card.userId])).get(card.userId);
  const wallet = user?.walletId ?? card.ephemeralWalletId;
  const view = await walletPage(context, tx, wallet, { showPeople: false });
  const places = new Map((await repo.listPlaces(tx)).map((place) => [place.id, place.name]));
  const timeSpent = (await timeSpentOfCard(context, card.id, TIME_SPENT_DAYS_SHOWN)).map((row) => ({ ...row, place: places.get(row.place) ?? row.place }));
  return { linked: user !== undefined, ...view, timeSpent };
}

/** Balances, memberships and history of one wallet (none yet for a card never used). */
export async function walletPage(context: HubContext, tx: Tx, wallet: string | null, options: { showPeople: boolean }): Promise<Omit<HolderCardPage, 'linked' | 'timeSpent'>> {
  const assets = (await repo.listAssets(tx)).map((asset) => ({ id: asset.id, name: asset.name, code: asset.currencyCode, category: asset.category, decimals: asset.decimals }));
  if (wallet === null) return { balances: {}, melting: {}, memberships: [], debt: false, history: [], assets };
  const now = iso(context.clock.now());
  const { balances, melting } = shownBalances(await repo.loadWalletBalances(tx, [wallet]), await currentMelts(tx), now);
  const memberships = (await repo.loadMemberships(tx, [wallet])).map((row) => ({ asset: row.assetId, validUntil: row.validUntil, valid: row.validUntil > now }));
  const transfers = await repo.listWalletTransfers(tx, wallet, { limit: HOLDER_HISTORY_ROWS_MAX });
  return { balances, melting, memberships, debt: Object.values(balances).some((value) => value < 0), history: await historyOf(tx, wallet, transfers, options.showPeople), assets };
}

async function historyOf(tx: Tx, wallet: string, transfers: readonly repo.Transfer[], showPeople: boolean): Promise<HolderHistoryRow[]> {
  const others = transfers.map((transfer) => (transfer.senderWalletId === wallet ? transfer.receiverWalletId : transfer.senderWalletId));
  const kinds = await repo.getWallets(tx, others);
  const labels = await repo.walletLabels(tx, others);
  const entries = new Map((await repo.getEntriesByIds(tx, transfers.flatMap((transfer) => (transfer.entryId ? [transfer.entryId] : [])))).map((entry) => [entry.id, entry]));
  return transfers.map((transfer, index) => {
    const other = others[index]!;
    const kind = kinds.get(other)?.kind;
    return {
      id: transfer.id,
      action: transfer.action,
      at: transfer.at,
      asset: transfer.assetId,
      amount: transfer.amount,
      direction: transfer.senderWalletId === wallet && transfer.receiverWalletId !== wallet ? 'out' : 'in',
      place: kind === 'place' ? (labels.get(other) ?? null) : null,
      person: showPeople && kind === 'user' ? (labels.get(other) ?? null) : null,
      lines: saleLines(transfer.entryId ? entries.get(transfer.entryId)?.body : undefined),
    };
  });
}

/** The products of a till's sale, from the entry it signed; none for anything else. */
function saleLines(body: string | undefined): { label: string; qty: number }[] {
  if (body === undefined) return [];
  const parsed = JSON.parse(body) as { meta?: { lines?: { label: string; qty: number }[] } };
  return (parsed.meta?.lines ?? []).map((line) => ({ label: line.label, qty: line.qty }));
}
