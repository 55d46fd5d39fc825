import { HOLDER_LINK_TTL_MS, HOLDER_LINKS_PER_HOUR_MAX } from '@fedow/protocol';
import { iso } from '../clock';
import { HubError } from '../errors';
import { linkCard } from '../money/cards';
import { findOrCreateUser } from '../money/users';
import * as repo from '../storage/repo';
import { liveCard } from './card-page';
import { normaliseEmail, requireMailer, type Holder } from './holder';
import { hashSecret, randomSecret } from './secrets';
import { linkMail, type MailLanguage } from './words';

const HOUR_MS = 3_600_000;

export interface LinkAsked {
  email: string;
  /** The card page the visitor asked from; null from the account page's own form. */
  qrcode: string | null;
  language: MailLanguage;
}

/**
 * E-mails a one-time sign-in link. The answer is the same whether or not a mail
 * left (a card linked to someone else, too many links this hour): the form tells
 * nobody which addresses hold cards. A card linked to another e-mail sends nothing.
 */
export async function requestLink(holder: Holder, asked: LinkAsked, baseUrl: string): Promise<void> {
  const mailer = requireMailer(holder);
  const { context } = holder;
  const email = normaliseEmail(asked.email);
  const card = asked.qrcode === null ? null : await liveCard(context.storage.read, asked.qrcode);
  if (card?.userId) {
    const owner = (await repo.getUsers(context.storage.read, [card.userId])).get(card.userId);
    if (owner?.email !== email) return;
  }
  const secret = randomSecret();
  const now = context.clock.now();
  const sent = await context.storage.transaction(async (tx) => {
    if ((await repo.countHolderLinksSince(tx, email, iso(new Date(now.getTime() - HOUR_MS)))) >= HOLDER_LINKS_PER_HOUR_MAX) return false;
    await repo.insertHolderLink(tx, {
      tokenHash: hashSecret(secret),
      email,
      cardId: card?.id ?? null,
      createdAt: iso(now),
      expiresAt: iso(new Date(now.getTime() + HOLDER_LINK_TTL_MS)),
      usedAt: null,
    });
    return true;
  });
  if (!sent) return;
  // The secret rides in the fragment: it never reaches a server log, and the page posts it once.
  const mail = linkMail(asked.language, `${baseUrl}/qr/login#${secret}`);
  await mailer.send({ to: email, ...mail });
}

export interface LinkFollowed {
  userId: string;
  /** The card page to go back to, if the link came from one. */
  qrcode: string | null;
  /** The card link's refusal in the ledger's words (a card in debt), or null. */
  refused: string | null;
}

/** Spends a link (once, within 15 minutes): the user exists from now on, the card joins it (`FUS`). */
export async function followLink(holder: Holder, secret: string): Promise<LinkFollowed> {
  const { context } = holder;
  const tokenHash = hashSecret(secret);
  const claim = await context.storage.transaction((tx) => repo.claimHolderLink(tx, tokenHash, iso(context.clock.now())));
  if (claim.status !== 'claimed') throw linkRefusal(claim.status);
  const { link } = claim;
  const user = await findOrCreateUser(context, link.email);
  if (link.cardId === null) return { userId: user.id, qrcode: null, refused: null };
  const card = (await repo.getCards(context.storage.read, [link.cardId])).get(link.cardId);
  if (!card) throw new Error(`link of unknown card ${link.cardId}`);
  if (card.userId === user.id) return { userId: user.id, qrcode: card.qrcode, refused: null };
  const outcome = await linkCard(context, {
    source: { kind: 'wallet', wallet: user.wallet },
    idempotencyKey: `holder-link:${tokenHash.slice(0, 32)}`,
    card: card.firstTagId,
    email: link.email,
  });
  return { userId: user.id, qrcode: card.qrcode, refused: outcome.status === 'rejected' ? (outcome.reason ?? 'refused') : null };
}

function linkRefusal(status: 'unknown' | 'expired' | 'used'): HubError {
  if (status === 'used') return new HubError('gone', 'this link was already used: ask for a new one');
  if (status === 'expired') return new HubError('expired', 'this link expired: ask for a new one');
  return new HubError('not_found', 'unknown link: ask for a new one', 404);
}
