import { transferDeltas, type Acceptance, type Effect, type LedgerState, type TransferDraft } from '@fedow/ledger';
import { recordEvents, recordTransfersApplied, type OutboxEvent } from '../outbox/events';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { bodyText, type PushPlan } from './push';
import type { BalanceCrossing, IngestWriter } from './writer';

/**
 * Writes a planned push inside its transaction, in foreign-key order: entries,
 * new wallets and cards, card changes, transfers, balances (the quarantine is
 * written once per batch, within its bounds: `quarantineRows`). Returns
 * the ids of the cards whose state changed, for the tills' updates.
 */
export async function persistPlan(
  tx: Tx,
  writer: IngestWriter,
  terminalId: string,
  plan: PushPlan,
  state: LedgerState,
  receivedAt: string,
): Promise<string[]> {
  // The plan was made against the head read in this transaction: a row already
  // stored means the database disagrees with it, and nothing of this push may commit.
  await writer.entries(
    plan.chained.map(({ entry, key, status, reason }) => ({
      id: key,
      terminalId,
      seq: entry.body.seq,
      prev: entry.body.prev,
      hash: entry.hash,
      sig: entry.sig,
      body: bodyText(entry.body),
      receivedAt,
      status,
      reason,
    })),
  );
  const rejected: OutboxEvent[] = plan.chained.flatMap(({ entry, key, status, reason }) =>
    status === 'rejected' ? [{ type: 'entry.rejected' as const, data: { terminal: terminalId, seq: entry.body.seq, entry: key, kind: entry.body.kind, reason: reason ?? null } }] : [],
  );
  await recordEvents(tx, rejected, receivedAt);
  const decisions = plan.chained.flatMap(({ decision }) => (decision ? [decision] : []));
  return persistDecisions(tx, writer, decisions, state, 'entry');
}

/**
 * What accepted decisions change, in foreign-key order: new wallets and cards,
 * card changes, transfers, balances. The one writer of balances and transfers,
 * for till entries and for requests alike. Returns the ids of the cards whose
 * state changed, for the tills' updates.
 */
export async function persistDecisions(
  tx: Tx,
  writer: IngestWriter,
  decisions: readonly Acceptance[],
  state: LedgerState,
  origin: TransferOrigin,
): Promise<string[]> {
  const effects = decisions.flatMap((decision) => decision.effects);
  const changedCards = new Set<string>();
  await persistEffects(tx, effects, changedCards);
  const transfers = decisions.flatMap((decision) => decision.transfers);
  await writer.transfers(transfers.map((transfer) => transferRow(transfer, origin)));
  // A payment reference names its CRE transfer: written once the transfer is.
  for (const effect of effects) {
    if (effect.type === 'payment-ref' && !(await repo.insertPaymentRef(tx, effect.ref, effect.transfer))) {
      throw new Error(`payment reference ${effect.ref} was used meanwhile`);
    }
  }
  const crossings = await writer.balances(
    transfers.flatMap((transfer) => {
      const category = state.assets.get(transfer.asset)!.category;
      return transferDeltas(transfer, category, state.primaryWallet).map(({ wallet, delta }) => {
        const melted = transfer.action === 'MLT' && wallet === transfer.sender;
        return { walletId: wallet, assetId: transfer.asset, delta, activeAt: melted || delta === 0 ? null : transfer.at, melted: melted ? transfer.amount : 0 };
      });
    }),
  );
  for (const transfer of transfers) if (transfer.card) changedCards.add(transfer.card);
  await announce(tx, transfers, effects, crossings);
  // A request may move a wallet's money without naming a card (a correction, a
  // transfer between users): the tills still need the new balance of its cards.
  // A till's transfers always name the card whose wallet they move.
  const unnamed = origin === 'request' ? transfers.filter((transfer) => transfer.card === null).flatMap((transfer) => [transfer.sender, transfer.receiver]) : [];
  if (unnamed.length > 0) for (const cards of (await repo.cardsOfWallets(tx, unnamed)).values()) for (const card of cards) changedCards.add(card.id);
  return [...changedCards];
}

/**
 * The outbox rows of what the decisions changed, in their transaction (the
 * transactional outbox: announced if and only if committed). Times come from
 * the decisions themselves, never from a clock read here.
 */
async function announce(tx: Tx, transfers: readonly TransferDraft[], effects: readonly Effect[], crossings: readonly BalanceCrossing[]): Promise<void> {
  const at = transfers[0]?.at;
  if (at !== undefined) await recordTransfersApplied(tx, transfers.map((transfer) => transfer.id), at);
  for (const effect of effects) {
    if (effect.type === 'card-lost') await recordEvents(tx, [{ type: 'card.lost', data: { card: effect.card, at: effect.at } }], effect.at);
    if (effect.type === 'membership') {
      const { wallet, asset, start, validUntil } = effect.membership;
      await recordEvents(tx, [{ type: 'membership.sold', data: { wallet, asset, start, validUntil } }], at ?? start);
    }
  }
  // Balances cross zero only through transfers, so `at` is set whenever there are crossings.
  if (at !== undefined && crossings.length > 0) await recordEvents(tx, await debtChanges(tx, effects, crossings), at);
}

/**
 * A card is blocked when a balance of its wallet goes below zero (an offline
 * sale beyond it: the ledger's `debt` effect names the card), and unblocked
 * when the last negative balance of its wallet is back to zero or more.
 */
async function debtChanges(tx: Tx, effects: readonly Effect[], crossings: readonly BalanceCrossing[]): Promise<OutboxEvent[]> {
  const events: OutboxEvent[] = [];
  for (const effect of effects) {
    if (effect.type !== 'debt') continue;
    if (crossings.some((crossing) => crossing.walletId === effect.wallet && crossing.assetId === effect.asset && crossing.after < 0)) {
      events.push({ type: 'card.blocked', data: { card: effect.card, wallet: effect.wallet, asset: effect.asset, balance: effect.balance, reason: 'debt' } });
    }
  }
  const settled = [...new Set(crossings.filter((crossing) => crossing.after >= 0).map((crossing) => crossing.walletId))];
  if (settled.length === 0) return events;
  const stillInDebt = new Set((await repo.loadWalletBalances(tx, settled)).filter((balance) => balance.value < 0).map((balance) => balance.walletId));
  for (const [wallet, cards] of await repo.cardsOfWallets(tx, settled.filter((wallet) => !stillInDebt.has(wallet)))) {
    for (const card of cards) if (card.lostAt === null) events.push({ type: 'card.unblocked', data: { card: card.id, wallet } });
  }
  return events;
}

/** The quarantine rows of a planned push. */
export function quarantineRows(terminalId: string, plan: PushPlan, receivedAt: string): repo.NewQuarantinedEntry[] {
  return plan.quarantined.map(({ entry, reason }) => ({
    terminalId,
    seq: entry.body.seq,
    entryId: entry.body.id,
    body: JSON.stringify(entry.body),
    hash: entry.hash,
    sig: entry.sig,
    reason,
    receivedAt,
  }));
}

async function persistEffects(tx: Tx, effects: readonly Effect[], changedCards: Set<string>): Promise<void> {
  const wallets = effects.flatMap((effect) => (effect.type === 'wallet-created' ? [effect.wallet] : []));
  if (wallets.length > 0) await repo.insertWallets(tx, wallets.map((wallet) => ({ id: wallet.id, kind: wallet.kind, name: wallet.name, publicKey: wallet.publicKey })));
  for (const effect of effects) {
    switch (effect.type) {
      case 'wallet-created':
      case 'debt':
        break;
      case 'card-enrolled': {
        const { card } = effect;
        const result = await repo.insertCards(tx, [{ id: card.id, firstTagId: card.firstTagId, uid: card.uid, qrcode: null, numberPrinted: null, batchId: null, userId: null, ephemeralWalletId: null, lostAt: null }]);
        if (result.inserted.length !== 1) throw new Error(`ingest: enrolling card ${card.firstTagId} clashed with a stored card`);
        changedCards.add(card.id);
        break;
      }
      case 'card-wallet':
        await repo.updateCard(tx, effect.card, { ephemeralWalletId: effect.ephemeralWallet });
        changedCards.add(effect.card);
        break;
      case 'card-detached':
        await repo.updateCard(tx, effect.card, { userId: null, ephemeralWalletId: null });
        await repo.removeCardPrimaryPlace(tx, effect.place, effect.card);
        changedCards.add(effect.card);
        break;
      case 'card-lost':
        // A lost card is a cashier card nowhere (LEDGER.md); declaring it lost again keeps the first time.
        await repo.updateCardLost(tx, effect.card, effect.at);
        await repo.removeCardPrimaryPlaces(tx, effect.card);
        changedCards.add(effect.card);
        break;
      case 'card-uid':
        await repo.updateCard(tx, effect.card, { uid: effect.uid });
        changedCards.add(effect.card);
        break;
      case 'card-user':
        await repo.updateCard(tx, effect.card, { userId: effect.user });
        changedCards.add(effect.card);
        break;
      case 'membership':
        await repo.upsertMemberships(tx, [{ walletId: effect.membership.wallet, assetId: effect.membership.asset, start: effect.membership.start, validUntil: effect.membership.validUntil }]);
        break;
      case 'payment-ref':
        break;
      case 'balance-restored': {
        // The one write of a balance that is not a transfer's delta (a repair, DECISIONS.md).
        await repo.setBalance(tx, effect.wallet, effect.asset, effect.to);
        for (const card of (await repo.cardsOfWallets(tx, [effect.wallet])).get(effect.wallet) ?? []) changedCards.add(card.id);
        break;
      }
    }
  }
}

/** Where a transfer's `entry` points: a till's journal entry, or a request of another source. */
export type TransferOrigin = 'entry' | 'request';

/** A ledger transfer as the transfers table stores it (seq, hash and block come later). */
export function transferRow(transfer: TransferDraft, origin: TransferOrigin = 'entry'): repo.NewTransfer {
  return {
    id: transfer.id,
    action: transfer.action,
    senderWalletId: transfer.sender,
    receiverWalletId: transfer.receiver,
    assetId: transfer.asset,
    amount: transfer.amount,
    cardId: transfer.card,
    primaryCardId: transfer.primaryCard,
    entryId: origin === 'entry' ? transfer.entry : null,
    requestId: origin === 'request' ? transfer.entry : null,
    at: transfer.at,
    tillAt: transfer.tillAt,
    meta: transfer.meta === null ? null : JSON.stringify(transfer.meta),
  };
}
