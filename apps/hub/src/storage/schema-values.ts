/**
 * The closed sets of values the schema constrains with CHECKs, shared by both dialects.
 * They are copies of `@fedow/protocol`'s lists (the drizzle-kit loader must be able to
 * read the schema without the workspace packages); `storage-schema.test.ts` proves
 * that the copies match.
 */

export const WALLET_KINDS = ['user', 'place', 'primary', 'ephemeral'] as const;
export type WalletKind = (typeof WALLET_KINDS)[number];

export const ASSET_CATEGORIES = ['FED', 'TLF', 'TNF', 'TIM', 'FID', 'BDG', 'SUB'] as const;

export const TRANSFER_ACTIONS = ['FST', 'CRE', 'REF', 'SAL', 'QRS', 'SUB', 'BDG', 'FUS', 'RFD', 'BNK', 'COR', 'TRF', 'CMP', 'MLT'] as const;

/** How a place's time spent is booked: minutes issued to the card, or taken from its time credit. */
export const TIME_MODES = ['accrue', 'debit'] as const;

export const TERMINAL_STATUSES = ['active', 'frozen', 'revoked'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export const ENTRY_STATUSES = ['applied', 'rejected'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** Where a request comes from: every source other than a till's journal (DESIGN.md, one path for money). */
export const REQUEST_SOURCES = ['operator', 'wallet', 'provider', 'api', 'hub'] as const;
export type RequestSource = (typeof REQUEST_SOURCES)[number];

/** What an operator token may do: everything, the cash desk's work, or only look. */
export const OPERATOR_ROLES = ['admin', 'cashdesk', 'viewer'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** requested → approved (in a batch) → paid (its file sent), or refused. */
export const PAYOUT_STATUSES = ['requested', 'approved', 'paid', 'refused'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** `col IN ('a', 'b')` for a CHECK constraint; the values are our own constants, never input. */
export function inList(values: readonly string[]): string {
  for (const value of values) {
    if (!/^[A-Za-z_]+$/.test(value)) throw new Error(`schema value ${value} is not a plain word`);
  }
  return `(${values.map((value) => `'${value}'`).join(', ')})`;
}

/**
 * The original Fedow's API keys (issue 13): the root key that creates places, a
 * place's key (Lespass `lespass_…`, LaBoutik's `{place}:{email}`), and the one-use
 * key a LaBoutik hands back in its handshake.
 */
export const COMPAT_KEY_KINDS = ['root', 'place', 'temp'] as const;
export type CompatKeyKind = (typeof COMPAT_KEY_KINDS)[number];
/** What an alias of the original's stands for: one of its assets or wallets. */
export const COMPAT_ALIAS_KINDS = ['asset', 'wallet'] as const;
export type CompatAliasKind = (typeof COMPAT_ALIAS_KINDS)[number];
/** An outgoing webhook's delivery: waiting (or retrying), answered with 2xx, or given up after its retry window. */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
