import { HubError } from '../errors';
import {
  normaliseTime,
  normaliseUuid,
  optionalUuid,
  truthy,
  type OriginalApiKey,
  type OriginalAsset,
  type OriginalCard,
  type OriginalFederation,
  type OriginalFedow,
  type OriginalOrigin,
  type OriginalPlace,
  type OriginalToken,
  type OriginalUser,
  type OriginalWallet,
} from './original';
import type { SourceDb } from './source-db';

/** Django's table names: app `fedow_core`, then the model (and the M2M field) in lower case. */
const T = {
  configuration: 'fedow_core_configuration',
  wallet: 'fedow_core_wallet',
  place: 'fedow_core_place',
  placeAdmins: 'fedow_core_place_admins',
  asset: 'fedow_core_asset',
  federation: 'fedow_core_federation',
  federationPlaces: 'fedow_core_federation_places',
  federationAssets: 'fedow_core_federation_assets',
  user: 'fedow_core_fedowuser',
  origin: 'fedow_core_origin',
  card: 'fedow_core_card',
  cardPrimaryPlaces: 'fedow_core_card_primary_places',
  token: 'fedow_core_token',
  apiKey: 'fedow_core_organizationapikey',
  rootKey: 'fedow_core_createplaceapikey',
} as const;

const REQUIRED = [T.configuration, T.wallet, T.place, T.asset, T.user, T.origin, T.card, T.token] as const;

/** Every row the import needs, read in one go (the original is small enough: tens of thousands of rows). */
export async function readOriginal(db: SourceDb): Promise<OriginalFedow> {
  const columns = new Map<string, Set<string>>();
  for (const table of Object.values(T)) columns.set(table, await db.columns(table));
  const missing = REQUIRED.filter((table) => columns.get(table)!.size === 0);
  if (missing.length > 0) throw new HubError('bad_request', `${db.label} is not an original Fedow database: no table ${missing.join(', ')}`);
  const has = (table: string, column: string) => columns.get(table)!.has(column);
  const optional = (table: string, column: string) => (has(table, column) ? column : `null as ${column}`);
  const [config] = await db.rows(`select primary_wallet_id from ${T.configuration} limit 1`);
  if (!config?.primary_wallet_id) throw new HubError('bad_request', `${db.label}: the original Fedow has no configuration (no primary wallet)`);
  return {
    primaryWallet: normaliseUuid(config.primary_wallet_id),
    wallets: await readWallets(db, optional),
    places: await readPlaces(db, optional),
    assets: await readAssets(db, optional),
    federations: columns.get(T.federation)!.size === 0 ? [] : await readFederations(db, optional, (table) => columns.get(table)!.size > 0),
    users: await readUsers(db),
    origins: await readOrigins(db),
    cards: await readCards(db),
    tokens: await readTokens(db),
    apiKeys: [
      ...(columns.get(T.rootKey)!.size === 0 ? [] : await readApiKeys(db, T.rootKey, optional)),
      ...(columns.get(T.apiKey)!.size === 0 ? [] : await readApiKeys(db, T.apiKey, optional)),
    ],
  };
}

type Optional = (table: string, column: string) => string;

async function readWallets(db: SourceDb, optional: Optional): Promise<OriginalWallet[]> {
  const rows = await db.rows(`select uuid, ${optional(T.wallet, 'name')}, ${optional(T.wallet, 'public_pem')} from ${T.wallet}`);
  return rows.map((row) => ({ id: normaliseUuid(row.uuid), name: text(row.name), publicPem: text(row.public_pem) }));
}

async function readPlaces(db: SourceDb, optional: Optional): Promise<OriginalPlace[]> {
  const fields = ['description', 'lespass_domain', 'cashless_server_ip', 'cashless_server_url', 'cashless_rsa_pub_key', 'cashless_admin_apikey'].map((column) => optional(T.place, column));
  const rows = await db.rows(`select uuid, name, wallet_id, ${fields.join(', ')} from ${T.place}`);
  const admins = groupBy(await rowsIfTable(db, T.placeAdmins, `select place_id, fedowuser_id from ${T.placeAdmins}`), 'place_id', 'fedowuser_id');
  return rows.map((row) => {
    const id = normaliseUuid(row.uuid);
    return {
      id,
      name: String(row.name),
      description: text(row.description) ?? '',
      wallet: normaliseUuid(row.wallet_id),
      lespassDomain: text(row.lespass_domain),
      cashlessServerIp: text(row.cashless_server_ip),
      cashlessServerUrl: text(row.cashless_server_url),
      cashlessRsaPubKey: text(row.cashless_rsa_pub_key),
      cashlessAdminApikeyEncrypted: text(row.cashless_admin_apikey),
      admins: admins.get(id) ?? [],
    };
  });
}

async function readAssets(db: SourceDb, optional: Optional): Promise<OriginalAsset[]> {
  // v1.x calls the origin `wallet_origin`, the first versions `origin`.
  const origin = (await db.columns(T.asset)).has('wallet_origin_id') ? 'wallet_origin_id' : 'origin_id';
  const rows = await db.rows(`select uuid, name, currency_code, category, ${origin} as origin, ${optional(T.asset, 'archive')}, created_at from ${T.asset}`);
  return rows.map((row) => ({
    id: normaliseUuid(row.uuid),
    name: String(row.name),
    currencyCode: String(row.currency_code),
    category: String(row.category),
    originWallet: normaliseUuid(row.origin),
    archived: truthy(row.archive),
    createdAt: normaliseTime(row.created_at),
  }));
}

async function readFederations(db: SourceDb, optional: Optional, exists: (table: string) => boolean): Promise<OriginalFederation[]> {
  const rows = await db.rows(`select uuid, name, ${optional(T.federation, 'description')} from ${T.federation}`);
  const places = groupBy(exists(T.federationPlaces) ? await db.rows(`select federation_id, place_id from ${T.federationPlaces}`) : [], 'federation_id', 'place_id');
  const assets = groupBy(exists(T.federationAssets) ? await db.rows(`select federation_id, asset_id from ${T.federationAssets}`) : [], 'federation_id', 'asset_id');
  return rows.map((row) => {
    const id = normaliseUuid(row.uuid);
    return { id, name: String(row.name), description: text(row.description) ?? '', places: places.get(id) ?? [], assets: assets.get(id) ?? [] };
  });
}

async function readUsers(db: SourceDb): Promise<OriginalUser[]> {
  const rows = await db.rows(`select uuid, email, wallet_id from ${T.user}`);
  return rows.map((row) => ({ id: normaliseUuid(row.uuid), email: String(row.email ?? '').trim().toLowerCase(), wallet: optionalUuid(row.wallet_id) }));
}

async function readOrigins(db: SourceDb): Promise<OriginalOrigin[]> {
  const rows = await db.rows(`select id, place_id, generation from ${T.origin}`);
  return rows.map((row) => ({ id: String(row.id), place: normaliseUuid(row.place_id), generation: Number(row.generation) }));
}

async function readCards(db: SourceDb): Promise<OriginalCard[]> {
  const rows = await db.rows(`select uuid, first_tag_id, qrcode_uuid, number_printed, user_id, origin_id, wallet_ephemere_id from ${T.card}`);
  const primary = groupBy(await rowsIfTable(db, T.cardPrimaryPlaces, `select card_id, place_id from ${T.cardPrimaryPlaces}`), 'card_id', 'place_id');
  return rows.map((row) => {
    const id = normaliseUuid(row.uuid);
    return {
      id,
      firstTagId: String(row.first_tag_id).toUpperCase(),
      qrcode: normaliseUuid(row.qrcode_uuid),
      numberPrinted: String(row.number_printed),
      user: optionalUuid(row.user_id),
      origin: String(row.origin_id),
      ephemeralWallet: optionalUuid(row.wallet_ephemere_id),
      primaryPlaces: primary.get(id) ?? [],
    };
  });
}

async function readTokens(db: SourceDb): Promise<OriginalToken[]> {
  const rows = await db.rows(`select uuid, wallet_id, asset_id, value from ${T.token}`);
  return rows.map((row) => ({ id: normaliseUuid(row.uuid), wallet: normaliseUuid(row.wallet_id), asset: normaliseUuid(row.asset_id), value: Number(row.value) }));
}

async function readApiKeys(db: SourceDb, table: string, optional: Optional): Promise<OriginalApiKey[]> {
  const rows = await db.rows(`select prefix, hashed_key, name, created, revoked, ${optional(table, 'place_id')}, ${optional(table, 'user_id')} from ${table}`);
  return rows.map((row) => ({
    prefix: String(row.prefix),
    hashedKey: String(row.hashed_key),
    name: String(row.name),
    kind: table === T.rootKey ? 'root' : String(row.name).startsWith('temp_') ? 'temp' : 'place',
    createdAt: normaliseTime(row.created),
    revoked: truthy(row.revoked),
    place: optionalUuid(row.place_id),
    user: optionalUuid(row.user_id),
  }));
}

/** A many-to-many table that an early version of the original did not have reads as empty. */
async function rowsIfTable(db: SourceDb, table: string, query: string): Promise<Record<string, unknown>[]> {
  return (await db.columns(table)).size === 0 ? [] : db.rows(query);
}

function text(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

/** `parent → [child uuid]` from the rows of a Django many-to-many table. */
function groupBy(rows: Record<string, unknown>[], parent: string, child: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const key = normaliseUuid(row[parent]);
    const group = groups.get(key) ?? [];
    if (group.length === 0) groups.set(key, group);
    group.push(normaliseUuid(row[child]));
  }
  return groups;
}
