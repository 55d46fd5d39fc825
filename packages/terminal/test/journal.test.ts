import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalize, hashBody, nobleCrypto, signBody, verifySigned } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { JOURNAL_RETENTION_MS, WireEntry } from '@fedow/protocol';
import { openJournal, type EntryDraft, type Journal } from '../src';
import { MINUTE_MS, OTHER_SECRET, T0, TILL_SECRET, cleanup, identityFor, seededRandom, temporaryDirectory, uuid } from './helpers';

const ASSET = uuid(0xa55e7);
const CARD = '04A1B2C3D4E5F6';
const PRIMARY = 'CAFE0001';

function sale(amount: number, overrides: Partial<EntryDraft> = {}): EntryDraft {
  return { kind: 'SAL', asset: ASSET, amount, card: CARD, primary: PRIMARY, auth: 'online', ...overrides };
}

const opened: Journal[] = [];
function open(path: string, secretKey = TILL_SECRET, crypto = nodeCrypto): Journal {
  const journal = openJournal(path, { crypto, secretKey });
  opened.push(journal);
  return journal;
}
function paired(path: string): Journal {
  const journal = open(path);
  expect(journal.setIdentity(identityFor(TILL_SECRET))).toEqual({ ok: true });
  return journal;
}
function appendOk(journal: Journal, drafts: EntryDraft[], now = T0, random = seededRandom(`r${now}`)): WireEntry[] {
  const result = journal.append(drafts, { now, random });
  if (!result.ok) throw new Error(`append failed: ${result.message}`);
  return result.entries;
}
/** Reads the file as it is on disk, through a second connection (the journal keeps its handle to itself). */
function peek<T>(path: string, read: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
/** Edits the file as an attacker (or a broken disk) would: behind the journal's back. */
function tamper(path: string, sql: string, ...parameters: unknown[]): void {
  const db = new Database(path);
  db.prepare(sql).run(...parameters);
  db.close();
}

afterEach(() => {
  for (const journal of opened.splice(0)) if (journal.open) journal.close();
  cleanup();
});

describe('journal chain', () => {
  it('links entry 1 to the genesis and each entry to the previous hash, signed by the till key', () => {
    const path = join(temporaryDirectory(), 'till.db');
    const journal = paired(path);
    const identity = journal.identity()!;
    const first = appendOk(journal, [sale(500)]);
    const second = appendOk(journal, [sale(300), sale(200, { asset: uuid(0xb) })], T0 + 1000);
    const all = [...first, ...second];
    expect(all.map((entry) => entry.body.seq)).toEqual([1, 2, 3]);
    expect(all[0]!.body.prev).toBe(identity.genesis);
    expect(all[1]!.body.prev).toBe(all[0]!.hash);
    expect(all[2]!.body.prev).toBe(all[1]!.hash);
    for (const entry of all) {
      expect(WireEntry.safeParse(entry).success).toBe(true);
      expect(verifySigned(nobleCrypto, identity.publicKey, entry)).toBe('ok');
      expect(entry.body.terminal).toBe(identity.terminal);
    }
    expect(all[0]!.body.at).toBe('2026-07-14T21:00:00.000Z');
    expect(new Set(all.map((entry) => entry.body.id)).size).toBe(3);
    expect(journal.head()).toEqual({ seq: 3, hash: all[2]!.hash });
    // The body column holds the exact text that was hashed.
    const row = peek(path, (db) => db.prepare<[], { body: string; hash: string }>('SELECT body, hash FROM entries WHERE seq = 2').get()!);
    expect(row.body).toBe(canonicalize(all[1]!.body));
    expect(hashBody(nodeCrypto, JSON.parse(row.body))).toBe(row.hash);
  });

  it('reopens with the chain verified and continues it (checked with the other crypto too)', () => {
    const path = join(temporaryDirectory(), 'till.db');
    const journal = paired(path);
    const before = appendOk(journal, [sale(100), sale(200)]);
    journal.close();

    const reopened = open(path, TILL_SECRET, nobleCrypto);
    expect(reopened.integrity).toEqual({ ok: true, head: { seq: 2, hash: before[1]!.hash }, entries: 2 });
    expect(reopened.head()).toEqual({ seq: 2, hash: before[1]!.hash });
    const [next] = appendOk(reopened, [sale(300)], T0 + 5000);
    expect(next!.body.seq).toBe(3);
    expect(next!.body.prev).toBe(before[1]!.hash);
    expect(reopened.verifyChain()).toMatchObject({ ok: true, entries: 3 });
  });

  it('refuses to append before pairing, and refuses a genesis that is not hash({terminal, publicKey, place, hub})', () => {
    const journal = open(join(temporaryDirectory(), 'till.db'));
    expect(journal.head()).toBeUndefined();
    expect(journal.append([sale(1)], { now: T0, random: seededRandom('x') })).toMatchObject({ ok: false, code: 'not_paired' });
    const identity = identityFor(TILL_SECRET);
    expect(journal.setIdentity({ ...identity, genesis: 'f'.repeat(64) })).toMatchObject({ ok: false, code: 'genesis_mismatch' });
    expect(journal.setIdentity(identityFor(OTHER_SECRET))).toMatchObject({ ok: false, code: 'wrong_key' });
    expect(journal.setIdentity(identity)).toEqual({ ok: true });
    expect(journal.head()).toEqual({ seq: 0, hash: identity.genesis });
  });

  it('refuses a second pairing once entries exist (the old chain still has to reach the hub)', () => {
    const journal = paired(join(temporaryDirectory(), 'till.db'));
    appendOk(journal, [sale(1)]);
    const other = identityFor(TILL_SECRET, { terminal: uuid(0x7e2) });
    expect(journal.setIdentity(other)).toMatchObject({ ok: false, code: 'already_paired' });
  });
});

describe('journal tamper detection on reopen', () => {
  function journalWithThree(): { path: string; entries: WireEntry[] } {
    const path = join(temporaryDirectory(), 'till.db');
    const journal = paired(path);
    const entries = appendOk(journal, [sale(500), sale(600), sale(700)]);
    journal.close();
    return { path, entries };
  }

  it('reports the seq of a body edited in place (bad_hash) and stops appending', () => {
    const { path } = journalWithThree();
    tamper(path, `UPDATE entries SET body = replace(body, '"amount":600', '"amount":6') WHERE seq = 2`);
    const journal = open(path);
    expect(journal.integrity).toMatchObject({ ok: false, seq: 2, problem: 'bad_hash' });
    expect(journal.append([sale(1)], { now: T0, random: seededRandom('y') })).toMatchObject({ ok: false, code: 'journal_corrupt' });
  });

  it('reports a re-hashed body signed by another key (bad_signature)', () => {
    const { path, entries } = journalWithThree();
    const forged = { ...entries[2]!.body, amount: 1 };
    const { hash, sig } = signBody(nodeCrypto, OTHER_SECRET, forged);
    tamper(path, 'UPDATE entries SET body = ?, hash = ?, sig = ?, amount = 1 WHERE seq = 3', canonicalize(forged), hash, sig);
    expect(open(path).integrity).toMatchObject({ ok: false, seq: 3, problem: 'bad_signature' });
  });

  it('reports a deleted entry (bad_seq) and a broken link (bad_prev)', () => {
    const first = journalWithThree();
    tamper(first.path, 'DELETE FROM entries WHERE seq = 2');
    expect(open(first.path).integrity).toMatchObject({ ok: false, seq: 3, problem: 'bad_seq' });

    const second = journalWithThree();
    tamper(second.path, 'UPDATE entries SET hash = ? WHERE seq = 1', 'e'.repeat(64));
    expect(open(second.path).integrity).toMatchObject({ ok: false, seq: 1, problem: 'bad_hash' });
  });

  it('reports indexed columns that no longer match the signed body (bad_columns)', () => {
    const { path } = journalWithThree();
    tamper(path, 'UPDATE entries SET amount = 0 WHERE seq = 1');
    expect(open(path).integrity).toMatchObject({ ok: false, seq: 1, problem: 'bad_columns' });
  });

  it('reports a key file that is not the paired key (wrong_key)', () => {
    const { path } = journalWithThree();
    expect(open(path, OTHER_SECRET).integrity).toMatchObject({ ok: false, seq: 0, problem: 'wrong_key' });
  });
});

describe('journal append is all or nothing', () => {
  it('stores none of a split sale when one of its rows fails, and the head does not move', () => {
    const path = join(temporaryDirectory(), 'till.db');
    const journal = paired(path);
    const [first] = appendOk(journal, [sale(100)]);
    // A broken random source gives the same id twice: the second INSERT violates
    // UNIQUE(id) inside the transaction.
    const stuck = () => new Uint8Array(10).fill(3);
    expect(() => journal.append([sale(100), sale(200), sale(300)], { now: T0 + 1, random: stuck })).toThrow(/UNIQUE/);
    expect(peek(path, (db) => db.prepare('SELECT count(*) AS count FROM entries').get())).toEqual({ count: 1 });
    expect(journal.head()).toEqual({ seq: 1, hash: first!.hash });
    const [next] = appendOk(journal, [sale(400)], T0 + 2);
    expect(next!.body).toMatchObject({ seq: 2, prev: first!.hash });
  });

  it('refuses a batch with one invalid draft before signing anything', () => {
    const journal = paired(join(temporaryDirectory(), 'till.db'));
    const result = journal.append([sale(100), sale(100, { card: 'not-a-uid' })], { now: T0, random: seededRandom('z') });
    expect(result).toMatchObject({ ok: false, code: 'invalid_entry' });
    expect(journal.pendingCount()).toBe(0);
    expect(journal.head()!.seq).toBe(0);
  });
});

describe('journal acknowledgements and retention', () => {
  it('lists pending entries in seq order with a limit, and marks acks once', () => {
    const path = join(temporaryDirectory(), 'till.db');
    const journal = paired(path);
    const entries = appendOk(journal, [sale(1), sale(2), sale(3), sale(4)]);
    expect(journal.pending(3).map((entry) => entry.body.seq)).toEqual([1, 2, 3]);
    const ack = [
      { seq: 1, id: entries[0]!.body.id, status: 'applied' as const },
      { seq: 2, id: entries[1]!.body.id, status: 'rejected' as const, reason: 'insufficient_funds' as const },
      { seq: 3, id: uuid(0xdead), status: 'applied' as const },
    ];
    expect(journal.markAcked(ack, T0 + 10)).toEqual({ marked: 2, unknown: [ack[2]] });
    expect(journal.markAcked(ack.slice(0, 1), T0 + 20)).toEqual({ marked: 0, unknown: [] });
    expect(journal.pending().map((entry) => entry.body.seq)).toEqual([3, 4]);
    const rejected = peek(path, (db) => db.prepare('SELECT ack_status, ack_reason, acked_at FROM entries WHERE seq = 2').get());
    expect(rejected).toEqual({ ack_status: 'rejected', ack_reason: 'insufficient_funds', acked_at: T0 + 10 });
  });

  it('confirms entries the hub says it holds, and detects a fork or a hub ahead of the journal', () => {
    const journal = paired(join(temporaryDirectory(), 'till.db'));
    const entries = appendOk(journal, [sale(1), sale(2), sale(3)]);
    expect(journal.confirmThrough(4, entries[2]!.hash, T0)).toMatchObject({ ok: false, code: 'hub_ahead' });
    expect(journal.confirmThrough(2, entries[0]!.hash, T0)).toMatchObject({ ok: false, code: 'fork' });
    expect(journal.confirmThrough(0, journal.identity()!.genesis, T0)).toEqual({ ok: true, marked: 0 });
    expect(journal.confirmThrough(2, entries[1]!.hash, T0)).toEqual({ ok: true, marked: 2 });
    expect(journal.pending().map((entry) => entry.body.seq)).toEqual([3]);
  });

  it('purges only a prefix of entries acknowledged longer ago than the retention, and the rest still verifies', () => {
    const path = join(temporaryDirectory(), 'till.db');
    const journal = paired(path);
    const entries = appendOk(journal, [sale(1), sale(2), sale(3), sale(4)]);
    const ackedAt = T0 + MINUTE_MS;
    journal.markAcked(
      [1, 2, 4].map((seq) => ({ seq, id: entries[seq - 1]!.body.id, status: 'applied' as const })),
      ackedAt,
    );
    expect(journal.purge(ackedAt + JOURNAL_RETENTION_MS)).toBe(0);
    // seq 3 is not acknowledged: 4 stays too, so the remaining chain is unbroken.
    expect(journal.purge(ackedAt + JOURNAL_RETENTION_MS + 1)).toBe(2);
    expect(peek(path, (db) => db.prepare('SELECT seq FROM entries ORDER BY seq').pluck().all())).toEqual([3, 4]);
    journal.close();

    const reopened = open(path);
    expect(reopened.integrity).toMatchObject({ ok: true, entries: 2 });
    expect(reopened.head()).toEqual({ seq: 4, hash: entries[3]!.hash });
    reopened.markAcked([{ seq: 3, id: entries[2]!.body.id, status: 'applied' }], ackedAt);
    expect(reopened.purge(ackedAt + JOURNAL_RETENTION_MS + 1)).toBe(2);
    expect(reopened.head()).toEqual({ seq: 4, hash: entries[3]!.hash });
    reopened.close();

    const empty = open(path);
    expect(empty.integrity).toMatchObject({ ok: true, entries: 0 });
    expect(empty.head()).toEqual({ seq: 4, hash: entries[3]!.hash });
    const [next] = appendOk(empty, [sale(5)], T0 + 2 * JOURNAL_RETENTION_MS);
    expect(next!.body).toMatchObject({ seq: 5, prev: entries[3]!.hash });
    expect(empty.verifyChain()).toMatchObject({ ok: true, entries: 1 });
  });

  it('counts offline debits per card since its last fresh balance, and unacknowledged offline exposure', () => {
    const journal = paired(join(temporaryDirectory(), 'till.db'));
    const entries = [
      ...appendOk(journal, [sale(100, { auth: 'offline' })], T0),
      ...appendOk(journal, [sale(200, { auth: 'offline', card: '04A1B2C3' })], T0 + 10),
      ...appendOk(journal, [sale(400, { auth: 'online' })], T0 + 20),
      ...appendOk(journal, [sale(800, { auth: 'offline', card: 'BEEF0001' })], T0 + 30),
      ...appendOk(journal, [sale(1600, { auth: 'offline', kind: 'REF' })], T0 + 40),
    ];
    // The card read with only its first 4 bytes is the same card.
    expect(journal.offlineCounters(CARD, T0)).toEqual({ cardOfflineSpend: 300, offlineExposure: 1100 });
    expect(journal.offlineCounters(CARD, T0 + 5)).toEqual({ cardOfflineSpend: 200, offlineExposure: 1100 });
    journal.markAcked([{ seq: 2, id: entries[1]!.body.id, status: 'rejected', reason: 'insufficient_funds' }], T0 + 50);
    journal.markAcked([{ seq: 1, id: entries[0]!.body.id, status: 'applied' }], T0 + 50);
    // Acknowledged still counts for the card until its balance is fresh; rejected never does.
    expect(journal.offlineCounters(CARD, T0)).toEqual({ cardOfflineSpend: 100, offlineExposure: 800 });
    // An acked sale still counts until an update's appliedThrough says the cached
    // balance holds it; the rejected one never does.
    expect(journal.pendingForCard('04A1B2C3').map((body) => body.seq)).toEqual([1, 3, 5]);
    journal.confirmApplied(1, T0 + 60);
    expect(journal.pendingForCard('04A1B2C3').map((body) => body.seq)).toEqual([3, 5]);
    // An acked top-up stops counting at once: the cached balance may hold it already.
    journal.markAcked([{ seq: 5, id: entries[4]!.body.id, status: 'applied' }], T0 + 70);
    expect(journal.pendingForCard('04A1B2C3').map((body) => body.seq)).toEqual([3]);
  });
});
