/**
 * The admin API's requests (apps/hub/src/admin): one zod schema per body, query and
 * path, used by the HTTP routes as validator and OpenAPI document, and by the CLI to
 * check its flags the same way.
 */
import { z } from 'zod';
import { LABEL_CHARS_MAX, NOTE_CHARS_MAX, PAGE_ROWS_MAX } from './limits';
import { OfflinePolicy } from './policy';
import { Amount, AssetCategory, UuidInput as Uuid } from './primitives';

/** Names of places, assets, federations, tills and products. */
export const Name = z.string().trim().min(1).max(LABEL_CHARS_MAX);
const Description = z.string().max(NOTE_CHARS_MAX);
/** 1 to 3 letters or digits; lower case is accepted and upper-cased (LEDGER.md: upper). */
export const CurrencyCode = z
  .string()
  .transform((code) => code.trim().toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{1,3}$/, '1 to 3 letters or digits'));
export const Email = z.email().max(254);
/** Days a SUB membership lasts (up to ten years). */
export const MembershipDays = z.number().int().min(1).max(3_660);
/** A query-string flag: `true`/`false`, `1`/`0`. */
const QueryFlag = z.enum(['true', 'false', '1', '0']).transform((flag) => flag === 'true' || flag === '1');
/** A query-string integer. */
export const QueryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

// ── places ───────────────────────────────────────────────────────────────────

export const PlaceCreate = z.strictObject({
  name: Name,
  /** The place's administrator: a user (created if new) with this e-mail. */
  email: Email,
  description: Description.default(''),
  /** Tills of this place may enrol cards the hub does not know yet. */
  enrollUnknownCards: z.boolean().default(false),
});
export type PlaceCreate = z.infer<typeof PlaceCreate>;

// ── assets ───────────────────────────────────────────────────────────────────

export const AssetCreate = z.strictObject({
  name: Name,
  currencyCode: CurrencyCode,
  category: AssetCategory,
  /** The issuing place: its wallet becomes the asset's origin. */
  placeOrigin: Uuid,
  /** Minor-unit digits; default 2, and 0 for BDG. */
  decimals: z.number().int().min(0).max(6).optional(),
  /** SUB only; default 365. */
  membershipDays: MembershipDays.optional(),
});
export type AssetCreate = z.infer<typeof AssetCreate>;

// ── federations ──────────────────────────────────────────────────────────────

export const FederationCreate = z.strictObject({ name: Name, description: Description.default('') });
export type FederationCreate = z.infer<typeof FederationCreate>;
export const FederationAssetAdd = z.strictObject({ asset: Uuid });
export const FederationPlaceAdd = z.strictObject({ place: Uuid });
export const FederationAssetParams = z.strictObject({ id: Uuid, asset: Uuid });
export const FederationPlaceParams = z.strictObject({ id: Uuid, place: Uuid });

// ── cards ────────────────────────────────────────────────────────────────────

/** `POST /api/v1/cards/import?place=…&generation=…&primary=…` with a text/csv body. */
export const CardImportQuery = z.strictObject({
  place: Uuid,
  generation: QueryInt(1, 1_000_000).default(1),
  primary: QueryFlag.default(false),
});
export type CardImportQuery = z.infer<typeof CardImportQuery>;
/** A card by UID (8, 14 or 20 hex), printed number or QR code UUID. */
export const CardTag = z.string().trim().min(1).max(64);
export const CardParams = z.strictObject({ tag: CardTag });
export const CardPrimaryParams = z.strictObject({ tag: CardTag, place: Uuid });
export const CardPrimarySet = z.strictObject({ place: Uuid });

/** Some fields of an offline policy (TILL.md): the others keep their value. */
export const OfflinePolicyPatch = OfflinePolicy.partial();
export type OfflinePolicyPatch = z.infer<typeof OfflinePolicyPatch>;

/** A place's offline policy (merged into the current one) and whether its tills enroll unknown cards. */
export const PlaceSettingsUpdate = z
  .strictObject({ offlinePolicy: OfflinePolicyPatch.optional(), enrollUnknownCards: z.boolean().optional() })
  .refine((body) => body.offlinePolicy !== undefined || body.enrollUnknownCards !== undefined, 'change the offline policy, enrollUnknownCards, or both');

/** A till's overrides of its place's policy; null removes them all. */
export const TerminalPolicySet = z.strictObject({ overrides: OfflinePolicyPatch.nullable() });

// ── terminals ────────────────────────────────────────────────────────────────

export const PairingCodeCreate = z.strictObject({ place: Uuid, name: Name });
export type PairingCodeCreate = z.infer<typeof PairingCodeCreate>;
export const TerminalListQuery = z.strictObject({ place: Uuid.optional() });

// ── products (the till catalogue) ────────────────────────────────────────────

export const ProductCreate = z.strictObject({
  place: Uuid,
  label: Name,
  /** In the asset's minor unit. */
  price: Amount,
  asset: Uuid,
  /** The till groups its buttons by category; empty = none. */
  category: z.string().trim().max(LABEL_CHARS_MAX).default(''),
  /** Order of the buttons (ascending, then by label). */
  position: z.number().int().min(0).max(1_000_000).default(0),
});
export type ProductCreate = z.infer<typeof ProductCreate>;
export const ProductListQuery = z.strictObject({ place: Uuid, archived: QueryFlag.default(false) });

// ── shared ───────────────────────────────────────────────────────────────────

export const IdParams = z.strictObject({ id: Uuid });
/** Rows after a position (a transfer seq, a block height), in order. */
export const PageQuery = z.strictObject({
  after: QueryInt(0, Number.MAX_SAFE_INTEGER).default(0),
  limit: QueryInt(1, PAGE_ROWS_MAX).default(100),
});
export type PageQuery = z.infer<typeof PageQuery>;
/** Blocks after a height; without `after`, from the genesis block (height 0). */
export const BlockPageQuery = z.strictObject({
  after: QueryInt(0, Number.MAX_SAFE_INTEGER).optional(),
  limit: QueryInt(1, PAGE_ROWS_MAX).default(100),
});
export type BlockPageQuery = z.infer<typeof BlockPageQuery>;

/** The body of every admin API error (and of every hub HTTP error). */
export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }).loose() });
