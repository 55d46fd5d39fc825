/**
 * Every limit of the wire protocol and of the till, in one place, units last.
 * Anything that reads a socket, a file or a request body uses these.
 */

/** One WebSocket frame (SYNC.md): the hub closes with 1009 beyond. */
export const FRAME_BYTES_MAX = 1024 * 1024;
/** Entries one till decision may append (a sale split across assets). */
export const APPEND_ENTRIES_MAX = 32;
/** Entries in one `push`. */
export const PUSH_ENTRIES_MAX = 500;
/** Pushes a till may have in flight before it must wait for an ack. */
export const PUSH_WINDOW_MAX = 4;
/** Canonical size of an entry's `meta`. */
export const META_BYTES_MAX = 4 * 1024;
/** Lines of a sale carried in `meta.lines`. */
export const META_LINES_MAX = 100;
/** Free-text note in `meta.note` and labels. */
export const NOTE_CHARS_MAX = 500;
export const LABEL_CHARS_MAX = 80;
/** An operator token's name, recorded on every request the token makes. */
export const TOKEN_NAME_CHARS_MAX = 100;
/** Cards in one `update` part of a full snapshot. */
export const UPDATE_CARDS_MAX = 2_000;
/** Heartbeat period and the silence after which a connection is closed. */
export const HEARTBEAT_MS = 15_000;
export const SILENCE_MS_MAX = 45_000;
/** Till reconnection backoff (SYNC.md): 0.5 s doubling to 30 s, ±20 % jitter. */
export const RECONNECT_MS_MIN = 500;
export const RECONNECT_MS_MAX = 30_000;
export const RECONNECT_JITTER_RATIO = 0.2;
/** Pairing codes: 8 Crockford base32 characters, single use, 15 minutes. */
export const PAIRING_CODE_CHARS = 8;
export const PAIRING_CODE_TTL_MS = 15 * 60_000;
/** Failed pairing attempts from one address before 429, per window. */
export const PAIRING_FAILURES_MAX = 10;
export const PAIRING_FAILURE_WINDOW_MS = 60_000;
/**
 * Messages per second a till may send before it is rate limited. The budget is
 * the till's, not the connection's: reconnecting does not refill it.
 */
export const SYNC_MESSAGES_PER_SECOND_MAX = 50;
/** What our own till sends at most: below the hub's limit, so a burst of sales never meets its back-off. */
export const SYNC_TILL_MESSAGES_PER_SECOND = (SYNC_MESSAGES_PER_SECOND_MAX * 4) / 5;
/**
 * After a rate violation (too many messages, pushes beyond the window, or before
 * hello a malformed message or a failed hello from an address), the till — or the
 * address — is refused for a back-off that starts here and doubles with every
 * further violation, up to the maximum.
 */
export const SYNC_BACKOFF_MS_MIN = 1_000;
export const SYNC_BACKOFF_MS_MAX = 60_000;
/**
 * Violations before hello an address may make before its back-off starts: tills
 * behind one NAT share an address, and one broken device should not lock out the rest.
 */
export const SYNC_ADDRESS_VIOLATIONS_FREE = 10;
/** Violations are forgotten after this long without one: the back-off starts again from the minimum. */
export const SYNC_VIOLATIONS_FORGET_MS = 10 * 60_000;
/** Tills and addresses whose rate state the hub keeps at once (the oldest idle ones go first). */
export const SYNC_RATE_KEYS_MAX = 10_000;
/**
 * Entries one till may apply in one turn at the ingest (one transaction), when
 * no other till waits: a batch of the whole push window.
 */
export const INGEST_TURN_ENTRIES_MAX = PUSH_ENTRIES_MAX * PUSH_WINDOW_MAX;
/**
 * The same when other tills wait for their turn: tills take turns, so one till's
 * flood delays another's push by a few of these at most.
 */
export const INGEST_SHARED_TURN_ENTRIES_MAX = 100;
/** Entries of one signature-check job on the crypto workers: tills take turns job by job. */
export const VERIFY_JOB_ENTRIES_MAX = 50;
/**
 * Quarantine per till (entries refused with bad_hash, bad_signature or
 * wrong_terminal): the first ones and the latest ones are kept, the rest only
 * counted; a till that reaches the freeze count is frozen.
 */
export const QUARANTINE_FIRST_KEPT_MAX = 50;
export const QUARANTINE_LATEST_KEPT_MAX = 50;
export const QUARANTINE_FREEZE_ENTRIES = 500;
/** HTTP request body for the admin API (a CSV import is streamed separately). */
export const HTTP_BODY_BYTES_MAX = 1024 * 1024;
/** A payment provider's notification (a Stripe event is a few kilobytes; its largest objects stay far below this). */
export const WEBHOOK_BODY_BYTES_MAX = 256 * 1024;
/** Card import CSV file. */
export const CARD_CSV_BYTES_MAX = 64 * 1024 * 1024;
/** Blocks: sealed every this many transfers or this long, whichever first. */
export const BLOCK_TRANSFERS_MAX = 1_000;
export const BLOCK_MS_MAX = 1_000;
/** Outgoing webhooks: endpoints served at once (each has one delivery in flight at most). */
export const WEBHOOK_ENDPOINTS_IN_FLIGHT_MAX = 16;
/** Outgoing webhooks: an endpoint that has not answered after this long has failed this attempt (FEDOW_WEBHOOK_TIMEOUT_MS may say otherwise). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** A card holder's transfers per asset and per day, in minor units, unless FEDOW_TRANSFER_DAILY_MAX or an operator says otherwise. */
export const HOLDER_TRANSFER_DAILY_MAX = 100_00;
/** Acknowledged journal entries are kept this long on the till. */
export const JOURNAL_RETENTION_MS = 30 * 24 * 3_600_000;
/** Largest amount of one entry, in minor units: keeps sums far inside safe integers. */
export const AMOUNT_MAX = 1_000_000_000_00;
/** Users in one page of a listing, and transfers in one page of a wallet's history. */
export const USERS_PAGE_MAX = 200;
export const HISTORY_PAGE_MAX = 200;
/**
 * Payouts in one SEPA batch: a bank file stays a size banks take, the booking one
 * transaction, and the file's ids inside 35 characters (pain.001 Max35Text).
 */
export const PAYOUT_BATCH_PAYOUTS_MAX = 5_000;
/** A wallet-signed request (a transfer, a QR payment) is valid this long after it is made. */
export const WALLET_REQUEST_TTL_MS = 5 * 60_000;

// ── the card holder's page (issue 12) ──
/** A one-time sign-in link works once, within this long. */
export const HOLDER_LINK_TTL_MS = 15 * 60_000;
/** A card holder's session; then a new link by e-mail. */
export const HOLDER_SESSION_TTL_MS = 30 * 24 * 60 * 60_000;
/** A transfer's e-mailed code: valid this long, this many tries. */
export const TRANSFER_CODE_TTL_MS = 5 * 60_000;
export const TRANSFER_CODE_TRIES_MAX = 5;
/** Sign-in links one e-mail address receives per hour, and codes one user receives per hour. */
export const HOLDER_LINKS_PER_HOUR_MAX = 5;
export const TRANSFER_CODES_PER_HOUR_MAX = 10;
/** Requests one address makes to the card pages and the sign-in form per minute (a QR code UUID is not guessed at speed). */
export const HOLDER_REQUESTS_PER_MINUTE_MAX = 60;
/** History lines a card holder's page shows. */
export const HOLDER_HISTORY_ROWS_MAX = 30;
/** The largest online top-up from the card holder's page, in euro cents. */
export const HOLDER_TOPUP_CENTS_MAX = 500_00;

// ── bounds of the admin API, the till's drawer counts and payment codes ──
/** Most pieces of one denomination a count may hold: far above any drawer, well inside a safe integer. */
export const COUNT_PIECES_MAX = 100_000;
/** Rows one listing request returns at most. */
export const PAGE_ROWS_MAX = 1_000;
/** A scanned code is ~150 characters; anything far longer is not one. */
export const QR_CODE_CHARS_MAX = 256;
/** A payment code is valid this long after it is shown. */
export const PAY_TOKEN_TTL_MS = 60_000;
/** Requests in one page of the audit. */
export const AUDIT_ROWS_MAX = 200;
/** Deliveries listed per page, at most. */
export const WEBHOOK_DELIVERIES_PAGE_MAX = 200;
export const WEBHOOK_URL_CHARS_MAX = 2_000;
