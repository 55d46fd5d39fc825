/**
 * A database with the original Fedow's table layout (TiBillet/Fedow v1.5, app
 * `fedow_core`), as Django's migrations create it on SQLite: UUIDs as 32 hex
 * characters, times as naive UTC text, booleans as 0/1. Built from the model
 * definitions (fedow_core/models.py and drf-api-key's AbstractAPIKey), holding a
 * small but complete Fedow: a test of `fedow import-fedow` reads it as the real one.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

export const DDL = `
CREATE TABLE "fedow_core_wallet" ("uuid" char(32) NOT NULL PRIMARY KEY, "name" varchar(100) NULL, "private_pem" varchar(2048) NOT NULL, "public_pem" varchar(512) NOT NULL, "ip" char(39) NOT NULL);
CREATE TABLE "fedow_core_configuration" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL, "domain" varchar(200) NOT NULL, "stripe_endpoint_secret_enc" varchar(100) NULL, "primary_wallet_id" char(32) NOT NULL UNIQUE REFERENCES "fedow_core_wallet" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "fedow_core_fedowuser" ("password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "first_name" varchar(150) NOT NULL, "last_name" varchar(150) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL, "uuid" char(32) NOT NULL PRIMARY KEY, "email" varchar(100) NOT NULL UNIQUE, "stripe_customer_id" varchar(21) NULL, "wallet_id" char(32) NULL UNIQUE REFERENCES "fedow_core_wallet" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "fedow_core_asset" ("uuid" char(32) NOT NULL PRIMARY KEY, "name" varchar(100) NOT NULL, "currency_code" varchar(3) NOT NULL, "created_at" datetime NOT NULL, "last_update" datetime NOT NULL, "img" varchar(100) NULL, "comment" text NULL, "category" varchar(3) NOT NULL, "id_price_stripe" varchar(30) NULL, "archive" bool NOT NULL, "wallet_origin_id" char(32) NOT NULL REFERENCES "fedow_core_wallet" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE UNIQUE INDEX "unique_stripe_primary_asset" ON "fedow_core_asset" ("category") WHERE "category" = 'FED';
CREATE TABLE "fedow_core_token" ("uuid" char(32) NOT NULL PRIMARY KEY, "value" integer unsigned NOT NULL CHECK ("value" >= 0), "asset_id" char(32) NOT NULL REFERENCES "fedow_core_asset" ("uuid") DEFERRABLE INITIALLY DEFERRED, "wallet_id" char(32) NOT NULL REFERENCES "fedow_core_wallet" ("uuid") DEFERRABLE INITIALLY DEFERRED, UNIQUE ("wallet_id", "asset_id"));
CREATE TABLE "fedow_core_place" ("uuid" char(32) NOT NULL PRIMARY KEY, "name" varchar(100) NOT NULL UNIQUE, "description" text NULL, "dokos_id" varchar(100) NULL, "stripe_connect_account" varchar(21) NULL, "stripe_connect_valid" bool NOT NULL, "cashless_server_ip" char(39) NULL, "cashless_server_url" varchar(200) NULL, "cashless_rsa_pub_key" varchar(512) NULL, "cashless_admin_apikey" varchar(256) NULL, "logo" varchar(100) NULL, "lespass_domain" varchar(100) NULL, "wallet_id" char(32) NOT NULL UNIQUE REFERENCES "fedow_core_wallet" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "fedow_core_place_admins" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "place_id" char(32) NOT NULL REFERENCES "fedow_core_place" ("uuid") DEFERRABLE INITIALLY DEFERRED, "fedowuser_id" char(32) NOT NULL REFERENCES "fedow_core_fedowuser" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "fedow_core_federation" ("uuid" char(32) NOT NULL PRIMARY KEY, "name" varchar(100) NOT NULL UNIQUE, "description" text NULL);
CREATE TABLE "fedow_core_federation_places" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "federation_id" char(32) NOT NULL REFERENCES "fedow_core_federation" ("uuid") DEFERRABLE INITIALLY DEFERRED, "place_id" char(32) NOT NULL REFERENCES "fedow_core_place" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "fedow_core_federation_assets" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "federation_id" char(32) NOT NULL REFERENCES "fedow_core_federation" ("uuid") DEFERRABLE INITIALLY DEFERRED, "asset_id" char(32) NOT NULL REFERENCES "fedow_core_asset" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "fedow_core_origin" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "generation" integer NOT NULL, "img" varchar(100) NULL, "place_id" char(32) NOT NULL REFERENCES "fedow_core_place" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "fedow_core_card" ("uuid" char(32) NOT NULL PRIMARY KEY, "first_tag_id" varchar(8) NOT NULL UNIQUE, "complete_tag_id_uuid" char(32) NULL, "qrcode_uuid" char(32) NOT NULL UNIQUE, "number_printed" varchar(8) NOT NULL UNIQUE, "origin_id" integer NOT NULL REFERENCES "fedow_core_origin" ("id") DEFERRABLE INITIALLY DEFERRED, "user_id" char(32) NULL REFERENCES "fedow_core_fedowuser" ("uuid") DEFERRABLE INITIALLY DEFERRED, "wallet_ephemere_id" char(32) NULL UNIQUE REFERENCES "fedow_core_wallet" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "fedow_core_card_primary_places" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "card_id" char(32) NOT NULL REFERENCES "fedow_core_card" ("uuid") DEFERRABLE INITIALLY DEFERRED, "place_id" char(32) NOT NULL REFERENCES "fedow_core_place" ("uuid") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "fedow_core_createplaceapikey" ("id" varchar(150) NOT NULL PRIMARY KEY, "prefix" varchar(8) NOT NULL UNIQUE, "hashed_key" varchar(150) NOT NULL, "created" datetime NOT NULL, "name" varchar(50) NOT NULL, "revoked" bool NOT NULL, "expiry_date" datetime NULL);
CREATE TABLE "fedow_core_organizationapikey" ("id" varchar(150) NOT NULL PRIMARY KEY, "prefix" varchar(8) NOT NULL UNIQUE, "hashed_key" varchar(150) NOT NULL, "created" datetime NOT NULL, "name" varchar(50) NOT NULL, "revoked" bool NOT NULL, "expiry_date" datetime NULL, "place_id" char(32) NOT NULL REFERENCES "fedow_core_place" ("uuid") DEFERRABLE INITIALLY DEFERRED, "user_id" char(32) NOT NULL REFERENCES "fedow_core_fedowuser" ("uuid") DEFERRABLE INITIALLY DEFERRED);
`;

/** Django's SQLite form of a UUID. */
export const hex = (uuid: string) => uuid.replace(/-/g, '');
const DJANGO_TIME = '2024-03-01 09:30:00.250000';

/** A PEM-looking public key: the import copies it verbatim, it never parses it. */
export const pem = (label: string) => `-----BEGIN PUBLIC KEY-----\n${Buffer.from(label.padEnd(48, '.')).toString('base64')}\n-----END PUBLIC KEY-----\n`;

export interface OriginalFixture {
  ids: {
    primary: string;
    barWallet: string;
    bar: string;
    lespassWallet: string;
    lespass: string;
    fed: string;
    local: string;
    gift: string;
    membership: string;
    badge: string;
    federation: string;
    alice: string;
    aliceWallet: string;
    bob: string;
    bobWallet: string;
    anonymousWallet: string;
    orphanWallet: string;
    aliceCard: string;
    anonymousCard: string;
    cashierCard: string;
    bobCard: string;
  };
  /** Wallet → asset → value: every token of the fixture. */
  tokens: { wallet: string; asset: string; value: number }[];
  db: Database.Database;
}

/** Creates the original's tables in `path` and fills them with two places, five assets, a federation, users, cards and tokens. */
export function buildOriginalFedow(path: string): OriginalFixture {
  const db = new Database(path);
  db.exec(DDL);
  const id = () => randomUUID();
  const ids = {
    primary: id(), barWallet: id(), bar: id(), lespassWallet: id(), lespass: id(), fed: id(), local: id(), gift: id(), membership: id(), badge: id(), federation: id(),
    alice: id(), aliceWallet: id(), bob: id(), bobWallet: id(), anonymousWallet: id(), orphanWallet: id(), aliceCard: id(), anonymousCard: id(), cashierCard: id(), bobCard: id(),
  };
  const wallet = db.prepare(`insert into fedow_core_wallet values (?, ?, 'encrypted-private', ?, '0.0.0.0')`);
  for (const [key, name] of [['primary', 'Primary'], ['barWallet', null], ['lespassWallet', null], ['aliceWallet', null], ['bobWallet', null], ['anonymousWallet', null], ['orphanWallet', null]] as const) {
    wallet.run(hex(ids[key]), name, key === 'aliceWallet' || key === 'bobWallet' ? pem(key) : '');
  }
  db.prepare(`insert into fedow_core_configuration (name, domain, primary_wallet_id) values ('Fedow', 'https://fedow.example', ?)`).run(hex(ids.primary));
  const user = db.prepare(`insert into fedow_core_fedowuser values ('!', null, 0, ?, '', '', 0, 1, ?, ?, ?, null, ?)`);
  user.run('alice@example.org', DJANGO_TIME, hex(ids.alice), 'alice@example.org', hex(ids.aliceWallet));
  user.run('bob', DJANGO_TIME, hex(ids.bob), 'Bob@Example.org', hex(ids.bobWallet));
  const place = db.prepare(`insert into fedow_core_place values (?, ?, ?, null, null, 0, ?, ?, ?, ?, null, ?, ?)`);
  place.run(hex(ids.bar), 'Café du Port ☕', 'Le bar', '10.0.0.5', 'https://laboutik.example', pem('cashless'), 'gAAAAA-fernet-token', null, hex(ids.barWallet));
  place.run(hex(ids.lespass), 'Lespass Asso', null, null, null, null, null, 'asso.lespass.example', hex(ids.lespassWallet));
  db.prepare(`insert into fedow_core_place_admins (place_id, fedowuser_id) values (?, ?)`).run(hex(ids.bar), hex(ids.alice));
  const asset = db.prepare(`insert into fedow_core_asset values (?, ?, ?, ?, ?, null, null, ?, null, ?, ?)`);
  asset.run(hex(ids.fed), 'Euro fédéré', 'EUR', DJANGO_TIME, DJANGO_TIME, 'FED', 0, hex(ids.primary));
  asset.run(hex(ids.local), 'Monnaie du Port 🌊', 'MDP', '2023-06-01 12:00:00', DJANGO_TIME, 'TLF', 0, hex(ids.barWallet));
  asset.run(hex(ids.gift), 'Cadeau', 'CAD', DJANGO_TIME, DJANGO_TIME, 'TNF', 1, hex(ids.barWallet));
  asset.run(hex(ids.membership), 'Adhésion', 'ADH', DJANGO_TIME, DJANGO_TIME, 'SUB', 0, hex(ids.lespassWallet));
  asset.run(hex(ids.badge), 'Badgeuse', 'BDG', DJANGO_TIME, DJANGO_TIME, 'BDG', 0, hex(ids.lespassWallet));
  db.prepare(`insert into fedow_core_federation values (?, 'Quartier', 'Les lieux du quartier')`).run(hex(ids.federation));
  for (const placeId of [ids.bar, ids.lespass]) db.prepare(`insert into fedow_core_federation_places (federation_id, place_id) values (?, ?)`).run(hex(ids.federation), hex(placeId));
  db.prepare(`insert into fedow_core_federation_assets (federation_id, asset_id) values (?, ?)`).run(hex(ids.federation), hex(ids.local));
  db.prepare(`insert into fedow_core_origin (generation, img, place_id) values (1, null, ?)`).run(hex(ids.bar));
  db.prepare(`insert into fedow_core_origin (generation, img, place_id) values (2, null, ?)`).run(hex(ids.lespass));
  const card = db.prepare(`insert into fedow_core_card values (?, ?, null, ?, ?, ?, ?, ?)`);
  card.run(hex(ids.aliceCard), 'a1b2c3d4', hex(id()), '11111111', 1, hex(ids.alice), null);
  card.run(hex(ids.anonymousCard), 'A1B2C3D5', hex(id()), '22222222', 1, null, hex(ids.anonymousWallet));
  card.run(hex(ids.cashierCard), 'CA5A0001', hex(id()), '33333333', 1, null, null);
  // Lespass made Bob's user on the card's own wallet (get_or_create_user with wallet_uuid).
  card.run(hex(ids.bobCard), 'B0B0B0B0', hex(id()), '44444444', 2, null, hex(ids.bobWallet));
  db.prepare(`insert into fedow_core_card_primary_places (card_id, place_id) values (?, ?)`).run(hex(ids.cashierCard), hex(ids.bar));
  const tokens = [
    { wallet: ids.aliceWallet, asset: ids.fed, value: 1500 },
    { wallet: ids.aliceWallet, asset: ids.local, value: 2000 },
    { wallet: ids.aliceWallet, asset: ids.badge, value: 0 },
    { wallet: ids.anonymousWallet, asset: ids.local, value: 750 },
    { wallet: ids.anonymousWallet, asset: ids.gift, value: 300 },
    { wallet: ids.barWallet, asset: ids.local, value: 420 },
    { wallet: ids.lespassWallet, asset: ids.fed, value: 1000 },
    { wallet: ids.bobWallet, asset: ids.membership, value: 2000 },
    { wallet: ids.orphanWallet, asset: ids.local, value: 55 },
    { wallet: ids.primary, asset: ids.fed, value: 0 },
  ];
  const token = db.prepare(`insert into fedow_core_token values (?, ?, ?, ?)`);
  for (const row of tokens) token.run(hex(id()), row.value, hex(row.asset), hex(row.wallet));
  db.prepare(`insert into fedow_core_createplaceapikey values (?, 'RootKey1', 'sha512$$aaaa', ?, 'billetterie_root_10.0.0.1', 0, null)`).run('RootKey1.sha512$$aaaa', DJANGO_TIME);
  db.prepare(`insert into fedow_core_organizationapikey values (?, 'PlaceKy1', 'sha512$$bbbb', ?, ?, 0, null, ?, ?)`).run('PlaceKy1.sha512$$bbbb', DJANGO_TIME, `${hex(ids.bar)}:alice@example.org`, hex(ids.bar), hex(ids.alice));
  return { ids, tokens, db };
}

/**
 * The same database on PostgreSQL, as Django makes it there (uuid, timestamptz,
 * boolean, serial), filled with the SQLite fixture's rows: PostgreSQL reads the
 * 32-hex UUIDs, the naive times (as UTC) and 0/1 booleans as Django wrote them.
 */
export async function copyOriginalToPostgres(fixture: OriginalFixture, url: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set time zone 'UTC'`);
    const ddl = DDL.replace(/char\(32\)/g, 'uuid')
      .replace(/ datetime/g, ' timestamp with time zone')
      .replace(/ bool /g, ' boolean ')
      .replace(/integer unsigned/g, 'integer')
      .replace(/"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT/g, '"id" serial PRIMARY KEY')
      .replace(/ DEFERRABLE INITIALLY DEFERRED/g, '');
    await client.query(ddl);
    const tables = fixture.db.prepare(`select name from sqlite_master where type = 'table' and name like 'fedow_core_%' order by rowid`).all() as { name: string }[];
    for (const { name } of tables) {
      const booleans = new Set((fixture.db.prepare(`select name, type from pragma_table_info(?)`).all(name) as { name: string; type: string }[]).filter((column) => column.type === 'bool').map((column) => column.name));
      for (const row of fixture.db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[]) {
        const columns = Object.keys(row);
        const values = columns.map((column) => (booleans.has(column) ? row[column] === 1 : row[column]));
        await client.query(`insert into "${name}" (${columns.map((column) => `"${column}"`).join(', ')}) values (${columns.map((_, index) => `$${index + 1}`).join(', ')})`, values);
      }
    }
  } finally {
    await client.end();
  }
}

/** `count` more anonymous cards of the bar, each with its ephemeral wallet holding some local currency: an original of a real size. */
export function addAnonymousCards(fixture: OriginalFixture, count: number): void {
  const wallet = fixture.db.prepare(`insert into fedow_core_wallet values (?, null, 'encrypted-private', '', '0.0.0.0')`);
  const card = fixture.db.prepare(`insert into fedow_core_card values (?, ?, null, ?, ?, 1, null, ?)`);
  const token = fixture.db.prepare(`insert into fedow_core_token values (?, ?, ?, ?)`);
  fixture.db.transaction(() => {
    for (let index = 0; index < count; index++) {
      const walletId = randomUUID();
      wallet.run(hex(walletId));
      card.run(hex(randomUUID()), (0x10000000 + index).toString(16).toUpperCase(), hex(randomUUID()), String(50_000_000 + index), hex(walletId));
      token.run(hex(randomUUID()), 100 + index, hex(fixture.ids.local), hex(walletId));
      fixture.tokens.push({ wallet: walletId, asset: fixture.ids.local, value: 100 + index });
    }
  })();
}
