/**
 * What `fedow import-fedow` reads from an original Fedow (TiBillet/Fedow's Django
 * tables, app `fedow_core`): the rows that matter, ids normalised to lowercase
 * dashed UUIDs and times to RFC 3339 UTC, whichever database they came from.
 */

export interface OriginalWallet {
  id: string;
  name: string | null;
  /** The wallet's RSA public key (PEM): how Lespass signs for its user. */
  publicPem: string | null;
}

export interface OriginalPlace {
  id: string;
  name: string;
  description: string;
  wallet: string;
  lespassDomain: string | null;
  cashlessServerIp: string | null;
  cashlessServerUrl: string | null;
  /** LaBoutik's RSA public key (PEM), which signs its requests. */
  cashlessRsaPubKey: string | null;
  /** The cashless admin key, Fernet-encrypted with the original's secret: kept as it is. */
  cashlessAdminApikeyEncrypted: string | null;
  admins: string[];
}

export interface OriginalAsset {
  id: string;
  name: string;
  currencyCode: string;
  category: string;
  originWallet: string;
  archived: boolean;
  createdAt: string;
}

export interface OriginalFederation {
  id: string;
  name: string;
  description: string;
  places: string[];
  assets: string[];
}

export interface OriginalUser {
  id: string;
  email: string;
  wallet: string | null;
}

/** One printed batch ("Origin"): a place and a generation. */
export interface OriginalOrigin {
  id: string;
  place: string;
  generation: number;
}

export interface OriginalCard {
  id: string;
  firstTagId: string;
  qrcode: string;
  numberPrinted: string;
  user: string | null;
  origin: string;
  ephemeralWallet: string | null;
  primaryPlaces: string[];
}

export interface OriginalToken {
  id: string;
  wallet: string;
  asset: string;
  value: number;
}

/** drf-api-key's rows: the key itself is gone, only its hash is stored. */
export interface OriginalApiKey {
  prefix: string;
  /** With its hasher's name (`sha512$$…`, `pbkdf2_sha256$…`): the compatible API checks keys with it. */
  hashedKey: string;
  name: string;
  /** `root`: the key that creates places (CreatePlaceAPIKey); `temp`: a handshake's one-time key. */
  kind: 'root' | 'place' | 'temp';
  createdAt: string;
  revoked: boolean;
  place: string | null;
  user: string | null;
}

export interface OriginalFedow {
  primaryWallet: string;
  wallets: OriginalWallet[];
  places: OriginalPlace[];
  assets: OriginalAsset[];
  federations: OriginalFederation[];
  users: OriginalUser[];
  origins: OriginalOrigin[];
  cards: OriginalCard[];
  tokens: OriginalToken[];
  apiKeys: OriginalApiKey[];
}

/** Django keeps UUIDs as 32 hex characters on SQLite and as `uuid` on PostgreSQL. */
export function normaliseUuid(value: unknown): string {
  const hex = String(value).replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a UUID: ${String(value)}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function optionalUuid(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : normaliseUuid(value);
}

/**
 * Django's SQLite times are naive UTC text (`2024-05-01 10:11:12.123456`); PostgreSQL's
 * driver gives a Date. Both become `2024-05-01T10:11:12.123Z`.
 */
export function normaliseTime(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = String(value).trim().replace(' ', 'T');
  const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const date = new Date(zoned);
  if (Number.isNaN(date.getTime())) throw new Error(`not a time: ${String(value)}`);
  return date.toISOString();
}

export function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}
