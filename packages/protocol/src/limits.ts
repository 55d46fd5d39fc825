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
/** Messages per second a till may send before it is rate limited. */
export const SYNC_MESSAGES_PER_SECOND_MAX = 50;
/** HTTP request body for the admin API (a CSV import is streamed separately). */
export const HTTP_BODY_BYTES_MAX = 1024 * 1024;
/** A payment provider's notification (a Stripe event is a few kilobytes; its largest objects stay far below this). */
export const WEBHOOK_BODY_BYTES_MAX = 256 * 1024;
/** Card import CSV file. */
export const CARD_CSV_BYTES_MAX = 64 * 1024 * 1024;
/** Blocks: sealed every this many transfers or this long, whichever first. */
export const BLOCK_TRANSFERS_MAX = 1_000;
export const BLOCK_MS_MAX = 1_000;
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
