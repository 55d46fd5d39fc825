import Database from 'better-sqlite3';

/**
 * The till's one SQLite file: journal, identity, card cache and settings live
 * together so that an approval and the state it was decided from are written by
 * the same durable engine, and a backup is one file (plus its WAL).
 */
export type TillDatabase = Database.Database;

/** Bumped with every change of `SCHEMA`; a newer file is refused, never guessed at. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS identity (
  singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
  terminal       TEXT NOT NULL,
  public_key     TEXT NOT NULL,
  place          TEXT NOT NULL,
  place_name     TEXT NOT NULL,
  hub_public_key TEXT NOT NULL,
  hub_url        TEXT NOT NULL,
  genesis        TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS entries (
  seq          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  body         TEXT NOT NULL,           -- the RFC 8785 text that was hashed and signed, verbatim
  hash         TEXT NOT NULL,
  sig          TEXT NOT NULL,
  created_at   INTEGER NOT NULL,        -- till clock, unix ms
  acked_at     INTEGER,
  ack_status   TEXT CHECK (ack_status IN ('applied', 'rejected', 'duplicate')),
  ack_reason   TEXT,
  -- Copies of body fields, so that the authoriser's per-card sums are index
  -- lookups instead of parsing every pending body on every tap. Written in the
  -- same INSERT as the body; verifyChain() checks they still agree with it.
  kind         TEXT NOT NULL,
  asset        TEXT,
  amount       INTEGER NOT NULL,
  card_prefix  TEXT NOT NULL,           -- first 4 UID bytes (firstTagId)
  auth         TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS entries_pending ON entries (seq) WHERE acked_at IS NULL;
CREATE INDEX IF NOT EXISTS entries_card ON entries (card_prefix, created_at);
-- The open shift is looked up at every state the UI is sent: only shift entries are indexed.
CREATE INDEX IF NOT EXISTS entries_shift ON entries (kind, seq) WHERE kind IN ('SHO', 'SHC');

CREATE TABLE IF NOT EXISTS settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS cards (
  uid          TEXT PRIMARY KEY,        -- as the hub knows it: full UID, or only its first 4 bytes
  first_tag_id TEXT NOT NULL,
  state        TEXT NOT NULL,           -- CardState JSON
  fresh_at     INTEGER NOT NULL         -- till clock when the hub's state was stored
) STRICT;
CREATE INDEX IF NOT EXISTS cards_first_tag_id ON cards (first_tag_id);

CREATE TABLE IF NOT EXISTS assets (
  id   TEXT PRIMARY KEY,
  info TEXT NOT NULL                    -- AssetInfo JSON
) STRICT;

CREATE TABLE IF NOT EXISTS primaries (
  uid TEXT PRIMARY KEY
) STRICT;

-- Parts of a full snapshot (and deltas received while it is incomplete), kept
-- until every part has arrived: the live cache is replaced in one transaction.
CREATE TABLE IF NOT EXISTS update_staging (
  ordinal INTEGER PRIMARY KEY,
  cursor  TEXT NOT NULL,
  part    INTEGER,                      -- NULL for a delta
  parts   INTEGER,
  payload TEXT NOT NULL                 -- the Update message JSON
) STRICT;
`;

export function openTillDatabase(path: string): TillDatabase {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    // synchronous=FULL: the till promised the customer. "Approved" is shown only
    // after the commit, so the commit must survive a power cut, not just a crash
    // of the process (WAL's default NORMAL may lose the last transactions).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // The sync client and the UI bridge may hold the file from two connections.
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: TillDatabase): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new Error(`till database schema ${version} is newer than this agent (${SCHEMA_VERSION})`);
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/**
 * Settings are read on every tap and written on every update: their statements
 * are prepared once per connection (reading settings, preparing included, was
 * 4 % of a simulation campaign's profile).
 */
const settingStatements = new WeakMap<TillDatabase, { read: Database.Statement<[string], { value: string }>; write: Database.Statement<[string, string]> }>();

function statementsOf(db: TillDatabase) {
  let statements = settingStatements.get(db);
  if (!statements) {
    statements = {
      read: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      write: db.prepare<[string, string]>('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
    settingStatements.set(db, statements);
  }
  return statements;
}

export function readSetting(db: TillDatabase, key: string): string | undefined {
  return statementsOf(db).read.get(key)?.value;
}

export function writeSetting(db: TillDatabase, key: string, value: string): void {
  statementsOf(db).write.run(key, value);
}

export function deleteSetting(db: TillDatabase, key: string): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(key);
}

/**
 * Every settings key of the till, in one place: the store's modules read and
 * write settings only through these names.
 */
export const SETTING = {
  cursor: 'cursor',
  policy: 'policy',
  lastWelcomeAt: 'last_welcome_at',
  /** Any hub message while welcomed, written at most once a second: the start of an offline period. */
  lastContactAt: 'last_contact_at',
  /** After a retention purge: the seq and hash the remaining chain continues from. */
  baseSeq: 'base_seq',
  baseHash: 'base_hash',
  /** The highest `update.appliedThrough` stored: this till's entries up to it are in the cached balances. */
  appliedThrough: 'applied_through',
  /** The place's products, one JSON array, and a counter bumped whenever it is replaced. */
  catalogue: 'catalogue',
  catalogueRevision: 'catalogue_revision',
  /** The hub's card set: sorted 4-byte first tag ids, base64; and whether the place enrolls unknown cards ('1'). */
  cardSetTags: 'card_set',
  cardSetEnrolls: 'card_set_enrolls',
  /** The cashier's session: a restart mid-shift keeps it. */
  sessionPrimary: 'session_primary',
  sessionOpenedAt: 'session_opened_at',
} as const;
