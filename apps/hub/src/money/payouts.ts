import { decidePayoutBatch } from '@fedow/ledger';
import { PAYOUT_BATCH_PAYOUTS_MAX, type Payout as PayoutView, type PayoutBatch as PayoutBatchView, type PayoutCreate } from '@fedow/protocol';
import type { SepaAccountSetting } from '../config';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { findCard } from '../directory/cards';
import { HubError } from '../errors';
import { lockLedger } from '../storage/ledger-lock';
import * as repo from '../storage/repo';
import type { PayoutStatus } from '../storage/schema-values';
import type { Tx } from '../storage/types';
import { requestPayout } from './payout-request';
import { sepaCreditTransferFile, sepaDebtor } from './sepa';
import type { Source } from './source';
import { applyRequest, type RequestOutcome } from './submit';

/**
 * The SEPA payout run (DECISIONS.md, "Payouts and deposits"): card holders'
 * requests are approved into a batch, whose pain.001 file is made once and kept;
 * marking the batch sent books every payout of it as one request (`payout-batch`),
 * all or nothing. Nothing moves before that.
 */

export function payoutView(row: repo.Payout): PayoutView {
  return {
    id: row.id,
    wallet: row.walletId,
    card: row.cardId,
    asset: row.assetId,
    amount: row.amount,
    iban: row.iban,
    holder: row.holder,
    status: row.status,
    batch: row.batchId,
    requestedAt: row.requestedAt,
    request: row.requestId,
  };
}

/** A payout asked at the cash desk for a card (its user's or ephemeral wallet) or a wallet. */
export async function requestPayoutFor(context: HubContext, input: PayoutCreate, source?: Source, idempotencyKey?: string): Promise<PayoutView> {
  let wallet = input.wallet;
  let card: string | null = null;
  if (input.card !== undefined) {
    const row = await findCard(context.storage.read, input.card);
    const user = row.userId === null ? undefined : (await repo.getUsers(context.storage.read, [row.userId])).get(row.userId);
    wallet = user?.walletId ?? row.ephemeralWalletId ?? undefined;
    card = row.id;
    if (wallet === undefined) throw new HubError('insufficient_funds', `the card ${input.card} holds nothing yet`);
  }
  if (wallet === undefined) throw new HubError('bad_request', 'name either a card or a wallet');
  return payoutView(await requestPayout(context, { wallet, card, amount: input.amount, iban: input.iban, holder: input.holder, source, idempotencyKey }));
}

/** Payouts by status, the oldest first, up to the size of a batch. */
export async function listPayoutViews(context: HubContext, status?: PayoutStatus): Promise<PayoutView[]> {
  const rows = await repo.listPayouts(context.storage.read, { ...(status === undefined ? {} : { statuses: [status] }), limit: PAYOUT_BATCH_PAYOUTS_MAX });
  return rows.map(payoutView);
}

/**
 * A new batch of the listed requested payouts, or of every requested one (the
 * oldest first, up to PAYOUT_BATCH_PAYOUTS_MAX). A listed payout that is
 * unknown or no longer requested refuses the whole approval.
 */
export async function approvePayouts(context: HubContext, approvedBy: string, ids?: readonly string[]): Promise<PayoutBatchView> {
  return context.storage.transaction(async (tx) => {
    const rows = ids === undefined ? await repo.listPayouts(tx, { statuses: ['requested'], limit: PAYOUT_BATCH_PAYOUTS_MAX }) : await repo.listPayouts(tx, { ids: [...new Set(ids)] });
    if (ids !== undefined) {
      const found = new Set(rows.map((row) => row.id));
      const unknown = ids.filter((id) => !found.has(id));
      if (unknown.length > 0) throw new HubError('not_found', `no payout ${unknown.join(', ')}`);
      const taken = rows.filter((row) => row.status !== 'requested');
      if (taken.length > 0) throw new HubError('conflict', `not waiting for approval: ${taken.map((row) => `${row.id} (${row.status})`).join(', ')}`);
    }
    if (rows.length === 0) throw new HubError('conflict', 'no payout is waiting for approval');
    const batch = { id: context.newId(), createdAt: iso(context.clock.now()), approvedBy, file: null, sentAt: null };
    await repo.insertPayoutBatch(tx, batch);
    const moved = await repo.setPayoutStatus(
      tx,
      rows.map((row) => row.id),
      'requested',
      { status: 'approved', batchId: batch.id },
    );
    // Another approval took some of them between our read and this update (PostgreSQL, two hubs).
    if (moved.length !== rows.length) throw new HubError('conflict', 'some of these payouts were approved or refused meanwhile: try again');
    return batchView(tx, batch.id);
  });
}

/**
 * A payout the federation will not pay. One in a batch not yet sent leaves it;
 * the batch's file, if made, is dropped and made again without it at the next
 * export (the operator must not send the old one).
 */
export async function refusePayout(context: HubContext, id: string): Promise<PayoutView> {
  return context.storage.transaction(async (tx) => {
    const payout = await repo.getPayout(tx, id);
    if (!payout) throw new HubError('not_found', `no payout ${id}`);
    if (payout.status !== 'requested' && payout.status !== 'approved') throw new HubError('conflict', `the payout ${id} is already ${payout.status}`);
    if (payout.batchId !== null) await repo.clearPayoutBatchFile(tx, payout.batchId);
    const moved = await repo.setPayoutStatus(tx, [id], payout.status, { status: 'refused' });
    if (moved.length !== 1) throw new HubError('conflict', `the payout ${id} changed meanwhile: try again`);
    const row = await repo.getPayout(tx, id);
    if (!row) throw new Error(`refusePayout: payout ${id} vanished inside its transaction`);
    return payoutView(row);
  });
}

export async function showBatch(context: HubContext, id: string): Promise<PayoutBatchView> {
  return batchView(context.storage.read, id);
}

/** The latest batches, without their payouts. */
export async function listBatches(context: HubContext, limit: number): Promise<(Omit<PayoutBatchView, 'payouts'> & { count: number })[]> {
  const tx = context.storage.read;
  const result = [];
  for (const batch of await repo.listPayoutBatches(tx, limit)) {
    const { payouts, ...view } = await batchView(tx, batch.id);
    result.push({ ...view, count: payouts.length });
  }
  return result;
}

async function batchView(tx: Tx, id: string): Promise<PayoutBatchView> {
  const batch = await repo.getPayoutBatch(tx, id);
  if (!batch) throw new HubError('not_found', `no payout batch ${id}`);
  const payouts = await repo.listPayouts(tx, { batch: id });
  const total = payouts.filter((row) => row.status === 'approved' || row.status === 'paid').reduce((sum, row) => sum + row.amount, 0);
  return { id: batch.id, createdAt: batch.createdAt, approvedBy: batch.approvedBy, exported: batch.file !== null, sentAt: batch.sentAt, total, payouts: payouts.map(payoutView) };
}

/**
 * The batch's pain.001.001.03 file: made at its first export from its approved
 * payouts and kept, so every later export gives the same bytes. Needs the
 * federation's account (FEDOW_SEPA_*).
 */
export async function exportBatch(context: HubContext, id: string, setting: SepaAccountSetting): Promise<{ file: string; batch: string }> {
  return context.storage.transaction(async (tx) => {
    const batch = await repo.getPayoutBatch(tx, id);
    if (!batch) throw new HubError('not_found', `no payout batch ${id}`);
    if (batch.file !== null) return { file: batch.file, batch: id };
    if (batch.sentAt !== null) throw new Error(`payout batch ${id} was sent without a file`);
    const payouts = await repo.listPayouts(tx, { batch: id, statuses: ['approved'] });
    if (payouts.length === 0) throw new HubError('conflict', `every payout of the batch ${id} was refused: nothing to pay`);
    const file = sepaCreditTransferFile({
      batch: id,
      createdAt: context.clock.now(),
      debtor: sepaDebtor(setting),
      credits: payouts.map((row) => ({ id: row.id, amount: row.amount, iban: row.iban, holder: row.holder })),
    });
    if (!(await repo.setPayoutBatchFile(tx, id, file))) {
      // Another export stored its file first: give that one.
      const stored = (await repo.getPayoutBatch(tx, id))?.file;
      if (!stored) throw new HubError('conflict', `the payout batch ${id} changed meanwhile: try again`);
      return { file: stored, batch: id };
    }
    return { file, batch: id };
  });
}

/**
 * The batch's file went to the bank: every approved payout of it is booked (an
 * `RFD` to the primary wallet each) as ONE request, all or nothing, and marked
 * paid with it. A batch already sent is answered with the request that booked
 * it, whatever the key: it is never booked twice.
 */
export async function markBatchSent(context: HubContext, input: { batch: string; source: Source; idempotencyKey: string }): Promise<RequestOutcome> {
  const env = { at: iso(context.clock.now()), newId: context.newId };
  const { outcome, change } = await context.storage.transaction(async (tx) => {
    // Taken before the batch is read: two marks of one batch are decided one after the other.
    await lockLedger(tx);
    const batch = await repo.getPayoutBatch(tx, input.batch);
    if (!batch) throw new HubError('not_found', `no payout batch ${input.batch}`);
    const payouts = await repo.listPayouts(tx, { batch: batch.id });
    if (batch.sentAt !== null) return { outcome: await bookedOutcome(tx, payouts), change: null };
    if (batch.file === null) throw new HubError('conflict', `export the SEPA file of the batch ${batch.id} first: only a file that was made can have been sent`);
    const approved = payouts.filter((row) => row.status === 'approved');
    if (approved.length === 0) throw new Error(`payout batch ${batch.id} has a file and no approved payout`);
    const ids = approved.map((row) => row.id);
    return applyRequest(tx, env, {
      source: input.source,
      idempotencyKey: input.idempotencyKey,
      kind: 'payout-batch',
      body: { batch: batch.id, payouts: ids, total: approved.reduce((sum, row) => sum + row.amount, 0) },
      needs: { wallets: [...new Set(approved.map((row) => row.walletId))] },
      decide: (state, context, request) =>
        decidePayoutBatch(state, { batch: batch.id, payouts: approved.map((row) => ({ id: row.id, wallet: row.walletId, amount: row.amount, card: row.cardId })), request }, context),
      alsoWrite: async (tx, outcome) => {
        const paid = await repo.setPayoutStatus(tx, ids, 'approved', { status: 'paid', requestId: outcome.request });
        if (paid.length !== ids.length || !(await repo.setPayoutBatchSent(tx, batch.id, env.at))) throw new Error(`payout batch ${batch.id} changed under the ledger lock`);
      },
    });
  });
  if (change) context.events.emit('cards-changed', change);
  return outcome;
}

/** The stored answer of the request that booked a sent batch. */
async function bookedOutcome(tx: Tx, payouts: readonly repo.Payout[]): Promise<RequestOutcome> {
  const requestId = payouts.find((row) => row.requestId !== null)?.requestId;
  const [request] = requestId ? await repo.getRequests(tx, [requestId]) : [];
  if (!request) throw new Error('a sent payout batch without the request that booked it');
  return { ...(JSON.parse(request.result) as Omit<RequestOutcome, 'replayed'>), replayed: true };
}
