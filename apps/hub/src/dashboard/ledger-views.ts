/** The chain, the entries behind an alert and a card's page, as the dashboard shows them. */
import type { HubContext } from '../context';
import { showCard } from '../directory/cards';
import * as repo from '../storage/repo';
import type { BlockRow, CardPage, ChainReport, AuditLink, EntriesLink, EntryRow, VerifyState } from './views';
import { timeSpentOfCard } from '../money/time-spent';

export const BLOCKS_SHOWN = 20;
export const ENTRIES_SHOWN_MAX = 100;
export const CARD_TRANSFERS_SHOWN = 50;

export async function chainReport(context: HubContext, running: VerifyState | null): Promise<ChainReport> {
  const tx = context.storage.read;
  const blocks = await repo.listLatestBlocks(tx, BLOCKS_SHOWN);
  const counts = await repo.countTransfersOfBlocks(tx, blocks);
  const run = await repo.latestVerifyRun(tx);
  return {
    blocks: blocks.map((block): BlockRow => ({ height: block.height, transfers: counts.get(block.height) ?? 0, sealedAt: block.sealedAt, hash: block.hash })),
    unsealed: await repo.countUnsealedTransfers(tx),
    lastVerify: run ? { startedAt: run.startedAt, finishedAt: run.finishedAt, ok: run.ok, firstDiscrepancy: run.firstDiscrepancy, transfersChecked: run.transfersChecked } : null,
    running,
  };
}

/** Entries by id, or a till's latest entries and quarantined pushes. */
/** The entries behind an alert; a correction's are requests (the audit page), not entries. */
export async function entryRows(context: HubContext, link: EntriesLink | AuditLink): Promise<EntryRow[]> {
  if ('audit' in link) return [];
  const tx = context.storage.read;
  const names = new Map((await repo.listTerminals(tx)).map((terminal) => [terminal.id, terminal.name]));
  const row = (entry: repo.Entry | repo.QuarantinedEntry, status: EntryRow['status'], reason: string | null): EntryRow => ({
    id: 'entryId' in entry ? entry.entryId : entry.id,
    terminal: entry.terminalId,
    terminalName: names.get(entry.terminalId) ?? entry.terminalId,
    seq: entry.seq,
    status,
    reason,
    receivedAt: entry.receivedAt,
    body: parseBody(entry.body),
  });
  if ('ids' in link) {
    const entries = await repo.getEntriesByIds(tx, link.ids.slice(0, ENTRIES_SHOWN_MAX));
    return entries.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.seq - a.seq).map((entry) => row(entry, entry.status, entry.reason));
  }
  const latest = (await repo.listLatestEntriesOfTerminal(tx, link.terminal, ENTRIES_SHOWN_MAX)).map((entry) => row(entry, entry.status, entry.reason));
  const quarantined = (await repo.listQuarantine(tx, link.terminal, ENTRIES_SHOWN_MAX)).map((entry) => row(entry, 'quarantined', entry.reason));
  return [...quarantined, ...latest];
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A QR code scanned as its URL ends with the card's UUID: keep the UUID. */
export function cardSearchKey(input: string): string {
  const text = input.trim();
  const uuid = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(text);
  return uuid?.[1] && text.includes('/') ? uuid[1] : text;
}

/** The card (directory/cards.ts showCard), its memberships and its latest transfers. */
/** Days of time spent the card page lists: two weeks. */
const TIME_DAYS_SHOWN = 14;

export async function cardPage(context: HubContext, tag: string): Promise<CardPage> {
  const view = await showCard(context, cardSearchKey(tag));
  const tx = context.storage.read;
  const now = context.clock.now().toISOString();
  const memberships = view.wallet === null ? [] : await repo.loadMemberships(tx, [view.wallet]);
  const transfers = view.wallet === null ? [] : await repo.listWalletTransfers(tx, view.wallet, { limit: CARD_TRANSFERS_SHOWN });
  const wallet = view.wallet;
  const counterparts = await repo.getWallets(tx, transfers.map((transfer) => (transfer.senderWalletId === wallet ? transfer.receiverWalletId : transfer.senderWalletId)));
  const tills = await repo.tillNamesOfEntries(tx, transfers.flatMap((transfer) => (transfer.entryId ? [transfer.entryId] : [])));
  return {
    ...view,
    memberships: memberships.map((row) => ({ asset: row.assetId, start: row.start, validUntil: row.validUntil, valid: row.validUntil > now })),
    transfers: transfers.map((transfer) => {
      const out = transfer.senderWalletId === wallet && transfer.receiverWalletId !== wallet;
      const other = out ? transfer.receiverWalletId : transfer.senderWalletId;
      return { seq: transfer.seq, action: transfer.action, asset: transfer.assetId, amount: transfer.amount, at: transfer.at, direction: out ? 'out' : 'in', counterpart: counterparts.get(other)?.name ?? null, till: transfer.entryId ? (tills.get(transfer.entryId) ?? null) : null };
    }),
    timeSpent: await timeSpentOfCard(context, view.card.id, TIME_DAYS_SHOWN),
  };
}
