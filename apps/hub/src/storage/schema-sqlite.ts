/**
 * The hub's schema for SQLite. `schema-pg.ts` is the same logical schema for
 * PostgreSQL, table for table and column for column: `storage-schema.test.ts` checks
 * that both infer identical row types and declare the same columns and keys.
 *
 * Conventions (both dialects):
 * - ids are lowercase UUID text; times are RFC 3339 UTC text with milliseconds, exactly
 *   what is hashed and sent on the wire (so they also sort as text);
 * - money and sequence numbers are integers that fit in JS safe integers (SQLite
 *   INTEGER is 64-bit; PostgreSQL uses bigint with `mode: 'number'`);
 * - JSON values (entry bodies, policies, meta) are stored as text, verbatim.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, unique, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  ASSET_CATEGORIES,
  ENTRY_STATUSES,
  OPERATOR_ROLES,
  PAYOUT_STATUSES,
  REQUEST_SOURCES,
  inList,
  TERMINAL_STATUSES,
  TRANSFER_ACTIONS,
  WALLET_KINDS,
} from './schema-values';

const bool = (name: string) => integer(name, { mode: 'boolean' });
const checkIn = (name: string, column: string, values: readonly string[]) =>
  check(name, sql.raw(`"${column}" in ${inList(values)}`));

/** One row (id = 1): the hub's public key and the genesis hash of its block chain. */
export const hubIdentity = sqliteTable(
  'hub_identity',
  {
    id: integer('id').primaryKey().default(1),
    publicKey: text('public_key').notNull(),
    genesis: text('genesis').notNull(),
    createdAt: text('created_at').notNull(),
  },
  () => [check('hub_identity_singleton', sql.raw('"id" = 1'))],
);

export const wallets = sqliteTable(
  'wallets',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: WALLET_KINDS }).notNull(),
    name: text('name'),
    publicKey: text('public_key').unique(),
  },
  (t) => [
    checkIn('wallets_kind_check', 'kind', WALLET_KINDS),
    // LEDGER.md: exactly one primary wallet per hub (the federation's bank).
    uniqueIndex('wallets_one_primary').on(t.kind).where(sql.raw(`"kind" = 'primary'`)),
  ],
);

export const places = sqliteTable('places', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  walletId: text('wallet_id')
    .notNull()
    .unique()
    .references(() => wallets.id),
  enrollUnknownCards: bool('enroll_unknown_cards').notNull().default(false),
  /** JSON text of the place's OfflinePolicy (TILL.md). */
  offlinePolicy: text('offline_policy').notNull(),
  createdAt: text('created_at').notNull(),
  /** The place's administrator, from `fedow places --create --email` (apps/hub/README.md). */
  adminUserId: text('admin_user_id').references(() => users.id),
});

export const federations = sqliteTable('federations', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  createdAt: text('created_at').notNull(),
});

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull().unique(),
    walletId: text('wallet_id')
      .notNull()
      .unique()
      .references(() => wallets.id),
    createdAt: text('created_at').notNull(),
  },
  () => [check('users_email_lowercase', sql.raw('"email" = lower("email")'))],
);

export const assets = sqliteTable(
  'assets',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    currencyCode: text('currency_code').notNull(),
    category: text('category', { enum: ASSET_CATEGORIES }).notNull(),
    decimals: integer('decimals').notNull(),
    originWalletId: text('origin_wallet_id')
      .notNull()
      .references(() => wallets.id),
    archived: bool('archived').notNull().default(false),
    createdAt: text('created_at').notNull(),
    /** Validity of a SUB membership, in days; null for other categories. */
    membershipDays: integer('membership_days'),
  },
  (t) => [
    unique('assets_origin_name').on(t.originWalletId, t.name),
    checkIn('assets_category_check', 'category', ASSET_CATEGORIES),
    // LEDGER.md: one FED asset per hub.
    uniqueIndex('assets_one_fed').on(t.category).where(sql.raw(`"category" = 'FED'`)),
  ],
);

export const federationPlaces = sqliteTable(
  'federation_places',
  {
    federationId: text('federation_id')
      .notNull()
      .references(() => federations.id),
    placeId: text('place_id')
      .notNull()
      .references(() => places.id),
  },
  (t) => [primaryKey({ columns: [t.federationId, t.placeId] }), index('federation_places_place').on(t.placeId)],
);

export const federationAssets = sqliteTable(
  'federation_assets',
  {
    federationId: text('federation_id')
      .notNull()
      .references(() => federations.id),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
  },
  (t) => [primaryKey({ columns: [t.federationId, t.assetId] }), index('federation_assets_asset').on(t.assetId)],
);

export const balances = sqliteTable(
  'balances',
  {
    walletId: text('wallet_id')
      .notNull()
      .references(() => wallets.id),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    /** Minor units; negative only through offline-authorised sales (debt). */
    value: integer('value').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.walletId, t.assetId] }), index('balances_asset').on(t.assetId)],
);

export const memberships = sqliteTable(
  'memberships',
  {
    walletId: text('wallet_id')
      .notNull()
      .references(() => wallets.id),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    start: text('start').notNull(),
    validUntil: text('valid_until').notNull(),
  },
  (t) => [primaryKey({ columns: [t.walletId, t.assetId] })],
);

export const cardBatches = sqliteTable('card_batches', {
  id: text('id').primaryKey(),
  placeId: text('place_id').references(() => places.id),
  generation: integer('generation').notNull().default(1),
  label: text('label').notNull(),
  createdAt: text('created_at').notNull(),
});

export const cards = sqliteTable(
  'cards',
  {
    id: text('id').primaryKey(),
    /** First 4 UID bytes, 8 uppercase hex: the key compatible with the original Fedow. */
    firstTagId: text('first_tag_id').notNull().unique(),
    /** Full UID, uppercase hex, once a reader has given it. */
    uid: text('uid').unique(),
    qrcode: text('qrcode').unique(),
    numberPrinted: text('number_printed').unique(),
    batchId: text('batch_id').references(() => cardBatches.id),
    userId: text('user_id').references(() => users.id),
    ephemeralWalletId: text('ephemeral_wallet_id')
      .unique()
      .references(() => wallets.id),
    lostAt: text('lost_at'),
  },
  (t) => [index('cards_user').on(t.userId)],
);

export const cardPrimaryPlaces = sqliteTable(
  'card_primary_places',
  {
    cardId: text('card_id')
      .notNull()
      .references(() => cards.id),
    placeId: text('place_id')
      .notNull()
      .references(() => places.id),
  },
  (t) => [primaryKey({ columns: [t.cardId, t.placeId] }), index('card_primary_places_place').on(t.placeId)],
);

export const terminals = sqliteTable(
  'terminals',
  {
    id: text('id').primaryKey(),
    placeId: text('place_id')
      .notNull()
      .references(() => places.id),
    name: text('name').notNull(),
    publicKey: text('public_key').notNull().unique(),
    genesis: text('genesis').notNull(),
    lastSeq: integer('last_seq').notNull().default(0),
    /** Hash of entry lastSeq; the genesis while lastSeq = 0. */
    lastHash: text('last_hash').notNull(),
    status: text('status', { enum: TERMINAL_STATUSES }).notNull().default('active'),
    lastSeenAt: text('last_seen_at'),
    /** JSON text of a partial OfflinePolicy overriding the place's; null = none. */
    policyOverrides: text('policy_overrides'),
    createdAt: text('created_at').notNull(),
    rejectedCount: integer('rejected_count').notNull().default(0),
    /** Entries ever quarantined (bad hash or signature, another till named); only the first and latest are kept. */
    quarantinedCount: integer('quarantined_count').notNull().default(0),
  },
  (t) => [checkIn('terminals_status_check', 'status', TERMINAL_STATUSES), index('terminals_place').on(t.placeId)],
);

/**
 * Which tills a running hub has connected, written by it every few seconds
 * (sync/presence-recorder.ts) so that another process — the CLI — sees what the
 * API sees. A row older than its staleness window is a hub that stopped.
 */
export const tillPresence = sqliteTable('till_presence', {
  terminalId: text('terminal_id')
    .primaryKey()
    .references(() => terminals.id),
  /** The hub process that wrote the row: it deletes its own rows, never another's. */
  recordedBy: text('recorded_by').notNull(),
  recordedAt: text('recorded_at').notNull(),
  connectedAt: text('connected_at').notNull(),
  lastMessageAt: text('last_message_at').notNull(),
  lagEntries: integer('lag_entries').notNull(),
});

export const pairingCodes = sqliteTable('pairing_codes', {
  /** SHA-256 hex of the code: a copy of the database does not hand out live codes. */
  codeHash: text('code_hash').primaryKey(),
  placeId: text('place_id')
    .notNull()
    .references(() => places.id),
  name: text('name').notNull(),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  usedAt: text('used_at'),
  terminalId: text('terminal_id').references(() => terminals.id),
});

/** What tills signed, kept verbatim, applied or rejected (SYNC.md rules 2–5). */
export const entries = sqliteTable(
  'entries',
  {
    id: text('id').primaryKey(),
    terminalId: text('terminal_id')
      .notNull()
      .references(() => terminals.id),
    seq: integer('seq').notNull(),
    prev: text('prev').notNull(),
    hash: text('hash').notNull(),
    sig: text('sig').notNull(),
    /** The body's JSON text as received. */
    body: text('body').notNull(),
    receivedAt: text('received_at').notNull(),
    status: text('status', { enum: ENTRY_STATUSES }).notNull(),
    reason: text('reason'),
  },
  (t) => [unique('entries_terminal_seq').on(t.terminalId, t.seq), checkIn('entries_status_check', 'status', ENTRY_STATUSES)],
);

/** Entries refused with bad_hash / bad_signature: kept, but they do not advance the chain. */
export const quarantine = sqliteTable(
  'quarantine',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    terminalId: text('terminal_id')
      .notNull()
      .references(() => terminals.id),
    seq: integer('seq').notNull(),
    entryId: text('entry_id').notNull(),
    body: text('body').notNull(),
    hash: text('hash').notNull(),
    sig: text('sig').notNull(),
    reason: text('reason').notNull(),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [index('quarantine_terminal_seq').on(t.terminalId, t.seq)],
);

export const blocks = sqliteTable('blocks', {
  height: integer('height').primaryKey(),
  prev: text('prev').notNull(),
  firstSeq: integer('first_seq').notNull(),
  lastSeq: integer('last_seq').notNull(),
  head: text('head').notNull(),
  sealedAt: text('sealed_at').notNull(),
  hash: text('hash').notNull().unique(),
  sig: text('sig').notNull(),
});

/** Ledger movements; `seq` is the global commit order the sealer chains. */
export const transfers = sqliteTable(
  'transfers',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    action: text('action', { enum: TRANSFER_ACTIONS }).notNull(),
    senderWalletId: text('sender_wallet_id')
      .notNull()
      .references(() => wallets.id),
    receiverWalletId: text('receiver_wallet_id')
      .notNull()
      .references(() => wallets.id),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    amount: integer('amount').notNull(),
    cardId: text('card_id').references(() => cards.id),
    primaryCardId: text('primary_card_id').references(() => cards.id),
    entryId: text('entry_id').references(() => entries.id),
    /** Set instead of entryId when the transfer comes from a request (operator, wallet, provider, api, hub). */
    requestId: text('request_id').references(() => requests.id),
    at: text('at').notNull(),
    tillAt: text('till_at'),
    /** JSON text; null = none. */
    meta: text('meta'),
    /** Set by the sealer. */
    hash: text('hash'),
    blockHeight: integer('block_height').references(() => blocks.height),
  },
  (t) => [
    checkIn('transfers_action_check', 'action', TRANSFER_ACTIONS),
    index('transfers_sender').on(t.senderWalletId),
    index('transfers_receiver').on(t.receiverWalletId),
    index('transfers_entry').on(t.entryId),
    index('transfers_request').on(t.requestId),
    // Reports read a range of days: hub time bounds it (repo-reports.ts).
    index('transfers_at').on(t.at),
  ],
);

/** FED payment references: a second use is refused (LEDGER.md, CRE). */
export const paymentRefs = sqliteTable('payment_refs', {
  ref: text('ref').primaryKey(),
  transferId: text('transfer_id')
    .notNull()
    .unique()
    .references(() => transfers.id),
});

export const operatorTokens = sqliteTable(
  'operator_tokens',
  {
    /** SHA-256 hex of the token; the token itself is shown once. */
    hash: text('hash').primaryKey(),
    /** The token's name, recorded on every operator request it makes. */
    label: text('label').notNull(),
    createdAt: text('created_at').notNull(),
    role: text('role', { enum: OPERATOR_ROLES }).notNull().default('admin'),
    revokedAt: text('revoked_at'),
  },
  (t) => [checkIn('operator_tokens_role_check', 'role', OPERATOR_ROLES), index('operator_tokens_label').on(t.label)],
);

/** The stream tills follow for `update` deltas: the cursor is `seq`. */
export const cardChanges = sqliteTable(
  'card_changes',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    cardId: text('card_id')
      .notNull()
      .references(() => cards.id),
    changedAt: text('changed_at').notNull(),
  },
  (t) => [index('card_changes_card').on(t.cardId)],
);

/** The till catalogue of a place. */
export const products = sqliteTable(
  'products',
  {
    id: text('id').primaryKey(),
    placeId: text('place_id')
      .notNull()
      .references(() => places.id),
    label: text('label').notNull(),
    price: integer('price').notNull(),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    category: text('category').notNull().default(''),
    position: integer('position').notNull().default(0),
    archived: bool('archived').notNull().default(false),
  },
  (t) => [index('products_place').on(t.placeId)],
);

export const verifyRuns = sqliteTable('verify_runs', {
  id: text('id').primaryKey(),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at'),
  ok: bool('ok'),
  /** Human-readable first discrepancy, with its seq; null when ok. */
  firstDiscrepancy: text('first_discrepancy'),
  transfersChecked: integer('transfers_checked').notNull().default(0),
});

/**
 * What every source other than a till asks the ledger to do (an operator, a card
 * holder, a payment provider, a Fedow-compatible client, the hub itself), kept
 * verbatim with its outcome. `(source, actor, idempotency_key)` is unique: a retried
 * request is answered from `result` and applied once.
 */
export const requests = sqliteTable(
  'requests',
  {
    id: text('id').primaryKey(),
    source: text('source', { enum: REQUEST_SOURCES }).notNull(),
    /** Who within the source: the token's name, the wallet id, the provider, the place. */
    actor: text('actor').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** What was asked: topup, refund, deposit, correction, link, replace, lost, first, … */
    kind: text('kind').notNull(),
    /** The request's JSON text as received. */
    body: text('body').notNull(),
    /** hash(body): a retry with the same key must carry the same body. */
    hash: text('hash').notNull(),
    receivedAt: text('received_at').notNull(),
    status: text('status', { enum: ENTRY_STATUSES }).notNull(),
    reason: text('reason'),
    /** The JSON answer given, returned again to a retry. */
    result: text('result').notNull(),
  },
  (t) => [
    unique('requests_idempotency').on(t.source, t.actor, t.idempotencyKey),
    checkIn('requests_source_check', 'source', REQUEST_SOURCES),
    checkIn('requests_status_check', 'status', ENTRY_STATUSES),
    index('requests_received').on(t.receivedAt),
  ],
);

/** Payments taken by a provider (Stripe Checkout, a bank transfer recorded by hand) for FED top-ups. */
export const payments = sqliteTable(
  'payments',
  {
    id: text('id').primaryKey(),
    provider: text('provider').notNull(),
    /** The provider's id of the session or order the card holder pays (Stripe: cs_…). */
    session: text('session').unique(),
    /** The provider's id of the money received (Stripe: pi_…); the FED payment reference. */
    reference: text('reference').unique(),
    walletId: text('wallet_id').references(() => wallets.id),
    cardId: text('card_id').references(() => cards.id),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    amount: integer('amount').notNull(),
    /** pending → credited → (partly) refunded. */
    status: text('status').notNull(),
    refunded: integer('refunded').notNull().default(0),
    createdAt: text('created_at').notNull(),
    creditedAt: text('credited_at'),
    requestId: text('request_id').references(() => requests.id),
  },
  (t) => [index('payments_wallet').on(t.walletId)],
);

/** FED paid back to a card holder's bank account by SEPA transfer, in batches an operator approves. */
export const payouts = sqliteTable(
  'payouts',
  {
    id: text('id').primaryKey(),
    walletId: text('wallet_id')
      .notNull()
      .references(() => wallets.id),
    cardId: text('card_id').references(() => cards.id),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    amount: integer('amount').notNull(),
    iban: text('iban').notNull(),
    holder: text('holder').notNull(),
    status: text('status', { enum: PAYOUT_STATUSES }).notNull(),
    batchId: text('batch_id').references(() => payoutBatches.id),
    requestedAt: text('requested_at').notNull(),
    /** The request that booked it (RFD) once its file was sent. */
    requestId: text('request_id').references(() => requests.id),
  },
  (t) => [checkIn('payouts_status_check', 'status', PAYOUT_STATUSES), index('payouts_batch').on(t.batchId), index('payouts_status').on(t.status)],
);

export const payoutBatches = sqliteTable('payout_batches', {
  id: text('id').primaryKey(),
  createdAt: text('created_at').notNull(),
  approvedBy: text('approved_by').notNull(),
  /** The pain.001.001.03 XML, as exported. */
  file: text('file'),
  sentAt: text('sent_at'),
});
