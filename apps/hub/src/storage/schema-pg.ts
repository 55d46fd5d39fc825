/**
 * The hub's schema for PostgreSQL. `schema-sqlite.ts` is the same logical schema for
 * SQLite, table for table and column for column: `storage-schema.test.ts` checks
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
import { bigint, boolean, check, index, integer, pgTable, primaryKey, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import {
  ASSET_CATEGORIES,
  COMPAT_ALIAS_KINDS,
  COMPAT_KEY_KINDS,
  ENTRY_STATUSES,
  OPERATOR_ROLES,
  PAYOUT_STATUSES,
  REQUEST_SOURCES,
  inList,
  TERMINAL_STATUSES,
  TRANSFER_ACTIONS,
  TIME_MODES,
  WALLET_KINDS,
  WEBHOOK_DELIVERY_STATUSES,
} from './schema-values';

const bool = (name: string) => boolean(name);
/** Money and sequence numbers: 64-bit in the database, JS safe integers in memory. */
const big = (name: string) => bigint(name, { mode: 'number' });
const checkIn = (name: string, column: string, values: readonly string[]) =>
  check(name, sql.raw(`"${column}" in ${inList(values)}`));

/** One row (id = 1): the hub's public key and the genesis hash of its block chain. */
export const hubIdentity = pgTable(
  'hub_identity',
  {
    id: integer('id').primaryKey().default(1),
    publicKey: text('public_key').notNull(),
    genesis: text('genesis').notNull(),
    createdAt: text('created_at').notNull(),
  },
  () => [check('hub_identity_singleton', sql.raw('"id" = 1'))],
);

export const wallets = pgTable(
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

export const places = pgTable('places', {
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
  /** Cents: a shift whose counted cash differs from the expected by more raises an alert; null = the default (SHIFT_ALERT_THRESHOLD_DEFAULT). */
  shiftAlertThreshold: big('shift_alert_threshold'),
});

export const federations = pgTable('federations', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  createdAt: text('created_at').notNull(),
});

export const users = pgTable(
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

export const assets = pgTable(
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

export const federationPlaces = pgTable(
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

export const federationAssets = pgTable(
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

export const balances = pgTable(
  'balances',
  {
    walletId: text('wallet_id')
      .notNull()
      .references(() => wallets.id),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    /** Minor units; negative only through offline-authorised sales (debt). */
    value: big('value').notNull().default(0),
    /** Hub time of the last transfer other than a melt that moved this balance (null: before melting was tracked). */
    activeAt: text('active_at'),
    /** Melted (MLT) since `activeAt`, in minor units. */
    melted: big('melted').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.walletId, t.assetId] }),
    index('balances_asset').on(t.assetId),
    // The melt sweep's pages, in index order (repo-melt.ts): with the wallet last, a
    // page resumes where the previous one stopped instead of sorting every balance again.
    index('balances_asset_inactive').on(t.assetId, t.activeAt, t.walletId),
  ],
);

/**
 * Melting currency: every version of an asset's policy, append-only, so that
 * `fedow verify` replays each melt with the policy in force when it was booked.
 */
export const meltPolicies = pgTable(
  'melt_policies',
  {
    id: text('id').primaryKey(),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    /** The rule as JSON (`MeltRule`); null: melting turned off from `since`. */
    rule: text('rule'),
    /** The asset origin's melt wallet, which receives what melts. */
    walletId: text('wallet_id')
      .notNull()
      .references(() => wallets.id),
    since: text('since').notNull(),
  },
  (t) => [index('melt_policies_asset').on(t.assetId, t.since)],
);

export const memberships = pgTable(
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

export const cardBatches = pgTable('card_batches', {
  id: text('id').primaryKey(),
  placeId: text('place_id').references(() => places.id),
  generation: integer('generation').notNull().default(1),
  label: text('label').notNull(),
  createdAt: text('created_at').notNull(),
});

export const cards = pgTable(
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

export const cardPrimaryPlaces = pgTable(
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

export const terminals = pgTable(
  'terminals',
  {
    id: text('id').primaryKey(),
    placeId: text('place_id')
      .notNull()
      .references(() => places.id),
    name: text('name').notNull(),
    publicKey: text('public_key').notNull().unique(),
    genesis: text('genesis').notNull(),
    lastSeq: big('last_seq').notNull().default(0),
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
export const tillPresence = pgTable('till_presence', {
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

export const pairingCodes = pgTable('pairing_codes', {
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
export const entries = pgTable(
  'entries',
  {
    id: text('id').primaryKey(),
    terminalId: text('terminal_id')
      .notNull()
      .references(() => terminals.id),
    seq: big('seq').notNull(),
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
export const quarantine = pgTable(
  'quarantine',
  {
    id: big('id').primaryKey().generatedByDefaultAsIdentity(),
    terminalId: text('terminal_id')
      .notNull()
      .references(() => terminals.id),
    seq: big('seq').notNull(),
    entryId: text('entry_id').notNull(),
    body: text('body').notNull(),
    hash: text('hash').notNull(),
    sig: text('sig').notNull(),
    reason: text('reason').notNull(),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [index('quarantine_terminal_seq').on(t.terminalId, t.seq)],
);

export const blocks = pgTable('blocks', {
  height: big('height').primaryKey(),
  prev: text('prev').notNull(),
  firstSeq: big('first_seq').notNull(),
  lastSeq: big('last_seq').notNull(),
  head: text('head').notNull(),
  sealedAt: text('sealed_at').notNull(),
  hash: text('hash').notNull().unique(),
  sig: text('sig').notNull(),
});

/** Ledger movements; `seq` is the global commit order the sealer chains. */
export const transfers = pgTable(
  'transfers',
  {
    seq: big('seq').primaryKey().generatedByDefaultAsIdentity(),
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
    amount: big('amount').notNull(),
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
    blockHeight: big('block_height').references(() => blocks.height),
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
export const paymentRefs = pgTable('payment_refs', {
  ref: text('ref').primaryKey(),
  transferId: text('transfer_id')
    .notNull()
    .unique()
    .references(() => transfers.id),
});

export const operatorTokens = pgTable(
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
export const cardChanges = pgTable(
  'card_changes',
  {
    seq: big('seq').primaryKey().generatedByDefaultAsIdentity(),
    cardId: text('card_id')
      .notNull()
      .references(() => cards.id),
    changedAt: text('changed_at').notNull(),
  },
  (t) => [index('card_changes_card').on(t.cardId)],
);

/** The till catalogue of a place. */
export const products = pgTable(
  'products',
  {
    id: text('id').primaryKey(),
    placeId: text('place_id')
      .notNull()
      .references(() => places.id),
    label: text('label').notNull(),
    price: big('price').notNull(),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    category: text('category').notNull().default(''),
    position: integer('position').notNull().default(0),
    archived: bool('archived').notNull().default(false),
  },
  (t) => [index('products_place').on(t.placeId)],
);

export const verifyRuns = pgTable('verify_runs', {
  id: text('id').primaryKey(),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at'),
  ok: bool('ok'),
  /** Human-readable first discrepancy, with its seq; null when ok. */
  firstDiscrepancy: text('first_discrepancy'),
  transfersChecked: big('transfers_checked').notNull().default(0),
});

/**
 * What every source other than a till asks the ledger to do (an operator, a card
 * holder, a payment provider, a Fedow-compatible client, the hub itself), kept
 * verbatim with its outcome. `(source, actor, idempotency_key)` is unique: a retried
 * request is answered from `result` and applied once.
 */
export const requests = pgTable(
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
export const payments = pgTable(
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
    amount: big('amount').notNull(),
    /** pending → credited → (partly) refunded. */
    status: text('status').notNull(),
    refunded: big('refunded').notNull().default(0),
    createdAt: text('created_at').notNull(),
    creditedAt: text('credited_at'),
    requestId: text('request_id').references(() => requests.id),
  },
  (t) => [index('payments_wallet').on(t.walletId)],
);

/** FED paid back to a card holder's bank account by SEPA transfer, in batches an operator approves. */
export const payouts = pgTable(
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
    amount: big('amount').notNull(),
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

export const payoutBatches = pgTable('payout_batches', {
  id: text('id').primaryKey(),
  createdAt: text('created_at').notNull(),
  approvedBy: text('approved_by').notNull(),
  /** The pain.001.001.03 XML, as exported. */
  file: text('file'),
  sentAt: text('sent_at'),
});

/** The SQLite deployment's signals (schema-sqlite.ts); PostgreSQL carries them with NOTIFY, the table stays empty. */
export const signals = pgTable('signals', {
  id: big('id').primaryKey().generatedByDefaultAsIdentity(),
  origin: text('origin').notNull(),
  kind: text('kind').notNull(),
  payload: text('payload').notNull(),
  at: text('at').notNull(),
});

/**
 * A place's rules for time spent (issue 14.4): its door tills' badge taps become
 * minutes of `asset` (TIM), accrued (issued by the place) or debited (a time credit).
 */
export const timeRules = pgTable(
  'time_rules',
  {
    placeId: text('place_id')
      .primaryKey()
      .references(() => places.id),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
    mode: text('mode', { enum: TIME_MODES }).notNull(),
    roundingMinutes: integer('rounding_minutes').notNull(),
    /** Null: no cap. */
    dailyCapMinutes: integer('daily_cap_minutes'),
    /** HH:MM, UTC. */
    closingTime: text('closing_time').notNull(),
    debounceSeconds: integer('debounce_seconds').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  () => [checkIn('time_rules_mode_check', 'mode', TIME_MODES)],
);

/*
 * The Fedow-compatible API (apps/hub/src/compat, issue 13): the original's
 * credentials and what its answers need beyond our own rows. Cards, assets, places,
 * wallets and transfers made through it are the ordinary rows above.
 */

/**
 * `Authorization: Api-Key <prefix>.<secret>` keys (41 characters). Only a hash is
 * kept: `sha256$<hex>` for keys made here; an imported key keeps the original's
 * hasher string (`sha512$$<hex>`, `pbkdf2_sha256$…`) and is checked with it.
 */
export const compatApiKeys = pgTable(
  'compat_api_keys',
  {
    prefix: text('prefix').primaryKey(),
    hashedKey: text('hashed_key').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: COMPAT_KEY_KINDS }).notNull(),
    /** The place a place or temp key acts for; null for the root key. */
    placeId: text('place_id').references(() => places.id),
    /** The place administrator the key was issued to (the original's OrganizationAPIKey.user). */
    userId: text('user_id').references(() => users.id),
    createdAt: text('created_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (t) => [checkIn('compat_api_keys_kind_check', 'kind', COMPAT_KEY_KINDS), index('compat_api_keys_place').on(t.placeId)],
);

/** What the original keeps on a place for LaBoutik and Lespass: the cashless RSA key checks LaBoutik's signatures. */
export const compatPlaces = pgTable('compat_places', {
  placeId: text('place_id')
    .primaryKey()
    .references(() => places.id),
  /** Set for a place created by Lespass: with no cashless key, its key alone passes KP. */
  lespassDomain: text('lespass_domain'),
  /** LaBoutik's RSA public key (SPKI PEM), from the handshake. */
  cashlessRsaPubKey: text('cashless_rsa_pub_key'),
  cashlessIp: text('cashless_ip'),
  cashlessUrl: text('cashless_url'),
  /** LaBoutik's own API key, hashed like ours: the hub never calls LaBoutik, so it needs no clear copy. */
  cashlessAdminApikeyHash: text('cashless_admin_apikey_hash'),
  dokosId: text('dokos_id'),
  handshakeAt: text('handshake_at'),
});

/** A wallet's RSA public key (SPKI PEM, ≤ 512 characters): Lespass users, place admins, the hub's primary wallet. */
export const compatWalletKeys = pgTable('compat_wallet_keys', {
  walletId: text('wallet_id')
    .primaryKey()
    .references(() => wallets.id),
  publicPem: text('public_pem').notNull(),
  createdAt: text('created_at').notNull(),
});

/** The original's token uuids (a balance row has none): pre-tokens given by LaBoutik, imported tokens. */
export const compatTokens = pgTable(
  'compat_tokens',
  {
    uuid: text('uuid').primaryKey(),
    walletId: text('wallet_id')
      .notNull()
      .references(() => wallets.id),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id),
  },
  (t) => [unique('compat_tokens_wallet_asset').on(t.walletId, t.assetId)],
);

/**
 * What an answer in the original's shape needs of a transfer made through the API:
 * its 64-hex hash (known at once, before sealing), the `metadata` and `comment`
 * echoed byte for byte.
 */
export const compatTransactions = pgTable('compat_transactions', {
  transferId: text('transfer_id')
    .primaryKey()
    .references(() => transfers.id),
  hash: text('hash').notNull().unique(),
  /** The JSON text of `metadata` as received (a string stays a JSON string); null = absent. */
  metadata: text('metadata'),
  /** The JSON text of `comment` as received; null = absent. */
  comment: text('comment'),
  subscriptionStart: text('subscription_start'),
  createdAt: text('created_at').notNull(),
});

/** Lespass refills' `checkout:<id>` and `invoice:<id>`: a second use is refused ("Already reported"). */
export const compatDedupKeys = pgTable('compat_dedup_keys', {
  key: text('key').primaryKey(),
  transferId: text('transfer_id')
    .notNull()
    .references(() => transfers.id),
});

/**
 * The original's uuids that `fedow import-fedow` mapped onto this hub's own (its
 * FED asset, its primary wallet): LaBoutik and Lespass keep sending them, and the
 * compatible API resolves them here, and answers them back in their place.
 */
export const compatAliases = pgTable(
  'compat_aliases',
  {
    /** The original's uuid. */
    alias: text('alias').primaryKey(),
    kind: text('kind', { enum: COMPAT_ALIAS_KINDS }).notNull(),
    /** The hub's asset or wallet it stands for. */
    targetId: text('target_id').notNull(),
  },
  () => [checkIn('compat_aliases_kind_check', 'kind', COMPAT_ALIAS_KINDS)],
);

/**
 * An outgoing webhook subscription: where to POST which events, signed with its
 * secret. `placeId` null: every place of the hub (an operator's endpoint).
 * Removed endpoints stay (their deliveries name them) with `removedAt` set.
 */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: text('id').primaryKey(),
  placeId: text('place_id').references(() => places.id),
  url: text('url').notNull(),
  /** JSON array of event types. */
  events: text('events').notNull(),
  /** `whsec_` + base64 of the HMAC key (Standard Webhooks). */
  secret: text('secret').notNull(),
  createdAt: text('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  removedAt: text('removed_at'),
});

/**
 * The transactional outbox: what happened, written in the transaction of the
 * change itself; the dispatcher turns each row into deliveries and deletes it.
 * `seq` follows commit order (lockCommitOrder), so deliveries keep it.
 */
export const outboxEvents = pgTable('outbox_events', {
  seq: big('seq').primaryKey().generatedByDefaultAsIdentity(),
  type: text('type').notNull(),
  /** JSON text: the event's data, or for `transfer.applied` the ids of the transfers of one transaction. */
  payload: text('payload').notNull(),
  at: text('at').notNull(),
});

/** One message to one endpoint, in the endpoint's order (`seq`), with its attempts. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    seq: big('seq').primaryKey().generatedByDefaultAsIdentity(),
    id: text('id').notNull().unique(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    /** The `webhook-id` header: the same for every attempt and every replay of one message. */
    messageId: text('message_id').notNull(),
    type: text('type').notNull(),
    /** The exact JSON body sent and signed. */
    body: text('body').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** JSON array of the latest attempts: {at, status, error, ms}. */
    attemptLog: text('attempt_log').notNull().default('[]'),
    createdAt: text('created_at').notNull(),
    firstAttemptAt: text('first_attempt_at'),
    nextAttemptAt: text('next_attempt_at').notNull(),
    finishedAt: text('finished_at'),
    /** The delivery this one replays, when an operator asked. */
    replayOf: text('replay_of'),
  },
  (t) => [checkIn('webhook_deliveries_status_check', 'status', WEBHOOK_DELIVERY_STATUSES), index('webhook_deliveries_queue').on(t.endpointId, t.status, t.seq)],
);

/** A card holder's one-time sign-in link (issue 12): only the hash of its token is kept; used once, within 15 minutes. */
export const holderLinks = pgTable('holder_links', {
  tokenHash: text('token_hash').primaryKey(),
  email: text('email').notNull(),
  /** The card whose page asked for it: linked to the e-mail when the link is followed. */
  cardId: text('card_id').references(() => cards.id),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  usedAt: text('used_at'),
});

/** A card holder's signed-in session: the cookie holds a random id, the table its hash. */
export const holderSessions = pgTable(
  'holder_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('holder_sessions_user').on(t.userId)],
);

/** A transfer waiting for its e-mailed 6-digit code: the signed request, the code's hash, the tries left. */
export const holderCodes = pgTable(
  'holder_codes',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** The signed wallet request (JSON), submitted as is once the code matches. */
    request: text('request').notNull(),
    codeHash: text('code_hash').notNull(),
    triesLeft: integer('tries_left').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
  },
  (t) => [index('holder_codes_user').on(t.userId)],
);

/** What an operator set for one user's transfers: a daily limit (minor units, per asset; null = the hub's default) and a block. */
export const holderLimits = pgTable('holder_limits', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  transferDailyMax: big('transfer_daily_max'),
  transfersBlocked: bool('transfers_blocked').notNull().default(false),
  updatedAt: text('updated_at').notNull(),
});

/** The card holder's page's settings an operator changes from the dashboard (payouts open, default transfer limit). */
export const holderOptions = pgTable('holder_options', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Cashier shifts at a till's drawer (docs/DECISIONS.md, "Cashier shifts"): opened by
 * a signed SHO entry (id = its entry id) with the float, closed by a SHC entry with
 * the cash counted. `expected` is the hub's: float + cash in − cash out through the
 * till's applied entries between the two (seq range), from the ledger's transfers;
 * `tillExpected` is what the till showed. Money in cents; counts are JSON text.
 */
export const shifts = pgTable(
  'shifts',
  {
    id: text('id').primaryKey(),
    terminalId: text('terminal_id')
      .notNull()
      .references(() => terminals.id),
    placeId: text('place_id')
      .notNull()
      .references(() => places.id),
    /** The cashier card that signed the opening, as the till read it. */
    cashier: text('cashier').notNull(),
    openSeq: big('open_seq').notNull(),
    /** Till clock of the opening. */
    openedAt: text('opened_at').notNull(),
    float: big('float').notNull(),
    floatCount: text('float_count'),
    closeSeq: big('close_seq'),
    closedAt: text('closed_at'),
    closedBy: text('closed_by'),
    counted: big('counted'),
    count: text('count'),
    expected: big('expected'),
    tillExpected: big('till_expected'),
    difference: big('difference'),
    /** The threshold in force when it closed; `alert` when |difference| went beyond it. */
    alertThreshold: big('alert_threshold'),
    alert: bool('alert').notNull().default(false),
  },
  (t) => [unique('shifts_terminal_open_seq').on(t.terminalId, t.openSeq), index('shifts_place_opened').on(t.placeId, t.openedAt)],
);

/**
 * The directory's version: one row whose token the database's own triggers
 * (migration 0015) replace with a random one in the transaction of any write to
 * places, assets, federations, their members, melt policies or the primary
 * wallet, whichever process or command writes. A directory read under a token
 * is valid for as long as the token is (ingest/working-set.ts caches it so).
 */
export const directoryVersion = pgTable(
  'directory_version',
  {
    id: integer('id').primaryKey().default(1),
    token: text('token').notNull(),
  },
  () => [check('directory_version_singleton', sql.raw('"id" = 1'))],
);
