import { TRANSFER_CODE_TRIES_MAX, TRANSFER_CODE_TTL_MS, TRANSFER_CODES_PER_HOUR_MAX, WalletRequest } from '@fedow/protocol';
import { iso } from '../clock';
import { HubError } from '../errors';
import { checkWalletRequest, walletMoneyRequest } from '../money/wallet-requests';
import { appliedOrThrow, applyRequest, type RequestOutcome } from '../money/submit';
import { lockLedger } from '../storage/ledger-lock';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { liveCard } from './card-page';
import { normaliseEmail, requireMailer, type Holder } from './holder';
import { hashCode, sixDigitCode } from './secrets';
import { codeMail, type MailLanguage } from './words';

const DAY_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

/** The receiver of a transfer, named by e-mail or by the QR code of their card. */
export async function findRecipient(holder: Holder, sender: repo.User, named: { email?: string; qrcode?: string }): Promise<{ wallet: string; email: string }> {
  const read = holder.context.storage.read;
  let user: repo.User | undefined;
  if (named.email !== undefined) user = await repo.getUserByEmail(read, normaliseEmail(named.email));
  else if (named.qrcode !== undefined) {
    const card = await liveCard(read, named.qrcode);
    user = card.userId === null ? undefined : (await repo.getUsers(read, [card.userId])).get(card.userId);
  }
  if (!user) throw new HubError('not_found', 'nobody has an account with this e-mail or card yet: they link their card first', 404);
  if (user.id === sender.id) throw new HubError('bad_request', 'a transfer goes to someone else');
  return { wallet: user.walletId, email: user.email };
}

/**
 * The first half of a transfer: the request signed by the sender's wallet key is
 * checked (signature, expiry, limits) and kept; a 6-digit code goes to the
 * sender's e-mail. Nothing moves until `confirmTransfer` gets that code.
 */
export async function startTransfer(holder: Holder, user: repo.User, request: WalletRequest, language: MailLanguage): Promise<{ id: string; expiresAt: string }> {
  const mailer = requireMailer(holder);
  const { context } = holder;
  const { body } = request;
  if (body.kind !== 'TRF' || body.wallet !== user.walletId) throw new HubError('forbidden', 'a transfer is signed by your own wallet', 403);
  await checkWalletRequest(context, request);
  await checkAllowance(context.storage.read, holder, user, body.asset, body.amount);
  const code = sixDigitCode();
  const id = context.newId();
  const now = context.clock.now();
  const expiresAt = iso(new Date(now.getTime() + TRANSFER_CODE_TTL_MS));
  await context.storage.transaction(async (tx) => {
    if ((await repo.countHolderCodesSince(tx, user.id, iso(new Date(now.getTime() - HOUR_MS)))) >= TRANSFER_CODES_PER_HOUR_MAX) {
      throw new HubError('rate_limited', 'too many transfer codes this hour: wait a little');
    }
    await repo.insertHolderCode(tx, { id, userId: user.id, request: JSON.stringify(request), codeHash: hashCode(id, code), triesLeft: TRANSFER_CODE_TRIES_MAX, createdAt: iso(now), expiresAt, usedAt: null });
  });
  const receiver = (await repo.walletLabels(context.storage.read, [body.to!])).get(body.to!) ?? '';
  await mailer.send({ to: user.email, ...codeMail(language, code, `${body.amount} → ${receiver}`) });
  return { id, expiresAt };
}

/**
 * The second half: the e-mailed code, within 5 minutes and 5 tries (each try is
 * spent before the comparison, so parallel guesses count too). A right code
 * applies the signed request on the one path, the daily limit checked again under
 * the ledger lock.
 */
export async function confirmTransfer(holder: Holder, user: repo.User, id: string, code: string): Promise<RequestOutcome> {
  const { context } = holder;
  const now = iso(context.clock.now());
  const request = await context.storage.transaction(async (tx) => {
    const row = await repo.getHolderCode(tx, id);
    if (!row || row.userId !== user.id) throw new HubError('not_found', 'no transfer waits for this code', 404);
    if (row.usedAt !== null) throw new HubError('gone', 'this transfer was already confirmed');
    if (row.expiresAt <= now) throw new HubError('expired', 'the code expired: start the transfer again');
    if (!(await repo.spendHolderCodeTry(tx, id))) throw new HubError('gone', 'too many wrong codes: start the transfer again');
    if (hashCode(id, code.trim()) !== row.codeHash) return { wrong: row.triesLeft - 1 } as const;
    await repo.useHolderCode(tx, id, now);
    return { request: WalletRequest.parse(JSON.parse(row.request)) } as const;
  });
  if ('wrong' in request) throw new HubError('wrong_code', `wrong code: ${request.wrong} tries left`, undefined, { triesLeft: request.wrong });
  return appliedOrThrow(await applyTransfer(holder, user, request.request));
}

async function applyTransfer(holder: Holder, user: repo.User, request: WalletRequest): Promise<RequestOutcome> {
  const { context } = holder;
  await checkWalletRequest(context, request);
  const env = { at: iso(context.clock.now()), newId: context.newId };
  const { outcome, change } = await context.storage.transaction(async (tx) => {
    await lockLedger(tx);
    await checkAllowance(tx, holder, user, request.body.asset, request.body.amount);
    return applyRequest(tx, env, walletMoneyRequest(request));
  });
  if (change) context.events.emit('cards-changed', change);
  return outcome;
}

/** A blocked user sends nothing; others up to their daily limit per asset, over the last 24 hours. */
export async function checkAllowance(tx: Tx, holder: Holder, user: repo.User, asset: string, amount: number): Promise<void> {
  const { blocked, dailyMax } = await transferSettings(tx, holder, user.id);
  if (blocked) throw new HubError('transfers_blocked', 'an operator blocked transfers from this account: ask at the welcome desk');
  const since = iso(new Date(holder.context.clock.now().getTime() - DAY_MS));
  const sent = await repo.sumTransfersSentSince(tx, user.walletId, asset, since);
  if (sent + amount > dailyMax) {
    throw new HubError('transfer_limit', `over the daily limit: ${Math.max(dailyMax - sent, 0)} left today`, undefined, { left: Math.max(dailyMax - sent, 0) });
  }
}

export async function transferSettings(tx: Tx, holder: Holder, userId: string): Promise<{ blocked: boolean; dailyMax: number }> {
  const row = await repo.getHolderLimit(tx, userId);
  return { blocked: row?.transfersBlocked ?? false, dailyMax: row?.transferDailyMax ?? holder.config.transferDailyMax };
}
