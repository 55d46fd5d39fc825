import { transferDeltas, type Effect, type LedgerState, type TransferDraft } from '@fedow/ledger';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { bodyText, type PushPlan } from './push';
import type { IngestWriter } from './writer';

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
  const decisions = plan.chained.flatMap(({ decision }) => (decision ? [decision] : []));
  const effects = decisions.flatMap((decision) => decision.effects);
  const changedCards = new Set<string>();
  await persistEffects(tx, effects, changedCards);
  const transfers = decisions.flatMap((decision) => decision.transfers);
  await writer.transfers(transfers.map(transferRow));
  await writer.balances(
    transfers.flatMap((transfer) => {
      const category = state.assets.get(transfer.asset)!.category;
      return transferDeltas(transfer, category, state.primaryWallet).map(({ wallet, delta }) => ({ walletId: wallet, assetId: transfer.asset, delta }));
    }),
  );
  for (const transfer of transfers) if (transfer.card) changedCards.add(transfer.card);
  return [...changedCards];
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
        await repo.updateCard(tx, effect.card, { lostAt: effect.at });
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
        if (!(await repo.insertPaymentRef(tx, effect.ref, effect.transfer))) throw new Error(`payment reference ${effect.ref} was used meanwhile`);
        break;
    }
  }
}

/** A ledger transfer as the transfers table stores it (seq, hash and block come later). */
export function transferRow(transfer: TransferDraft): repo.NewTransfer {
  return {
    id: transfer.id,
    action: transfer.action,
    senderWalletId: transfer.sender,
    receiverWalletId: transfer.receiver,
    assetId: transfer.asset,
    amount: transfer.amount,
    cardId: transfer.card,
    primaryCardId: transfer.primaryCard,
    entryId: transfer.entry,
    at: transfer.at,
    tillAt: transfer.tillAt,
    meta: transfer.meta === null ? null : JSON.stringify(transfer.meta),
  };
}
