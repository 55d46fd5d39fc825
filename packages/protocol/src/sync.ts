import { z } from 'zod';
import { REJECT_CODES, SYNC_ERROR_CODES } from './codes';
import { WireEntry } from './entry';
import { LABEL_CHARS_MAX, PUSH_ENTRIES_MAX, UPDATE_CARDS_MAX } from './limits';
import { BalanceActivity, MeltInfo } from './melt';
import { OfflinePolicy } from './policy';
import { CardSetMessage } from './card-set';
import { QrSale, QrSaleResult } from './qr-sale';
import { Amount, AssetCategory, Balance, CardUid, Hash, Nonce, PublicKey, Seq, Signature, Timestamp, Uuid } from './primitives';

export const PROTOCOL_VERSION = 1;

const Agent = z.string().min(1).max(100);
/** An opaque position in the hub's stream of card changes. */
const Cursor = z.string().min(1).max(100);

// ── pairing (HTTP) ───────────────────────────────────────────────────────────

export const PairingCode = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{8}$/, '8 Crockford base32 characters');

export const PairRequest = z.strictObject({
  code: z.string().transform((code) => code.toUpperCase().replace(/[-\s]/g, '')).pipe(PairingCode),
  publicKey: PublicKey,
  name: z.string().min(1).max(LABEL_CHARS_MAX),
  agent: Agent,
});
export type PairRequest = z.infer<typeof PairRequest>;

export const PairResponse = z.strictObject({
  terminal: Uuid,
  place: Uuid,
  placeName: z.string(),
  hub: PublicKey,
  genesis: Hash,
});
export type PairResponse = z.infer<typeof PairResponse>;

// ── card states pushed to tills ──────────────────────────────────────────────

export const CardState = z.strictObject({
  card: CardUid,
  wallet: Uuid.nullable(),
  balances: z.record(Uuid, Balance),
  /** Membership asset → end of validity. */
  membership: z.record(Uuid, Timestamp).optional(),
  /** Asset → last activity, for the assets that melt: the till computes the melted balance offline. */
  activity: z.record(Uuid, BalanceActivity).optional(),
  blocked: z.boolean(),
  reason: z.enum(['lost', 'debt']).optional(),
});
export type CardState = z.infer<typeof CardState>;

export const AssetInfo = z.strictObject({
  id: Uuid,
  name: z.string(),
  currencyCode: z.string().min(1).max(3),
  category: AssetCategory,
  decimals: z.number().int().min(0).max(6),
  archived: z.boolean(),
  /** The receiving till's place is the asset's origin: it may top it up and refund it. */
  issuedHere: z.boolean().optional(),
  /** Present when the asset melts. */
  melt: MeltInfo.optional(),
});
export type AssetInfo = z.infer<typeof AssetInfo>;

/** A product of the place's catalogue: a button on the till's sale screen. */
export const CatalogueItem = z.strictObject({
  id: Uuid,
  label: z.string().min(1).max(LABEL_CHARS_MAX),
  /** Price in minor units of `asset`. */
  price: Amount,
  asset: Uuid,
  category: z.string().max(LABEL_CHARS_MAX),
  position: z.number().int(),
});
export type CatalogueItem = z.infer<typeof CatalogueItem>;

// ── messages ─────────────────────────────────────────────────────────────────

export const Challenge = z.strictObject({ type: z.literal('challenge'), nonce: Nonce, hub: PublicKey, protocol: z.literal(PROTOCOL_VERSION) });
export const Hello = z.strictObject({
  type: z.literal('hello'),
  terminal: Uuid,
  protocol: z.literal(PROTOCOL_VERSION),
  agent: Agent,
  sig: Signature,
  /** The cursor of the last update the till stored; absent → full snapshot. */
  cursor: Cursor.optional(),
});
export const Welcome = z.strictObject({
  type: z.literal('welcome'),
  lastSeq: Seq,
  lastHash: Hash,
  serverTime: Timestamp,
  policy: OfflinePolicy,
});
export const Push = z.strictObject({ type: z.literal('push'), entries: z.array(WireEntry).min(1).max(PUSH_ENTRIES_MAX) });
export const AckResult = z.strictObject({
  seq: Seq,
  id: Uuid,
  status: z.enum(['applied', 'rejected', 'duplicate']),
  reason: z.enum(REJECT_CODES).optional(),
});
export type AckResult = z.infer<typeof AckResult>;
export const Ack = z.strictObject({ type: z.literal('ack'), lastSeq: Seq, results: z.array(AckResult).max(PUSH_ENTRIES_MAX) });
export const Update = z.strictObject({
  type: z.literal('update'),
  cursor: Cursor,
  full: z.boolean().optional(),
  part: z.number().int().min(1).optional(),
  parts: z.number().int().min(1).optional(),
  cards: z.array(CardState).max(UPDATE_CARDS_MAX),
  primaries: z.array(CardUid).optional(),
  assets: z.array(AssetInfo).optional(),
  policy: OfflinePolicy.optional(),
  /** The receiving till's entries up to this seq are included in these card states. */
  appliedThrough: Seq.optional(),
  /** The place's whole catalogue, when it is sent (snapshot, or after it changed); replaces the till's. */
  catalogue: z.array(CatalogueItem).max(1_000).optional(),
});
export const Updated = z.strictObject({ type: z.literal('updated'), cursor: Cursor });
export const Ping = z.strictObject({ type: z.literal('ping'), t: z.number().int() });
export const Pong = z.strictObject({ type: z.literal('pong'), t: z.number().int() });
export const SyncError = z.strictObject({
  type: z.literal('error'),
  code: z.enum(SYNC_ERROR_CODES),
  message: z.string(),
  /** `gap`: the seq the hub expects next. */
  expected: Seq.optional(),
});

export const TillMessage = z.discriminatedUnion('type', [Hello, Push, Updated, Ping, Pong, QrSale]);
export const HubMessage = z.discriminatedUnion('type', [Challenge, Welcome, Ack, Update, SyncError, Ping, Pong, QrSaleResult, CardSetMessage]);

export type Challenge = z.infer<typeof Challenge>;
export type Hello = z.infer<typeof Hello>;
export type Welcome = z.infer<typeof Welcome>;
export type Push = z.infer<typeof Push>;
export type Ack = z.infer<typeof Ack>;
export type Update = z.infer<typeof Update>;
export type Updated = z.infer<typeof Updated>;
export type Ping = z.infer<typeof Ping>;
export type Pong = z.infer<typeof Pong>;
export type SyncError = z.infer<typeof SyncError>;
export type TillMessage = z.infer<typeof TillMessage>;
export type HubMessage = z.infer<typeof HubMessage>;

/** The body a till signs to answer a challenge. */
export function helloProof(terminal: string, nonce: string, hub: string) {
  return { purpose: 'sync-hello', terminal, nonce, hub } as const;
}

/** The genesis of a till's chain: the `prev` of its entry 1. */
export function genesisBody(terminal: string, publicKey: string, place: string, hub: string) {
  return { terminal, publicKey, place, hub } as const;
}
