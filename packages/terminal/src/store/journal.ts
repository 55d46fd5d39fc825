import { canonicalize, firstTagIdOf, hashBody, publicKeyHex, signBody, uuidV7, verifySigned, type CryptoProvider } from '@fedow/ledger';
import {
  APPEND_ENTRIES_MAX,
  EntryBody,
  JOURNAL_RETENTION_MS,
  PUSH_ENTRIES_MAX,
  describeIssues,
  genesisBody,
  type AckResult,
  type EntryKind,
  type WireEntry,
} from '@fedow/protocol';
import type { RandomSource } from '../clock';
import type { EntryDraft, OfflineCounters } from '../types';
import { SETTING, readSetting, writeSetting, type TillDatabase } from './database';

/**
 * The till's journal: its signed, hash-linked log of every approved decision
 * (SYNC.md, "Journal entries"). One append is one SQLite transaction: a split
 * sale's entries are all committed or none is, and the in-memory head moves only
 * after the commit.
 */

/** What pairing returned, plus where the hub lives. */
export interface Identity {
  terminal: string;
  /** This till's public key, lowercase hex. */
  publicKey: string;
  place: string;
  placeName: string;
  hubPublicKey: string;
  hubUrl: string;
  genesis: string;
}

export interface Head {
  seq: number;
  hash: string;
}

export type ChainProblem =
  | 'no_identity'
  | 'wrong_key'
  | 'bad_seq'
  | 'bad_body'
  | 'bad_prev'
  | 'bad_hash'
  | 'bad_signature'
  | 'bad_columns';

export type ChainCheck =
  | { ok: true; head: Head | undefined; entries: number }
  | { ok: false; seq: number; problem: ChainProblem; message: string };

export type AppendResult =
  | { ok: true; entries: WireEntry[] }
  | { ok: false; code: 'not_paired' | 'journal_corrupt' | 'invalid_entry'; message: string };

export type SetIdentityResult = { ok: true } | { ok: false; code: 'genesis_mismatch' | 'wrong_key' | 'already_paired'; message: string };

/** The hub's view of this chain (from `welcome`) against ours. */
export type ConfirmResult = { ok: true; marked: number } | { ok: false; code: 'fork' | 'hub_ahead'; message: string };

export interface AppendContext {
  /** Till clock, unix ms: becomes `at` and the time part of each uuid v7. */
  now: number;
  random: RandomSource;
}

/** One line of a cashier's totals: entries of one kind, asset and payment method. */
export interface SessionTotalsRow {
  kind: EntryKind;
  asset: string | null;
  payment: string | null;
  count: number;
  amount: number;
}

/** An entry that may move cash in or out of the drawer. */
export interface DrawerMovement {
  kind: string;
  asset: string | null;
  amount: number;
  payment: string | null;
}

export interface JournalOptions {
  crypto: CryptoProvider;
  secretKey: Uint8Array;
}

/** Kinds that take money off the card. */
const DEBIT_KINDS = "('SAL', 'RFD', 'VID')";

export interface Journal {
  /** The result of the chain check run when the journal was opened. */
  readonly integrity: ChainCheck;
  identity(): Identity | undefined;
  setIdentity(identity: Identity): SetIdentityResult;
  append(drafts: readonly EntryDraft[], context: AppendContext): AppendResult;
  /** Unacknowledged entries in ascending seq, for `push`. */
  pending(limit?: number): WireEntry[];
  pendingCount(): number;
  /**
   * Entries from `seq` on in ascending order, acknowledged or not: the sync client
   * pushes from the hub's `lastSeq + 1`, and after a `gap` from the hub's `expected`.
   */
  entriesFrom(seq: number, limit?: number): WireEntry[];
  /** Unacknowledged entries of one card (matched by firstTagId), for the authoriser. */
  pendingForCard(card: string): EntryBody[];
  /** The card's most recent entries at this till (matched by firstTagId), newest first. */
  recentForCard(card: string, limit: number): Array<{ body: EntryBody; ackStatus: AckResult['status'] | null; acked: boolean }>;
  offlineCounters(card: string, freshAt: number): OfflineCounters;
  markAcked(results: readonly AckResult[], now: number): { marked: number; unknown: AckResult[] };
  confirmThrough(lastSeq: number, lastHash: string, now: number): ConfirmResult;
  /**
   * An `update` says the hub's card states include this till's entries up to
   * `seq`: they are acknowledged (result unknown) so the authoriser stops
   * subtracting them from balances that already hold them.
   */
  confirmApplied(seq: number, now: number): number;
  /** The last entry, or the genesis; undefined before pairing. */
  head(): Head | undefined;
  verifyChain(): ChainCheck;
  /** Deletes acknowledged entries older than the retention; returns how many. */
  purge(now: number, retentionMs?: number): number;
  /**
   * A cashier's entries (matched by firstTagId of `primary`) since `openedAt`,
   * shift entries left out, grouped by kind, asset and payment method.
   */
  sessionTotals(primary: string, openedAt: number): SessionTotalsRow[];
  /** The last SHO entry no SHC names, as stored (seq and canonical body text). */
  openShiftEntry(): { seq: number; body: string } | undefined;
  /** Entries after `seq` that may move drawer cash, rejected ones left out. */
  drawerMovements(afterSeq: number): DrawerMovement[];
  /** False once closed. */
  readonly open: boolean;
  close(): void;
}

interface EntryRow {
  seq: number;
  id: string;
  body: string;
  hash: string;
  sig: string;
  kind: string;
  asset: string | null;
  amount: number;
  card_prefix: string;
  auth: string;
}

interface IdentityRow {
  terminal: string;
  public_key: string;
  place: string;
  place_name: string;
  hub_public_key: string;
  hub_url: string;
  genesis: string;
}

/** The journal over an opened till database (the store opens it: till-store.ts). */
export function openJournalOn(db: TillDatabase, options: JournalOptions): Journal {
  const { crypto, secretKey } = options;
  const publicKey = publicKeyHex(crypto, secretKey);
  const statements = prepare(db);

  const readIdentity = (): Identity | undefined => {
    const row = statements.identity.get();
    return row && identityFromRow(row);
  };

  const computeHead = (): Head | undefined => {
    const current = readIdentity();
    if (!current) return undefined;
    const last = statements.last.get();
    if (last) return { seq: last.seq, hash: last.hash };
    return readBase(db) ?? { seq: 0, hash: current.genesis };
  };

  const verify = (): ChainCheck => verifyRows(db, crypto, publicKey, readIdentity());

  let head = computeHead();
  let integrity = verify();

  const journal: Journal = {
    get integrity() {
      return integrity;
    },
    identity: readIdentity,

    setIdentity(identity) {
      const checked = checkIdentity(crypto, publicKey, identity);
      if (!checked.ok) return checked;
      const current = readIdentity();
      if (current && !sameIdentity(current, identity) && statements.count.get()!.count > 0) {
        return { ok: false, code: 'already_paired', message: `this journal already holds entries of terminal ${current.terminal}` };
      }
      statements.setIdentity.run(identityToRow(identity));
      head = computeHead();
      integrity = verify();
      return { ok: true };
    },

    append(drafts, context) {
      if (drafts.length < 1 || drafts.length > APPEND_ENTRIES_MAX) {
        throw new RangeError(`append takes 1 to ${APPEND_ENTRIES_MAX} entries, got ${drafts.length}`);
      }
      const identity = readIdentity();
      if (!identity || !head) return { ok: false, code: 'not_paired', message: 'the till is not paired' };
      if (!integrity.ok) return { ok: false, code: 'journal_corrupt', message: `journal damaged at seq ${integrity.seq}: ${integrity.message}` };
      const built = buildEntries(crypto, secretKey, identity.terminal, head, drafts, context);
      if (!built.ok) return built;
      const expectedSeq = head.seq;
      db.transaction(() => {
        // Guards against a second process appending to the same file.
        const last = statements.last.get();
        const storedSeq = last?.seq ?? readBase(db)?.seq ?? 0;
        if (storedSeq !== expectedSeq) throw new Error(`journal head moved under us: ${storedSeq} ≠ ${expectedSeq}`);
        for (const entry of built.entries) statements.insert.run(entryToRow(entry, context.now));
      })();
      const last = built.entries[built.entries.length - 1]!;
      head = { seq: last.body.seq, hash: last.hash };
      return { ok: true, entries: built.entries.map((entry) => entry.wire) };
    },

    pending(limit = PUSH_ENTRIES_MAX) {
      if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
      return statements.pending.all(limit).map(wireFromRow);
    },

    pendingCount: () => statements.pendingCount.get()!.count,

    entriesFrom(seq, limit = PUSH_ENTRIES_MAX) {
      if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
      return statements.from.all(seq, limit).map(wireFromRow);
    },

    pendingForCard(card) {
      const appliedThrough = Number(statements.appliedThrough.get()?.value ?? 0);
      return statements.pendingForCard.all(appliedThrough, firstTagIdOf(card)).map((row) => parseStoredBody(row.body));
    },

    recentForCard(card, limit) {
      return statements.recentForCard.all(firstTagIdOf(card), limit).map((row) => ({
        body: parseStoredBody(row.body),
        ackStatus: row.ack_status,
        acked: row.acked_at !== null,
      }));
    },

    offlineCounters(card, freshAt) {
      return {
        cardOfflineSpend: statements.cardOfflineSpend.get(firstTagIdOf(card), freshAt)!.total,
        offlineExposure: statements.offlineExposure.get()!.total,
      };
    },

    markAcked(results, now) {
      const unknown: AckResult[] = [];
      let marked = 0;
      db.transaction(() => {
        for (const result of results) {
          const changes = statements.ack.run(now, result.status, result.reason ?? null, result.seq, result.id).changes;
          if (changes === 1) marked++;
          else if (!statements.exists.get(result.seq, result.id)) unknown.push(result);
        }
      })();
      return { marked, unknown };
    },

    confirmThrough(lastSeq, lastHash, now) {
      const identity = readIdentity();
      if (!identity || !head) throw new Error('confirmThrough before pairing');
      if (lastSeq > head.seq) {
        return { ok: false, code: 'hub_ahead', message: `the hub holds seq ${lastSeq}, this journal ends at ${head.seq}` };
      }
      const ours = hashAt(db, identity, lastSeq);
      if (ours !== undefined && ours !== lastHash) {
        return { ok: false, code: 'fork', message: `seq ${lastSeq}: hub has ${lastHash}, journal has ${ours}` };
      }
      return { ok: true, marked: statements.confirm.run(now, lastSeq).changes };
    },

    confirmApplied(seq, now) {
      if (!head) throw new Error('confirmApplied before pairing');
      const through = Math.min(seq, head.seq);
      if (through > Number(readSetting(db, SETTING.appliedThrough) ?? 0)) writeSetting(db, SETTING.appliedThrough, String(through));
      return statements.confirm.run(now, through).changes;
    },

    head: () => head,
    verifyChain: () => (integrity = verify()),

    purge(now, retentionMs = JOURNAL_RETENTION_MS) {
      return purgeAcknowledged(db, now - retentionMs);
    },

    sessionTotals: (primary, openedAt) => statements.sessionTotals.all(firstTagIdOf(primary), openedAt),
    openShiftEntry: () => statements.openShift.get(),
    drawerMovements: (afterSeq) => statements.drawerMovements.all(afterSeq),
    get open() {
      return db.open;
    },
    close: () => db.close(),
  };
  return journal;
}

function prepare(db: TillDatabase) {
  return {
    identity: db.prepare<[], IdentityRow>('SELECT * FROM identity WHERE singleton = 1'),
    setIdentity: db.prepare<[IdentityRow]>(
      `INSERT INTO identity (singleton, terminal, public_key, place, place_name, hub_public_key, hub_url, genesis)
       VALUES (1, @terminal, @public_key, @place, @place_name, @hub_public_key, @hub_url, @genesis)
       ON CONFLICT (singleton) DO UPDATE SET terminal = excluded.terminal, public_key = excluded.public_key,
         place = excluded.place, place_name = excluded.place_name, hub_public_key = excluded.hub_public_key,
         hub_url = excluded.hub_url, genesis = excluded.genesis`,
    ),
    last: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1'),
    count: db.prepare<[], { count: number }>('SELECT count(*) AS count FROM entries'),
    insert: db.prepare<[Record<string, string | number | null>]>(
      `INSERT INTO entries (seq, id, body, hash, sig, created_at, kind, asset, amount, card_prefix, auth)
       VALUES (@seq, @id, @body, @hash, @sig, @created_at, @kind, @asset, @amount, @card_prefix, @auth)`,
    ),
    pending: db.prepare<[number], EntryRow>('SELECT * FROM entries WHERE acked_at IS NULL ORDER BY seq LIMIT ?'),
    pendingCount: db.prepare<[], { count: number }>('SELECT count(*) AS count FROM entries WHERE acked_at IS NULL'),
    from: db.prepare<[number, number], EntryRow>('SELECT * FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?'),
    recentForCard: db.prepare<[string, number], { body: string; acked_at: number | null; ack_status: AckResult['status'] | null }>(
      'SELECT body, acked_at, ack_status FROM entries WHERE card_prefix = ? ORDER BY created_at DESC, seq DESC LIMIT ?',
    ),
    // An ack says the hub committed the entry, not that the card states this till
    // holds include it (the update that carries its effect comes a moment later): an
    // acked debit still counts until an update's appliedThrough covers it. An acked
    // credit no longer counts: the states may hold it already, and counting it twice
    // would sell money the card does not have. An entry the hub rejected moved nothing.
    // Every entry up to appliedThrough is acked (confirmApplied): the range after it holds them all.
    pendingForCard: db.prepare<[number, string], { body: string }>(
      `SELECT body FROM entries WHERE seq > ? AND card_prefix = ?
       AND (acked_at IS NULL OR (kind IN ${DEBIT_KINDS} AND coalesce(ack_status, '') <> 'rejected')) ORDER BY seq`,
    ),
    appliedThrough: db.prepare<[], { value: string }>(`SELECT value FROM settings WHERE key = '${SETTING.appliedThrough}'`),
    // A rejected entry moved no money; an acknowledged one still counts until the
    // card's next fresh balance (the hub's update may lag behind its ack).
    cardOfflineSpend: db.prepare<[string, number], { total: number }>(
      `SELECT coalesce(sum(amount), 0) AS total FROM entries
       WHERE card_prefix = ? AND created_at >= ? AND auth = 'offline' AND kind IN ${DEBIT_KINDS}
         AND (ack_status IS NULL OR ack_status <> 'rejected')`,
    ),
    offlineExposure: db.prepare<[], { total: number }>(
      `SELECT coalesce(sum(amount), 0) AS total FROM entries
       WHERE acked_at IS NULL AND auth = 'offline' AND kind IN ${DEBIT_KINDS}`,
    ),
    // An entry confirmed by a welcome or an update's appliedThrough (acked, status
    // unknown) still takes the status of an ack that arrives later, keeping its
    // first acknowledgement time; a known status is never overwritten.
    ack: db.prepare<[number, string, string | null, number, string]>(
      `UPDATE entries SET acked_at = coalesce(acked_at, ?), ack_status = ?, ack_reason = ?
       WHERE seq = ? AND id = ? AND ack_status IS NULL`,
    ),
    exists: db.prepare<[number, string], { seq: number }>('SELECT seq FROM entries WHERE seq = ? AND id = ?'),
    // The hub stored these (its `welcome` says so) but the ack was lost with the
    // connection: acknowledged, result unknown (ack_status stays NULL).
    confirm: db.prepare<[number, number]>('UPDATE entries SET acked_at = ? WHERE seq <= ? AND acked_at IS NULL'),
    sessionTotals: db.prepare<[string, number], SessionTotalsRow>(
      `SELECT kind, asset, json_extract(body, '$.meta.payment') AS payment, count(*) AS count, sum(amount) AS amount
       FROM entries
       WHERE substr(json_extract(body, '$.primary'), 1, 8) = ? AND created_at >= ? AND kind NOT IN ('SHO', 'SHC')
       GROUP BY kind, asset, payment ORDER BY kind, asset, payment`,
    ),
    openShift: db.prepare<[], { seq: number; body: string }>(
      `SELECT seq, body FROM entries WHERE kind = 'SHO'
       AND NOT EXISTS (SELECT 1 FROM entries closes WHERE closes.kind = 'SHC' AND json_extract(closes.body, '$.meta.shift') = json_extract(entries.body, '$.id'))
       ORDER BY seq DESC LIMIT 1`,
    ),
    drawerMovements: db.prepare<[number], DrawerMovement>(
      `SELECT kind, asset, amount, json_extract(body, '$.meta.payment') AS payment FROM entries
       WHERE seq > ? AND kind IN ('REF', 'SUB', 'RFD', 'VID') AND coalesce(ack_status, '') <> 'rejected'`,
    ),
  };
}

interface BuiltEntry {
  body: EntryBody;
  text: string;
  hash: string;
  wire: WireEntry;
}

function buildEntries(
  crypto: CryptoProvider,
  secretKey: Uint8Array,
  terminal: string,
  head: Head,
  drafts: readonly EntryDraft[],
  context: AppendContext,
): { ok: true; entries: BuiltEntry[] } | { ok: false; code: 'invalid_entry'; message: string } {
  const at = new Date(context.now).toISOString();
  const entries: BuiltEntry[] = [];
  let prev = head;
  for (const [index, draft] of drafts.entries()) {
    const candidate = {
      v: 1,
      id: uuidV7(context.now, context.random(10)),
      terminal,
      seq: prev.seq + 1,
      prev: prev.hash,
      at,
      kind: draft.kind,
      asset: draft.asset,
      amount: draft.amount,
      card: draft.card,
      primary: draft.primary,
      auth: draft.auth,
      ...(draft.meta === undefined ? {} : { meta: draft.meta }),
    };
    // A body the hub's schema refuses could never be acknowledged and would
    // block the chain behind it: check before signing, not after.
    const parsed = EntryBody.safeParse(candidate);
    if (!parsed.success) return { ok: false, code: 'invalid_entry', message: `entry ${index + 1}: ${describeIssues(parsed.error.issues)}` };
    const body = parsed.data;
    const { hash, sig } = signBody(crypto, secretKey, body);
    entries.push({ body, text: canonicalize(body), hash, wire: { body, hash, sig } });
    prev = { seq: body.seq, hash };
  }
  return { ok: true, entries };
}

function entryToRow(entry: BuiltEntry, now: number): Record<string, string | number | null> {
  const { body } = entry;
  return {
    seq: body.seq,
    id: body.id,
    body: entry.text,
    hash: entry.hash,
    sig: entry.wire.sig,
    created_at: now,
    kind: body.kind,
    asset: body.asset,
    amount: body.amount,
    card_prefix: firstTagIdOf(body.card),
    auth: body.auth,
  };
}

function wireFromRow(row: EntryRow): WireEntry {
  return { body: parseStoredBody(row.body), hash: row.hash, sig: row.sig };
}

/** Our own rows, checked by verifyChain on open: a failure here is a bug or tampering since. */
function parseStoredBody(text: string): EntryBody {
  return EntryBody.parse(JSON.parse(text));
}

function verifyRows(db: TillDatabase, crypto: CryptoProvider, publicKey: string, identity: Identity | undefined): ChainCheck {
  const count = db.prepare<[], { count: number }>('SELECT count(*) AS count FROM entries').get()!.count;
  if (!identity) {
    if (count === 0) return { ok: true, head: undefined, entries: 0 };
    return { ok: false, seq: 0, problem: 'no_identity', message: 'entries without an identity' };
  }
  if (identity.publicKey !== publicKey) {
    return { ok: false, seq: 0, problem: 'wrong_key', message: 'the key file does not match the paired public key' };
  }
  let expected: Head = readBase(db) ?? { seq: 0, hash: identity.genesis };
  for (const row of db.prepare<[], EntryRow>('SELECT * FROM entries ORDER BY seq').iterate()) {
    const problem = checkRow(crypto, identity, expected, row);
    if (problem) return { ok: false, seq: row.seq, ...problem };
    expected = { seq: row.seq, hash: row.hash };
  }
  return { ok: true, head: expected, entries: count };
}

function checkRow(crypto: CryptoProvider, identity: Identity, expected: Head, row: EntryRow): { problem: ChainProblem; message: string } | undefined {
  if (row.seq !== expected.seq + 1) return { problem: 'bad_seq', message: `expected seq ${expected.seq + 1}` };
  let json: unknown;
  try {
    json = JSON.parse(row.body);
  } catch {
    return { problem: 'bad_body', message: 'body is not JSON' };
  }
  const parsed = EntryBody.safeParse(json);
  if (!parsed.success) return { problem: 'bad_body', message: describeIssues(parsed.error.issues) };
  const body = parsed.data;
  if (canonicalize(json) !== row.body) return { problem: 'bad_body', message: 'body is not the canonical text that was signed' };
  if (body.seq !== row.seq || body.id !== row.id || body.terminal !== identity.terminal) {
    return { problem: 'bad_body', message: 'body seq, id or terminal differs from its row' };
  }
  if (body.prev !== expected.hash) return { problem: 'bad_prev', message: `prev does not link to seq ${expected.seq}` };
  const verdict = verifySigned(crypto, identity.publicKey, { body: json, hash: row.hash, sig: row.sig });
  if (verdict !== 'ok') return { problem: verdict, message: verdict === 'bad_hash' ? 'hash does not match the body' : 'signature does not verify' };
  if (
    row.kind !== body.kind ||
    row.asset !== body.asset ||
    row.amount !== body.amount ||
    row.card_prefix !== firstTagIdOf(body.card) ||
    row.auth !== body.auth
  ) {
    return { problem: 'bad_columns', message: 'indexed columns differ from the signed body' };
  }
  return undefined;
}

function checkIdentity(crypto: CryptoProvider, publicKey: string, identity: Identity): SetIdentityResult {
  if (identity.publicKey !== publicKey) {
    return { ok: false, code: 'wrong_key', message: 'the paired public key is not this till\'s key' };
  }
  const genesis = hashBody(crypto, genesisBody(identity.terminal, identity.publicKey, identity.place, identity.hubPublicKey));
  if (genesis !== identity.genesis) {
    return { ok: false, code: 'genesis_mismatch', message: `the hub's genesis ${identity.genesis} is not hash({terminal, publicKey, place, hub}) = ${genesis}` };
  }
  return { ok: true };
}

function sameIdentity(a: Identity, b: Identity): boolean {
  return a.terminal === b.terminal && a.publicKey === b.publicKey && a.genesis === b.genesis;
}

function identityFromRow(row: IdentityRow): Identity {
  return {
    terminal: row.terminal,
    publicKey: row.public_key,
    place: row.place,
    placeName: row.place_name,
    hubPublicKey: row.hub_public_key,
    hubUrl: row.hub_url,
    genesis: row.genesis,
  };
}

function identityToRow(identity: Identity): IdentityRow {
  return {
    terminal: identity.terminal,
    public_key: identity.publicKey,
    place: identity.place,
    place_name: identity.placeName,
    hub_public_key: identity.hubPublicKey,
    hub_url: identity.hubUrl,
    genesis: identity.genesis,
  };
}

function readBase(db: TillDatabase): Head | undefined {
  const seq = readSetting(db, SETTING.baseSeq);
  const hash = readSetting(db, SETTING.baseHash);
  if (seq === undefined || hash === undefined) return undefined;
  return { seq: Number(seq), hash };
}

/** The hash of entry `seq` (the genesis for 0); undefined when purged. */
function hashAt(db: TillDatabase, identity: Identity, seq: number): string | undefined {
  if (seq === 0) return identity.genesis;
  const row = db.prepare<[number], { hash: string }>('SELECT hash FROM entries WHERE seq = ?').get(seq);
  if (row) return row.hash;
  const base = readBase(db);
  return base && base.seq === seq ? base.hash : undefined;
}

/**
 * Retention counts from the acknowledgement (SYNC.md: acknowledged entries stay
 * until the retention has passed). Only a prefix of the chain is deleted, so what
 * remains still verifies from the recorded base.
 */
function purgeAcknowledged(db: TillDatabase, ackedBefore: number): number {
  return db.transaction(() => {
    const blocker = db
      .prepare<[number], { seq: number | null }>('SELECT min(seq) AS seq FROM entries WHERE acked_at IS NULL OR acked_at >= ?')
      .get(ackedBefore)!.seq;
    const through =
      blocker === null
        ? db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM entries').get()!.seq
        : blocker - 1;
    if (through === null) return 0;
    const last = db.prepare<[number], { seq: number; hash: string }>('SELECT seq, hash FROM entries WHERE seq <= ? ORDER BY seq DESC LIMIT 1').get(through);
    if (!last) return 0;
    const deleted = db.prepare('DELETE FROM entries WHERE seq <= ?').run(through).changes;
    writeSetting(db, SETTING.baseSeq, String(last.seq));
    writeSetting(db, SETTING.baseHash, last.hash);
    return deleted;
  })();
}
