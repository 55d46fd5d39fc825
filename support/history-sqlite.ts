import Database from 'better-sqlite3';
import { historyShape, type HistoryPlan } from './history-shape';

/**
 * Writes a ledger's history into a SQLite file by bulk SQL (recursive CTEs in
 * one transaction, journal off, secondary indexes rebuilt at the end): tills of
 * the bench place that sold and topped up on a population of cards, with their
 * entries, transfers, balances and sealed blocks (history-shape.ts says what is
 * consistent and what is a placeholder).
 */
export function writeHistorySqlite(path: string, plan: HistoryPlan): void {
  const db = new Database(path);
  try {
    // The file is a throwaway until the build finishes (history.ts renames it then).
    // Not WAL: the whole history would pass through the log and be copied again.
    // (OFF is refused by better-sqlite3's defensive mode; the rollback journal in
    // memory holds only the template's few pages the build changes.)
    const mode = db.pragma('journal_mode = MEMORY', { simple: true });
    if (mode !== 'memory') throw new Error(`bench: the history's journal stayed ${String(mode)}`);
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -1000000');
    db.pragma('temp_store = MEMORY');
    const shape = historyShape(plan);
    const indexes = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('entries', 'transfers', 'balances', 'cards', 'wallets') AND sql IS NOT NULL`)
      .all() as { name: string; sql: string }[];
    db.transaction(() => {
      // Incremental inserts into secondary indexes are random writes: rebuilt once, sorted, at the end.
      for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
      const base = db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM transfers').get() as { seq: number };
      const latest = db.prepare('SELECT height, last_seq AS lastSeq FROM blocks ORDER BY height DESC LIMIT 1').get() as { height: number; lastSeq: number };
      if (latest.height !== 0) throw new Error(`bench: the history goes after the genesis block only, the template has block ${latest.height}`);
      for (const statement of sqliteStatements(shape, plan, base.seq, latest.lastSeq)) db.exec(statement);
      for (const index of indexes) db.exec(index.sql);
    })();
    db.exec('ANALYZE');
    // Back to what the hub expects (it sets WAL on open too).
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

const CTE = (name: string, count: number) => `WITH RECURSIVE ${name}(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM ${name} WHERE n + 1 < ${count})`;
/** 64 lowercase hex digits: a tag of 2 and a number. */
const hex64 = (prefix: string, value: string) => `printf('%s%062x', '${prefix}', ${value})`;
/** A UUID v7 shape: the time in ms, then a tag and a counter. */
const uuid7 = (ms: string, tag: string, counter: string) => `printf('%08x-%04x-7%03x-%s%03x-%012x', (${ms}) / 65536, (${ms}) % 65536, (${counter}) % 4096, '${tag}', (${counter}) % 4096, ${counter})`;

function sqliteStatements(shape: ReturnType<typeof historyShape>, plan: HistoryPlan, baseSeq: number, genesisLastSeq: number): string[] {
  const { tills, perTill, cards, entriesCount, transfersCount } = shape;
  const t0 = plan.startMs;
  const till = (n: string) => `printf('0b0b0b0b-0000-4000-8000-%012x', ${n})`;
  const wallet = (c: string) => `printf('0c0c0c0c-0000-4000-8000-%012x', ${c})`;
  const cardId = (c: string) => `printf('0d0d0d0d-0000-4000-8000-%012x', ${c})`;
  const tag = (c: string) => `printf('B%07X', ${c})`;
  const entryHash = (t: string, s: string) => hex64('e0', `(${t}) * 4294967296 + (${s})`);
  // Entry g: till g % tills, seq g / tills + 1; its card is its 10-entry group's (history-shape.ts).
  const entryOf = `g AS (SELECT n AS g, n % ${tills} AS t, n / ${tills} + 1 AS s, ((n % ${tills}) * 7919 + (n / ${tills} / 10) * 104729) % ${cards} AS c, (n / ${tills}) % 10 = 0 AS ref FROM r)`;
  // Transfer n → entry g and part: per super-group of 10 × tills entries, 2 × tills top-up transfers (CRE, REF) then 9 × tills sales.
  const transferOf = `x AS (SELECT n, n / ${11 * tills} AS G, n % ${11 * tills} AS q FROM r),
    y AS (SELECT n, CASE WHEN q < ${2 * tills} THEN G * ${10 * tills} + q / 2 ELSE G * ${10 * tills} + ${tills} + q - ${2 * tills} END AS g,
      CASE WHEN q < ${2 * tills} THEN (CASE q % 2 WHEN 0 THEN 'CRE' ELSE 'REF' END) ELSE 'SAL' END AS action FROM x),
    z AS (SELECT n, g, action, g % ${tills} AS t, g / ${tills} + 1 AS s, ((g % ${tills}) * 7919 + (g / ${tills} / 10) * 104729) % ${cards} AS c FROM y)`;
  const entryAt = (g: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${t0} + (${g}) * ${plan.msPerEntry}) / 1000.0, 'unixepoch')`;
  const body = `'{"amount":' || CASE WHEN ref THEN ${plan.topUp} ELSE ${plan.sale} END || ',"asset":"${plan.asset}","at":"' || ${entryAt('g')} || '","auth":"online","card":"' || ${tag('c')} || '","id":"' || ${uuid7(`${t0} + g * ${plan.msPerEntry}`, '8', 'g')} || '","kind":"' || CASE WHEN ref THEN 'REF' ELSE 'SAL' END || '","meta":' || CASE WHEN ref THEN '{"payment":"cash"}' ELSE '{"lines":[{"label":"Bière pression","qty":1,"unit":${plan.sale}}]}' END || ',"prev":"' || CASE WHEN s = 1 THEN ${hex64('9e', 't')} ELSE ${entryHash('t', 's - 1')} END || '","primary":"${plan.cashier}","seq":' || s || ',"terminal":"' || ${till('t')} || '","v":1}'`;
  const sealed = `((n + ${baseSeq + 1 - genesisLastSeq - 1}) / ${plan.blockTransfers}) + 1`;
  return [
    `INSERT INTO wallets (id, kind) ${CTE('r', cards)} SELECT ${wallet('n')}, 'ephemeral' FROM r`,
    `INSERT INTO cards (id, first_tag_id, ephemeral_wallet_id) ${CTE('r', cards)} SELECT ${cardId('n')}, ${tag('n')}, ${wallet('n')} FROM r`,
    `INSERT INTO terminals (id, place_id, name, public_key, genesis, last_seq, last_hash, created_at)
      ${CTE('r', tills)} SELECT ${till('n')}, '${plan.place}', 'History till ' || n, ${hex64('9f', 'n')}, ${hex64('9e', 'n')}, ${perTill}, ${entryHash('n', String(perTill))}, '${new Date(t0).toISOString()}' FROM r`,
    `INSERT INTO entries (id, terminal_id, seq, prev, hash, sig, body, received_at, status)
      ${CTE('r', entriesCount)}, ${entryOf}
      SELECT ${uuid7(`${t0} + g * ${plan.msPerEntry}`, '8', 'g')}, ${till('t')}, s, CASE WHEN s = 1 THEN ${hex64('9e', 't')} ELSE ${entryHash('t', 's - 1')} END,
        ${entryHash('t', 's')}, ${entryHash('t', 's')} || ${hex64('51', 'g')}, ${body}, ${entryAt('g')}, 'applied' FROM g`,
    `INSERT INTO transfers (seq, id, action, sender_wallet_id, receiver_wallet_id, asset_id, amount, card_id, primary_card_id, entry_id, at, till_at, meta, hash, block_height)
      ${CTE('r', transfersCount)}, ${transferOf}
      SELECT ${baseSeq + 1} + n, ${uuid7(`${t0} + g * ${plan.msPerEntry}`, '9', 'n')}, action,
        CASE action WHEN 'SAL' THEN ${wallet('c')} ELSE '${plan.originWallet}' END,
        CASE action WHEN 'CRE' THEN '${plan.originWallet}' WHEN 'REF' THEN ${wallet('c')} ELSE '${plan.placeWallet}' END,
        '${plan.asset}', CASE action WHEN 'SAL' THEN ${plan.sale} ELSE ${plan.topUp} END,
        ${cardId('c')}, '${plan.cashierCardId}', ${uuid7(`${t0} + g * ${plan.msPerEntry}`, '8', 'g')}, ${entryAt('g')}, ${entryAt('g')},
        CASE action WHEN 'SAL' THEN '{"lines":[{"label":"Bière pression","qty":1,"unit":${plan.sale}}]}' ELSE '{"payment":"cash"}' END,
        ${hex64('7a', `${baseSeq + 1} + n`)}, ${sealed} FROM z`,
    // The template's own transfers (the assets' FST) go into the first block, as the sealer would have put them.
    `UPDATE transfers SET hash = ${hex64('7a', 'seq')}, block_height = 1 WHERE seq > ${genesisLastSeq} AND seq <= ${baseSeq}`,
    `INSERT INTO blocks (height, prev, first_seq, last_seq, head, sealed_at, hash, sig)
      ${CTE('r', Math.ceil((transfersCount + baseSeq - genesisLastSeq) / plan.blockTransfers))}
      SELECT n + 1, CASE WHEN n = 0 THEN (SELECT hash FROM blocks WHERE height = 0) ELSE ${hex64('b1', 'n')} END,
        ${genesisLastSeq + 1} + n * ${plan.blockTransfers}, min(${genesisLastSeq} + (n + 1) * ${plan.blockTransfers}, ${baseSeq + transfersCount}),
        ${hex64('7a', `min(${genesisLastSeq} + (n + 1) * ${plan.blockTransfers}, ${baseSeq + transfersCount})`)},
        ${entryAt(`(n + 1) * ${Math.floor(plan.blockTransfers / 1.1)}`)}, ${hex64('b1', 'n + 1')}, ${hex64('5b', 'n')} || ${hex64('5b', 'n')} FROM r`,
    // Balances are the replay of the history (invariant 2).
    `INSERT INTO balances (wallet_id, asset_id, value)
      SELECT wallet, '${plan.asset}', sum(delta) FROM (
        SELECT receiver_wallet_id AS wallet, amount AS delta FROM transfers WHERE seq > ${baseSeq}
        UNION ALL SELECT sender_wallet_id, -amount FROM transfers WHERE seq > ${baseSeq} AND action <> 'CRE'
      ) GROUP BY wallet
      ON CONFLICT (wallet_id, asset_id) DO UPDATE SET value = value + excluded.value`,
  ];
}
