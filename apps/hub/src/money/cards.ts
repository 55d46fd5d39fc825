import { decideFusion, decideReplacement } from '@fedow/ledger';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { findCard } from '../directory/cards';
import * as repo from '../storage/repo';
import type { Source } from './source';
import { applyRequest, submitRequest, type RequestOutcome } from './submit';
import { userForEmail, withUserRace, type UserSummary } from './users';

/** A link or a replacement: the request's outcome and the user the card now belongs to. */
export interface CardOutcome extends RequestOutcome {
  /** The user the card belongs to after the request; null when it was refused with a user it would have created, or the card stays anonymous. */
  user: UserSummary | null;
}

export interface CardLink {
  source: Source;
  idempotencyKey: string;
  /** The card, by tag, printed number or QR code. */
  card: string;
  email: string;
}

/**
 * Links a card to the user with this e-mail, created with its wallet if new: every
 * balance of the card's ephemeral wallet moves to the user's (`FUS`, one transfer
 * per asset) with its memberships, in the transaction that creates the user. A
 * refused link (a card in debt, lost, or already someone's) is stored as refused
 * and creates no user.
 */
export async function linkCard(context: HubContext, input: CardLink): Promise<CardOutcome> {
  const card = await findCard(context.storage.read, input.card);
  const email = input.email.trim().toLowerCase();
  const env = { at: iso(context.clock.now()), newId: context.newId };
  const { outcome, change, user } = await withUserRace(context, async (tx) => {
    const { user, created } = await userForEmail(context, tx, email, env.at);
    const { outcome, change } = await applyRequest(tx, env, {
      source: input.source,
      idempotencyKey: input.idempotencyKey,
      kind: 'link',
      // The e-mail, not the user's id: a retry that creates the user anew has the same body.
      body: { card: card.id, email },
      needs: { cards: [card.firstTagId], users: [user.id] },
      decide: (state, decision, request) => decideFusion(state, { card: card.firstTagId, user: user.id, request }, decision),
    });
    if (outcome.status === 'rejected' && created) {
      await repo.removeNewUser(tx, user);
      return { outcome, change, user: null };
    }
    return { outcome, change, user };
  });
  if (change) context.events.emit('cards-changed', change);
  return { ...outcome, user: user && { id: user.id, email: user.email, wallet: user.walletId, createdAt: user.createdAt } };
}

export interface CardReplacement {
  source: Source;
  idempotencyKey: string;
  /** The lost card and its replacement, each by tag, printed number or QR code. */
  lost: string;
  by: string;
}

/**
 * Carries a lost card's money to its replacement (ledger decideReplacement), and
 * declares the lost card lost if it was not yet: a user's card hands its user to
 * the new card; an anonymous card's balances move to the new card's wallet.
 */
export async function replaceCard(context: HubContext, input: CardReplacement): Promise<CardOutcome> {
  const read = context.storage.read;
  const lost = await findCard(read, input.lost);
  const by = await findCard(read, input.by);
  const outcome = await submitRequest(context, {
    source: input.source,
    idempotencyKey: input.idempotencyKey,
    kind: 'replace',
    body: { lost: lost.id, by: by.id },
    needs: { cards: [lost.firstTagId, by.firstTagId], users: lost.userId ? [lost.userId] : [] },
    decide: (state, decision, request) => decideReplacement(state, { lost: lost.firstTagId, replacement: by.firstTagId, request }, decision),
  });
  const owner = (await repo.loadCardsByTag(read, [by.firstTagId])).get(by.firstTagId)?.userId ?? null;
  const user = owner === null ? undefined : (await repo.getUsers(read, [owner])).get(owner);
  return { ...outcome, user: user ? { id: user.id, email: user.email, wallet: user.walletId, createdAt: user.createdAt } : null };
}
