/**
 * Users and their cards in the admin API (apps/hub/src/money/users.ts, cards.ts):
 * find or create a user by e-mail, list and show users, link a card to a user,
 * carry a lost card's money to its replacement.
 */
import { z } from 'zod';
import { CardTag, Email, QueryInt } from './admin';
import { HISTORY_PAGE_MAX, USERS_PAGE_MAX } from './limits';
import { RequestOutcome } from './money';

/** An e-mail as users are found by: trimmed and lower-cased (LEDGER.md: unique, lower-cased). */
export const UserEmail = z
  .string()
  .transform((email) => email.trim().toLowerCase())
  .pipe(Email);

export const UserCreate = z.strictObject({ email: UserEmail });
export type UserCreate = z.infer<typeof UserCreate>;

export const UserParams = z.strictObject({ email: UserEmail });

/** A page of users: those whose e-mail contains `search`, after the e-mail `after`. */
export const UsersQuery = z.strictObject({
  search: z.string().trim().max(254).optional(),
  after: z.string().trim().max(254).optional(),
  limit: QueryInt(1, USERS_PAGE_MAX).default(50),
});
export type UsersQuery = z.infer<typeof UsersQuery>;

/** A page of a user's history: transfers before the seq `before`, newest first. */
export const UserHistoryQuery = z.strictObject({
  before: QueryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: QueryInt(1, HISTORY_PAGE_MAX).default(50),
});
export type UserHistoryQuery = z.infer<typeof UserHistoryQuery>;

/** Link a card (tag, printed number or QR code in the path) to the user with this e-mail, created if new. */
export const CardLink = z.strictObject({ email: UserEmail });
export type CardLink = z.infer<typeof CardLink>;

/** Carry a lost card's money to the card `by` (tag, printed number or QR code). */
export const CardReplace = z.strictObject({ by: CardTag });
export type CardReplace = z.infer<typeof CardReplace>;

export const UserSummary = z.strictObject({
  id: z.string(),
  email: z.string(),
  wallet: z.string(),
  createdAt: z.string(),
});
export type UserSummary = z.infer<typeof UserSummary>;

/** A user found or created: `created` says which (201 or 200). */
export const UserCreated = UserSummary.extend({ created: z.boolean() });

export const UserList = z.strictObject({ users: z.array(UserSummary), next: z.string().nullable() });

/** A link or replacement: the request's outcome, and the user the card now belongs to (null for an anonymous replacement). */
export const CardLinkOutcome = RequestOutcome.extend({ user: UserSummary.nullable() });

const Balances = z.record(z.string(), z.number().int());

/** A user with wallets, cards, balances (minor units, by asset), memberships and a page of history. */
export const UserView = z.strictObject({
  user: UserSummary,
  wallets: z.array(z.strictObject({ id: z.string(), kind: z.enum(['user', 'ephemeral']), card: z.string().nullable(), balances: Balances })),
  cards: z.array(
    z.strictObject({ id: z.string(), firstTagId: z.string(), uid: z.string().nullable(), numberPrinted: z.string().nullable(), qrcode: z.string().nullable(), lostAt: z.string().nullable() }),
  ),
  balances: Balances,
  memberships: z.array(z.strictObject({ asset: z.string(), start: z.string(), validUntil: z.string(), valid: z.boolean() })),
  history: z.strictObject({
    transfers: z.array(
      z.strictObject({
        seq: z.number().int(),
        id: z.string(),
        action: z.string(),
        asset: z.string(),
        amount: z.number().int(),
        at: z.string(),
        direction: z.enum(['in', 'out']),
        counterpart: z.string().nullable(),
        card: z.string().nullable(),
      }),
    ),
    /** Pass as `before` for the next (older) page; null on the last page. */
    nextBefore: z.number().int().nullable(),
  }),
});
