import { firstTagIdOf } from '@fedow/ledger';
import { AssetInfo, CardState, CatalogueItem, DEFAULT_OFFLINE_POLICY, OfflinePolicy, Update } from '@fedow/protocol';
import type { Connectivity } from '../types';
import { SETTING, readSetting, writeSetting, type TillDatabase } from './database';

/**
 * What the hub told this till, stored durably in the journal's database: card
 * states, the assets the place accepts, its primary cards, the offline policy,
 * and the cursor of the last update stored (SYNC.md, `update` / `updated`).
 *
 * Decisions the spec leaves open, taken here:
 * - `assets` in an update lists assets this place accepts; the till accepts the
 *   ones not archived. A snapshot that carries assets replaces the list; a delta
 *   upserts (an asset leaves by arriving with `archived: true`).
 * - `primaries`, when present, is always the place's whole list: a list of UIDs
 *   cannot say "removed" otherwise.
 * - A snapshot starts at part 1 (which drops any earlier unfinished one); parts
 *   are kept in a staging table and the live cache is replaced in one transaction
 *   once parts 1..n have all arrived, in any order. Deltas that arrive while a
 *   snapshot is unfinished are staged too and applied after it. The durable cursor
 *   moves only when the live cache does: to the last staged delta's cursor, else
 *   to the cursor of the snapshot part that arrived last.
 * - The hub names a card as it knows it: its full UID, or only its first 4 bytes
 *   (`firstTagId`) when a batch was imported that way. A card state replaces any
 *   cached state with the same firstTagId (the hub learned the full UID).
 * - `catalogue` (the sale screen's products), when present, is the place's whole
 *   catalogue and replaces the stored one, in the same transaction as the rest of
 *   the update. A snapshot whose parts carry none keeps the stored catalogue (a hub
 *   that predates catalogues must not wipe the buttons). It is kept as one JSON
 *   setting: at most 1,000 items, always read and replaced whole.
 */

export interface CachedCard {
  state: CardState;
  /** Till clock when this state arrived: the card's "last fresh balance". */
  freshAt: number;
  matchedBy: 'uid' | 'firstTagId';
}

export type UpdateOutcome =
  | { status: 'applied'; cursor: string }
  | { status: 'staged'; received: number; parts: number }
  | { status: 'invalid'; message: string };

export interface CardCache {
  /** Stores one `update` in one transaction; send `updated` only for `applied`. */
  applyUpdate(update: Update, now: number): UpdateOutcome;
  lookup(uid: string): CachedCard | undefined;
  /** A full UID whose first 4 bytes belong to a cached card known under another full UID. */
  uidConflict(uid: string): boolean;
  cursor(): string | undefined;
  assets(): Map<string, AssetInfo>;
  accepted(): Set<string>;
  primaries(): Set<string>;
  policy(): OfflinePolicy;
  /** The place's products, by position then label. */
  catalogue(): readonly CatalogueItem[];
  /** Changes whenever a new catalogue is stored (0: none yet), so a UI re-reads it only then. */
  catalogueRevision(): number;
  cardCount(): number;
  /** A `welcome` arrived: the hub's policy for this till, and proof of contact. */
  recordWelcome(policy: OfflinePolicy, now: number): void;
  /** Any hub message while welcomed: the till was in sync at `now`. */
  recordContact(now: number): void;
  lastWelcomeAt(): number | undefined;
  connectivity(online: boolean): Connectivity;
}

interface StagedRow {
  ordinal: number;
  cursor: string;
  part: number | null;
  parts: number | null;
  payload: string;
}

export function openCardCache(db: TillDatabase): CardCache {
  const statements = prepare(db);

  const upsertCard = (state: CardState, now: number): void => {
    statements.deleteSameTag.run(firstTagIdOf(state.card), state.card);
    statements.upsertCard.run(state.card, firstTagIdOf(state.card), JSON.stringify(state), now);
  };

  const applyDelta = (update: Update, now: number): void => {
    for (const state of update.cards) upsertCard(state, now);
    for (const asset of update.assets ?? []) statements.upsertAsset.run(asset.id, JSON.stringify(asset));
    if (update.primaries) replacePrimaries(update.primaries);
    if (update.policy) writeSetting(db, SETTING.policy, JSON.stringify(update.policy));
    if (update.catalogue) replaceCatalogue(update.catalogue);
  };

  const replaceCatalogue = (items: readonly CatalogueItem[]): void => {
    writeSetting(db, SETTING.catalogue, JSON.stringify(items));
    writeSetting(db, SETTING.catalogueRevision, String((readNumber(SETTING.catalogueRevision) ?? 0) + 1));
  };

  const replacePrimaries = (uids: readonly string[]): void => {
    statements.clearPrimaries.run();
    for (const uid of uids) statements.insertPrimary.run(uid);
  };

  const completeSnapshot = (now: number): string => {
    const rows = statements.staged.all();
    const parts = rows.filter((row) => row.part !== null).sort((a, b) => (a.part ?? 0) - (b.part ?? 0));
    const deltas = rows.filter((row) => row.part === null);
    const snapshot = parts.map((row) => parseUpdate(row.payload));
    statements.clearCards.run();
    for (const update of snapshot) for (const state of update.cards) upsertCard(state, now);
    if (snapshot.some((update) => update.assets)) {
      statements.clearAssets.run();
      for (const update of snapshot) for (const asset of update.assets ?? []) statements.upsertAsset.run(asset.id, JSON.stringify(asset));
    }
    if (snapshot.some((update) => update.primaries)) replacePrimaries(snapshot.flatMap((update) => update.primaries ?? []));
    for (const update of snapshot) if (update.policy) writeSetting(db, SETTING.policy, JSON.stringify(update.policy));
    if (snapshot.some((update) => update.catalogue)) replaceCatalogue(snapshot.flatMap((update) => update.catalogue ?? []));
    for (const row of deltas) applyDelta(parseUpdate(row.payload), now);
    statements.clearStaging.run();
    // The cursor follows the order of application: the snapshot's, then its deltas'.
    const last = deltas.length > 0 ? deltas[deltas.length - 1]! : latest(parts);
    writeSetting(db, SETTING.cursor, last.cursor);
    return last.cursor;
  };

  const stageFull = (update: Update, now: number): UpdateOutcome => {
    const part = update.part ?? 1;
    const parts = update.parts ?? 1;
    if (part > parts) return { status: 'invalid', message: `part ${part} of ${parts}` };
    const current = statements.snapshotParts.get();
    if (part === 1 || (current && current.parts !== parts)) statements.clearStaging.run();
    statements.deletePart.run(part);
    statements.stage.run(update.cursor, part, parts, JSON.stringify(update));
    const received = statements.snapshotParts.get()!.received;
    if (received < parts) return { status: 'staged', received, parts };
    return { status: 'applied', cursor: completeSnapshot(now) };
  };

  const readPolicy = (): OfflinePolicy => {
    const text = readSetting(db, SETTING.policy);
    return text === undefined ? DEFAULT_OFFLINE_POLICY : OfflinePolicy.parse(JSON.parse(text));
  };

  const readNumber = (key: string): number | undefined => {
    const text = readSetting(db, key);
    return text === undefined ? undefined : Number(text);
  };

  // Parsed once per stored revision: the UI asks for it after every state change.
  let catalogueRead: { revision: number; items: readonly CatalogueItem[] } | null = null;
  const readCatalogue = (): readonly CatalogueItem[] => {
    const revision = readNumber(SETTING.catalogueRevision) ?? 0;
    if (catalogueRead?.revision === revision) return catalogueRead.items;
    const text = readSetting(db, SETTING.catalogue);
    const items = text === undefined ? [] : sortCatalogue(CatalogueItem.array().parse(JSON.parse(text)));
    catalogueRead = { revision, items };
    return items;
  };

  return {
    applyUpdate(update, now) {
      return db.transaction((): UpdateOutcome => {
        if (update.full) return stageFull(update, now);
        if (statements.snapshotParts.get()) {
          statements.stage.run(update.cursor, null, null, JSON.stringify(update));
          const progress = statements.snapshotParts.get()!;
          return { status: 'staged', received: progress.received, parts: progress.parts };
        }
        applyDelta(update, now);
        writeSetting(db, SETTING.cursor, update.cursor);
        return { status: 'applied', cursor: update.cursor };
      })();
    },

    lookup(uid) {
      const exact = statements.cardByUid.get(uid);
      if (exact) return cachedCard(exact, 'uid');
      const sameTag = statements.cardsByTag.all(firstTagIdOf(uid));
      // Two full UIDs that differ are two cards, whatever their first 4 bytes; a
      // match through firstTagId needs one side to know only those 4 bytes.
      const compatible = sameTag.filter((row) => row.uid.length === 8 || uid.length === 8);
      if (compatible.length !== 1) return undefined;
      return cachedCard(compatible[0]!, 'firstTagId');
    },

    uidConflict(uid) {
      if (uid.length === 8 || statements.cardByUid.get(uid)) return false;
      return statements.cardsByTag.all(firstTagIdOf(uid)).some((row) => row.uid.length > 8 && row.uid !== uid);
    },

    cursor: () => readSetting(db, SETTING.cursor),
    assets: () => new Map(statements.assets.all().map((row) => [row.id, AssetInfo.parse(JSON.parse(row.info))])),
    accepted() {
      const ids = new Set<string>();
      for (const row of statements.assets.all()) {
        const asset = AssetInfo.parse(JSON.parse(row.info));
        if (!asset.archived) ids.add(asset.id);
      }
      return ids;
    },
    primaries: () => new Set(statements.primaries.all().map((row) => row.uid)),
    policy: readPolicy,
    catalogue: readCatalogue,
    catalogueRevision: () => readNumber(SETTING.catalogueRevision) ?? 0,
    cardCount: () => statements.cardCount.get()!.count,

    recordWelcome(policy, now) {
      db.transaction(() => {
        writeSetting(db, SETTING.policy, JSON.stringify(policy));
        writeSetting(db, SETTING.lastWelcomeAt, String(now));
        writeSetting(db, SETTING.lastContactAt, String(now));
      })();
    },
    recordContact: (now) => writeSetting(db, SETTING.lastContactAt, String(now)),
    lastWelcomeAt: () => readNumber(SETTING.lastWelcomeAt),
    connectivity(online) {
      return online ? { online: true } : { online: false, since: readNumber(SETTING.lastContactAt) ?? null };
    },
  };
}

interface CardRow {
  uid: string;
  first_tag_id: string;
  state: string;
  fresh_at: number;
}

function prepare(db: TillDatabase) {
  return {
    cardByUid: db.prepare<[string], CardRow>('SELECT * FROM cards WHERE uid = ?'),
    // The hub keeps firstTagId unique, so more than two rows means a bad cache.
    cardsByTag: db.prepare<[string], CardRow>('SELECT * FROM cards WHERE first_tag_id = ? LIMIT 3'),
    cardCount: db.prepare<[], { count: number }>('SELECT count(*) AS count FROM cards'),
    deleteSameTag: db.prepare<[string, string]>('DELETE FROM cards WHERE first_tag_id = ? AND uid <> ?'),
    upsertCard: db.prepare<[string, string, string, number]>(
      `INSERT INTO cards (uid, first_tag_id, state, fresh_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (uid) DO UPDATE SET first_tag_id = excluded.first_tag_id, state = excluded.state, fresh_at = excluded.fresh_at`,
    ),
    clearCards: db.prepare('DELETE FROM cards'),
    assets: db.prepare<[], { id: string; info: string }>('SELECT id, info FROM assets ORDER BY id'),
    upsertAsset: db.prepare<[string, string]>('INSERT INTO assets (id, info) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET info = excluded.info'),
    clearAssets: db.prepare('DELETE FROM assets'),
    primaries: db.prepare<[], { uid: string }>('SELECT uid FROM primaries'),
    insertPrimary: db.prepare<[string]>('INSERT OR IGNORE INTO primaries (uid) VALUES (?)'),
    clearPrimaries: db.prepare('DELETE FROM primaries'),
    staged: db.prepare<[], StagedRow>('SELECT * FROM update_staging ORDER BY ordinal'),
    stage: db.prepare<[string, number | null, number | null, string]>('INSERT INTO update_staging (cursor, part, parts, payload) VALUES (?, ?, ?, ?)'),
    deletePart: db.prepare<[number]>('DELETE FROM update_staging WHERE part = ?'),
    clearStaging: db.prepare('DELETE FROM update_staging'),
    snapshotParts: db.prepare<[], { received: number; parts: number }>(
      'SELECT count(*) AS received, max(parts) AS parts FROM update_staging WHERE part IS NOT NULL HAVING count(*) > 0',
    ),
  };
}

/** The order of the till's buttons (admin API "position"): position, then label; the UI groups by category in that order. */
function sortCatalogue(items: CatalogueItem[]): CatalogueItem[] {
  return items.sort((a, b) => a.position - b.position || a.label.localeCompare(b.label));
}

function latest(rows: readonly StagedRow[]): StagedRow {
  return rows.reduce((a, b) => (b.ordinal > a.ordinal ? b : a));
}

function cachedCard(row: CardRow, matchedBy: CachedCard['matchedBy']): CachedCard {
  return { state: CardState.parse(JSON.parse(row.state)), freshAt: row.fresh_at, matchedBy };
}

/** A staged message, read back from disk (possibly after a restart): checked again. */
function parseUpdate(payload: string): Update {
  return Update.parse(JSON.parse(payload));
}
