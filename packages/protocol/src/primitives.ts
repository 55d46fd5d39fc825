import { z } from 'zod';
import { AMOUNT_MAX } from './limits';

/**
 * The patterns of the wire's strings, shared by the schemas below and the push
 * frame's hand-written reader (push-frame.ts), which must accept no more than they do.
 */
export const PATTERNS = {
  hex64: /^[0-9a-f]{64}$/,
  signature: /^[0-9a-f]{128}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  cardUid: /^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$/,
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
} as const;

/** Lowercase hex SHA-256 (LEDGER.md: hex is lowercase unless a field says otherwise). */
export const Hash = z.string().regex(PATTERNS.hex64, 'a lowercase hex SHA-256');
/** Ed25519 signature, lowercase hex. */
export const Signature = z.string().regex(PATTERNS.signature, 'a lowercase hex Ed25519 signature');
/** Ed25519 public key, lowercase hex. */
export const PublicKey = z.string().regex(PATTERNS.hex64, 'a lowercase hex Ed25519 public key');
/** 32 random bytes, lowercase hex. */
export const Nonce = z.string().regex(PATTERNS.hex64, '32 bytes of lowercase hex');
export const Uuid = z.string().regex(PATTERNS.uuid, 'a lowercase UUID');
/**
 * A UUID typed by a person (the admin API, the CLI): any case, lower-cased. Never in
 * what tills sign: a signed body is hashed exactly as written.
 */
export const UuidInput = z
  .string()
  .regex(new RegExp(PATTERNS.uuid.source, 'i'), 'a UUID')
  .transform((id) => id.toLowerCase());
/** A card's UID: ISO 14443 4, 7 or 10 bytes, uppercase hex. */
export const CardUid = z.string().regex(PATTERNS.cardUid, 'a card UID: 8, 14 or 20 uppercase hex characters');
/** RFC 3339 UTC with milliseconds, as LEDGER.md writes every time on the wire. */
export const Timestamp = z.string().regex(PATTERNS.timestamp, 'an RFC 3339 UTC time with milliseconds');
/** An amount in the asset's minor unit. */
export const Amount = z.number().int().min(0).max(AMOUNT_MAX);
/** A balance may be negative: debt from offline-authorised sales. */
export const Balance = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
export const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const ASSET_CATEGORIES = ['FED', 'TLF', 'TNF', 'TIM', 'FID', 'BDG', 'SUB'] as const;
export const AssetCategory = z.enum(ASSET_CATEGORIES);
export type AssetCategory = z.infer<typeof AssetCategory>;

export const TRANSFER_ACTIONS = ['FST', 'CRE', 'REF', 'SAL', 'QRS', 'SUB', 'BDG', 'FUS', 'RFD', 'BNK', 'COR', 'TRF', 'CMP', 'MLT'] as const;
export const TransferAction = z.enum(TRANSFER_ACTIONS);
export type TransferAction = z.infer<typeof TransferAction>;

/** `SHO`/`SHC`: a cashier's shift opens with its float and closes with its cash count (no money moves). */
export const ENTRY_KINDS = ['SAL', 'REF', 'SUB', 'BDG', 'RFD', 'VID', 'SHO', 'SHC'] as const;
/** Entry kinds that record a shift of the cash drawer and move no money. */
export const SHIFT_KINDS = ['SHO', 'SHC'] as const;
export const EntryKind = z.enum(ENTRY_KINDS);
export type EntryKind = z.infer<typeof EntryKind>;
