import { HOLDER_TOPUP_CENTS_MAX, type Checkout } from '@fedow/protocol';
import { iso } from '../clock';
import { declareLost } from '../money/lost';
import { HubError } from '../errors';
import { createCheckout } from '../money/providers/checkout';
import { requestPayout } from '../money/payout-request';
import { registerWalletKey } from '../money/wallet-requests';
import * as repo from '../storage/repo';
import { walletPage, type HolderCardPage } from './card-page';
import type { Holder } from './holder';
import { transferSettings } from './transfers';

const PAYOUTS_OPEN = 'payouts_open';

export interface HolderAccount extends Omit<HolderCardPage, 'linked' | 'timeSpent'> {
  email: string;
  wallet: string;
  /** The wallet's registered key: the page makes a new one when it holds another. */
  publicKey: string | null;
  cards: { qrcode: string | null; tag: string; number: string | null; lost: boolean }[];
  transfers: { blocked: boolean; dailyMax: number };
  payoutsOpen: boolean;
  topUp: boolean;
}

/** Everything the signed-in holder sees: every card, the balances and history of their wallet. */
export async function accountView(holder: Holder, user: repo.User): Promise<HolderAccount> {
  const { context } = holder;
  const read = context.storage.read;
  const wallet = (await repo.getWallets(read, [user.walletId])).get(user.walletId);
  const cards = await repo.listCardsOfUser(read, user.id);
  return {
    email: user.email,
    wallet: user.walletId,
    publicKey: wallet?.publicKey ?? null,
    cards: cards.map((card) => ({ qrcode: card.qrcode, tag: card.firstTagId, number: card.numberPrinted, lost: card.lostAt !== null })),
    ...(await walletPage(context, read, user.walletId, { showPeople: true })),
    transfers: await transferSettings(read, holder, user.id),
    payoutsOpen: await payoutsOpen(holder),
    topUp: context.stripe !== null,
  };
}

/** The browser's public key for the user's wallet: signing in on a new phone replaces the old one. */
export async function setWalletKey(holder: Holder, user: repo.User, publicKey: string): Promise<void> {
  await registerWalletKey(holder.context, user.walletId, publicKey);
}

/** Declares one of the user's own cards lost (a `lost` request of the wallet source). */
export async function declareOwnCardLost(holder: Holder, user: repo.User, tag: string): Promise<void> {
  const cards = await repo.listCardsOfUser(holder.context.storage.read, user.id);
  const card = cards.find((one) => one.firstTagId === tag);
  if (!card) throw new HubError('not_found', 'this card is not yours', 404);
  await declareLost(holder.context, card.firstTagId, { kind: 'wallet', wallet: user.walletId }, `holder-lost:${card.id}`);
}

/** A Stripe Checkout for FED into the user's wallet; Stripe sends the payer back to the account page. */
export async function startTopUp(holder: Holder, user: repo.User, amount: number, baseUrl: string): Promise<Checkout> {
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > HOLDER_TOPUP_CENTS_MAX) throw new HubError('bad_request', `a top-up is 0.01 to ${HOLDER_TOPUP_CENTS_MAX / 100} euros`);
  return createCheckout(holder.context, { target: { wallet: user.walletId }, amount, returnUrl: `${baseUrl}/qr/account?topup=done` });
}

/** Leftover FED paid back by SEPA transfer, when the operator has opened payouts. */
export async function askPayout(holder: Holder, user: repo.User, input: { amount: number; iban: string; holder: string; idempotencyKey: string }): Promise<repo.Payout> {
  if (!(await payoutsOpen(holder))) throw new HubError('forbidden', 'payouts are not open yet: the operator opens them after the event', 403);
  return requestPayout(holder.context, { wallet: user.walletId, amount: input.amount, iban: input.iban, holder: input.holder, source: { kind: 'wallet', wallet: user.walletId }, idempotencyKey: `holder-payout:${input.idempotencyKey}` });
}

export async function payoutsOpen(holder: Holder): Promise<boolean> {
  return (await repo.getHolderOption(holder.context.storage.read, PAYOUTS_OPEN)) === 'true';
}

/** The operator opens or closes payouts from the dashboard. */
export async function setPayoutsOpen(holder: Pick<Holder, 'context'>, open: boolean): Promise<void> {
  await holder.context.storage.transaction((tx) => repo.setHolderOption(tx, PAYOUTS_OPEN, String(open)));
}

/** The operator blocks a user's transfers or sets their own daily limit (null: the hub's default). */
export async function setTransferSettings(holder: Pick<Holder, 'context'>, userId: string, settings: { blocked: boolean; dailyMax: number | null }): Promise<void> {
  const { context } = holder;
  await context.storage.transaction((tx) =>
    repo.setHolderLimit(tx, { userId, transfersBlocked: settings.blocked, transferDailyMax: settings.dailyMax, updatedAt: iso(context.clock.now()) }),
  );
}
