/**
 * Every coded outcome of the system, defined once. A code is stable: tills, the
 * dashboard and API clients switch on it; people read the message beside it.
 */

/** Why the ledger refuses a transfer or a till entry (LEDGER.md). */
export const RULE_CODES = [
  'insufficient_funds',
  'asset_not_accepted',
  'asset_archived',
  'unknown_asset',
  'wrong_asset_category',
  'invalid_primary_card',
  'unknown_card',
  'card_lost',
  'card_blocked',
  'unknown_wallet',
  'wrong_wallet_kind',
  'not_asset_origin',
  'payment_reference_required',
  'payment_reference_used',
  'offline_policy_exceeded',
  'offline_not_allowed',
  'card_has_user',
  'duplicate_first',
  'reason_required',
  'invalid_amount',
  'nothing_to_refund',
  /** A full UID read at a till contradicts the one the hub knows for this card: possibly a clone. */
  'uid_mismatch',
  'balance_moved',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/**
 * Why the hub refuses an entry before the ledger sees it (SYNC.md, rule 1, and
 * docs/DECISIONS.md): the entry is kept in quarantine and does not advance the
 * chain. `wrong_terminal`: the signed body names another till's chain than the
 * connection's (a till may sign only its own).
 */
export const INTEGRITY_CODES = ['bad_hash', 'bad_signature', 'wrong_terminal'] as const;
export type IntegrityCode = (typeof INTEGRITY_CODES)[number];

/**
 * Why the hub rejects an entry of the till's own chain before the ledger sees
 * it: the entry is stored and advances the chain, like a rule's rejection.
 * `duplicate_id`: another till's entry already holds this id.
 */
export const CHAIN_CODES = ['duplicate_id'] as const;
export type ChainCode = (typeof CHAIN_CODES)[number];

/** The reason of a rejected entry in an `ack`. */
export const REJECT_CODES = [...INTEGRITY_CODES, ...CHAIN_CODES, ...RULE_CODES] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

/** Codes of the `error` message on `/sync`. */
export const SYNC_ERROR_CODES = [
  'bad_message',
  'unauthorized',
  'revoked',
  'frozen',
  'fork',
  'gap',
  'too_large',
  'rate_limited',
] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

/**
 * WebSocket close codes of `/sync`: every code the hub closes with (SYNC.md,
 * and docs/DECISIONS.md for the ones it adds). The 1xxx codes are RFC 6455's;
 * `ws` sends 1002, 1007 and 1009 itself when a frame breaks the rules.
 */
export const CLOSE_CODES = {
  /** The hub is shutting down. */
  goingAway: 1001,
  /** RFC 6455: broken WebSocket framing (reserved bits, bad opcode, unmasked frame). */
  framing: 1002,
  /** RFC 6455: a text frame that is not valid UTF-8. */
  invalidUtf8: 1007,
  /** RFC 6455: message too big (beyond FRAME_BYTES_MAX). */
  tooLarge: 1009,
  /** The hub failed to process a message (its bug, not the till's): reconnect and resend. */
  internalError: 1011,
  /** A newer connection of the same till replaced this one. */
  replaced: 4000,
  /** Malformed message before hello, rate limit, push window, hello twice. */
  protocolViolation: 4400,
  /** Unknown till, bad hello signature, or a well-formed message before hello. */
  authenticationFailed: 4401,
  revokedOrFrozen: 4403,
  fork: 4409,
} as const;

/**
 * Why the hub refuses a till's payment code (a `qr-sale`, qr-sale.ts) before the ledger sees it; nothing is
 * stored. `code_forged`: the signature does not verify with the wallet's
 * registered key (a tampered code, or one signed by another key).
 */
export const QR_CODE_REFUSALS = ['code_unreadable', 'code_expired', 'code_used', 'code_forged', 'wallet_without_key', 'till_signature', 'till_not_active'] as const;
export type QrCodeRefusal = (typeof QR_CODE_REFUSALS)[number];

export const QR_SALE_REASONS = [...QR_CODE_REFUSALS, ...RULE_CODES] as const;
export type QrSaleReason = (typeof QR_SALE_REASONS)[number];

/**
 * Close codes of the kiosk's bridge WebSocket (apps/kiosk/src/headless): the
 * till's page talking to its own agent, not `/sync`. RFC 6455's.
 */
export const BRIDGE_CLOSE_CODES = {
  /** A binary frame: the bridge speaks JSON text only. */
  unsupportedData: 1003,
  /** A text frame that is not a bridge command. */
  policyViolation: 1008,
} as const;

/** Codes of the HTTP API's JSON errors (`{error: {code, message}}`). */
export const HTTP_ERROR_CODES = [
  'bad_request',
  'unauthorized',
  /** The operator token's role may not do this (a `viewer` moving money, a `cashdesk` correcting). */
  'forbidden',
  'not_found',
  /** The same Idempotency-Key was used for another request. */
  'idempotency_conflict',
  'conflict',
  /** The hub lacks a setting this needs (the federation's bank account for a SEPA file). */
  'not_configured',
  'gone',
  /** A signed request past its expiry (a wallet's payment code). */
  'expired',
  'rate_limited',
  'too_large',
  'internal',
  /** A payment notification whose signature does not verify (a forged webhook). */
  'bad_signature',
  /** A payment notification signed longer ago than the tolerance (5 minutes): a late or replayed capture. */
  'stale_notification',
  /** The payment provider is not configured on this hub (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET). */
  'provider_not_configured',
  /** The payment provider refused or could not be reached; nothing was paid by this call. */
  'provider_error',
  /** A transfer (TRF) sent without the 6-digit code e-mailed to its sender. */
  'confirmation_required',
  /** A wrong e-mailed code; `triesLeft` says how many remain. */
  'wrong_code',
  /** Over the sender's daily transfer limit, per asset, set by the operator. */
  'transfer_limit',
  /** An operator blocked this user's transfers. */
  'transfers_blocked',
  /** The hub has no SMTP server (SMTP_URL): nothing can be e-mailed. */
  'email_not_configured',
  ...RULE_CODES,
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

/** Words for people, in English; the UIs translate by code. */
export const RULE_MESSAGES: Record<RuleCode, string> = {
  insufficient_funds: 'not enough money on the card',
  asset_not_accepted: 'this place does not accept this asset',
  asset_archived: 'this asset is archived',
  unknown_asset: 'unknown asset',
  wrong_asset_category: 'this asset cannot be used for this action',
  invalid_primary_card: 'the cashier card is not valid for this place',
  unknown_card: 'unknown card',
  card_lost: 'this card was declared lost',
  card_blocked: 'this card is blocked (in debt)',
  unknown_wallet: 'unknown wallet',
  wrong_wallet_kind: 'this wallet cannot take part in this action',
  not_asset_origin: 'only the asset\'s origin can do this',
  payment_reference_required: 'a payment reference is required',
  payment_reference_used: 'this payment reference was already used',
  offline_policy_exceeded: 'the till went beyond its offline policy',
  offline_not_allowed: 'this action needs the hub to be reachable',
  card_has_user: 'this card already belongs to a user',
  duplicate_first: 'this asset already has its first transfer',
  reason_required: 'a reason is required',
  invalid_amount: 'invalid amount',
  nothing_to_refund: 'nothing to refund on this card',
  uid_mismatch: 'this card’s full UID differs from the one known for it: possibly a cloned card',
  balance_moved: 'the balance changed since it was read: verify again',
};
