import pg from 'pg';
import { historyShape, type HistoryPlan } from './history-shape';

/**
 * The history of history-sqlite.ts, the same rows, written into PostgreSQL by
 * bulk SQL (generate_series, one transaction per table), the secondary indexes
 * dropped first and built again at the end.
 */
export async function writeHistoryPg(url: string, plan: HistoryPlan): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '1GB'`);
    await client.query(`SET synchronous_commit = off`);
    const indexes = (
      await client.query<{ name: string; sql: string }>(
        `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('entries', 'transfers', 'balances', 'cards', 'wallets')
          AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
      )
    ).rows;
    const base = Number((await client.query<{ seq: string }>('SELECT coalesce(max(seq), 0) AS seq FROM transfers')).rows[0]!.seq);
    const latest = (await client.query<{ height: string; last_seq: string }>('SELECT height, last_seq FROM blocks ORDER BY height DESC LIMIT 1')).rows[0]!;
    for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
    // Foreign keys are checked row by row: the rows are consistent by construction (history-shape.ts).
    await client.query(`SET session_replication_role = replica`);
    // The seeding hub's sealer may have sealed the assets' FST already: the history's blocks follow the latest.
    for (const statement of pgStatements(historyShape(plan), plan, base, { height: Number(latest.height), lastSeq: Number(latest.last_seq) })) await client.query(statement);
    await client.query(`SET session_replication_role = DEFAULT`);
    await client.query(`SELECT setval(pg_get_serial_sequence('transfers', 'seq'), (SELECT max(seq) FROM transfers))`);
    for (const index of indexes) await client.query(index.sql);
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

const SERIES = (count: number) => `WITH r AS (SELECT generate_series(0, ${count - 1})::bigint AS n)`;
const hexOf = (value: string, width: number) => `lpad(to_hex(${value}), ${width}, '0')`;
const hex64 = (prefix: string, value: string) => `('${prefix}' || ${hexOf(value, 62)})`;
const uuid7 = (ms: string, tag: string, counter: string) =>
  `(${hexOf(`(${ms}) / 65536`, 8)} || '-' || ${hexOf(`(${ms}) % 65536`, 4)} || '-7' || ${hexOf(`(${counter}) % 4096`, 3)} || '-${tag}' || ${hexOf(`(${counter}) % 4096`, 3)} || '-' || ${hexOf(counter, 12)})`;
const timeOf = (ms: string) => `to_char(to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function pgStatements(shape: ReturnType<typeof historyShape>, plan: HistoryPlan, baseSeq: number, latest: { height: number; lastSeq: number }): string[] {
  const genesisLastSeq = latest.lastSeq;
  const height0 = latest.height;
  const { tills, perTill, cards, entriesCount, transfersCount } = shape;
  const t0 = plan.startMs;
  const till = (n: string) => `('0b0b0b0b-0000-4000-8000-' || ${hexOf(n, 12)})`;
  const wallet = (c: string) => `('0c0c0c0c-0000-4000-8000-' || ${hexOf(c, 12)})`;
  const cardId = (c: string) => `('0d0d0d0d-0000-4000-8000-' || ${hexOf(c, 12)})`;
  const tag = (c: string) => `('B' || upper(${hexOf(c, 7)}))`;
  const entryHash = (t: string, s: string) => hex64('e0', `(${t}) * 4294967296 + (${s})`);
  const entryAt = (g: string) => timeOf(`${t0} + (${g}) * ${plan.msPerEntry}`);
  const entryOf = `g AS (SELECT n AS g, n % ${tills} AS t, n / ${tills} + 1 AS s, ((n % ${tills}) * 7919 + (n / ${tills} / 10) * 104729) % ${cards} AS c, (n / ${tills}) % 10 = 0 AS ref FROM r)`;
  const transferOf = `x AS (SELECT n, n / ${11 * tills} AS big, n % ${11 * tills} AS q FROM r),
    y AS (SELECT n, CASE WHEN q < ${2 * tills} THEN big * ${10 * tills} + q / 2 ELSE big * ${10 * tills} + ${tills} + q - ${2 * tills} END AS g,
      CASE WHEN q < ${2 * tills} THEN (CASE q % 2 WHEN 0 THEN 'CRE' ELSE 'REF' END) ELSE 'SAL' END AS action FROM x),
    z AS (SELECT n, g, action, g % ${tills} AS t, g / ${tills} + 1 AS s, ((g % ${tills}) * 7919 + (g / ${tills} / 10) * 104729) % ${cards} AS c FROM y)`;
  const body = `'{"amount":' || CASE WHEN ref THEN ${plan.topUp} ELSE ${plan.sale} END || ',"asset":"${plan.asset}","at":"' || ${entryAt('g')} || '","auth":"online","card":"' || ${tag('c')} || '","id":"' || ${uuid7(`${t0} + g * ${plan.msPerEntry}`, '8', 'g')} || '","kind":"' || CASE WHEN ref THEN 'REF' ELSE 'SAL' END || '","meta":' || CASE WHEN ref THEN '{"payment":"cash"}' ELSE '{"lines":[{"label":"Bière pression","qty":1,"unit":${plan.sale}}]}' END || ',"prev":"' || CASE WHEN s = 1 THEN ${hex64('9e', 't')} ELSE ${entryHash('t', 's - 1')} END || '","primary":"${plan.cashier}","seq":' || s || ',"terminal":"' || ${till('t')} || '","v":1}'`;
  const blocksCount = Math.ceil((transfersCount + baseSeq - genesisLastSeq) / plan.blockTransfers);
  const lastSeqOf = (n: string) => `least(${genesisLastSeq} + (${n} + 1) * ${plan.blockTransfers}, ${baseSeq + transfersCount})`;
  return [
    `INSERT INTO wallets (id, kind) ${SERIES(cards)} SELECT ${wallet('n')}, 'ephemeral' FROM r`,
    `INSERT INTO cards (id, first_tag_id, ephemeral_wallet_id) ${SERIES(cards)} SELECT ${cardId('n')}, ${tag('n')}, ${wallet('n')} FROM r`,
    `INSERT INTO terminals (id, place_id, name, public_key, genesis, last_seq, last_hash, created_at)
      ${SERIES(tills)} SELECT ${till('n')}, '${plan.place}', 'History till ' || n, ${hex64('9f', 'n')}, ${hex64('9e', 'n')}, ${perTill}, ${entryHash('n', String(perTill))}, '${new Date(t0).toISOString()}' FROM r`,
    `INSERT INTO entries (id, terminal_id, seq, prev, hash, sig, body, received_at, status)
      ${SERIES(entriesCount)}, ${entryOf}
      SELECT ${uuid7(`${t0} + g * ${plan.msPerEntry}`, '8', 'g')}, ${till('t')}, s, CASE WHEN s = 1 THEN ${hex64('9e', 't')} ELSE ${entryHash('t', 's - 1')} END,
        ${entryHash('t', 's')}, ${entryHash('t', 's')} || ${hex64('51', 'g')}, ${body}, ${entryAt('g')}, 'applied' FROM g`,
    `INSERT INTO transfers (seq, id, action, sender_wallet_id, receiver_wallet_id, asset_id, amount, card_id, primary_card_id, entry_id, at, till_at, meta, hash, block_height)
      OVERRIDING SYSTEM VALUE
      ${SERIES(transfersCount)}, ${transferOf}
      SELECT ${baseSeq + 1} + n, ${uuid7(`${t0} + g * ${plan.msPerEntry}`, '9', 'n')}, action,
        CASE action WHEN 'SAL' THEN ${wallet('c')} ELSE '${plan.originWallet}' END,
        CASE action WHEN 'CRE' THEN '${plan.originWallet}' WHEN 'REF' THEN ${wallet('c')} ELSE '${plan.placeWallet}' END,
        '${plan.asset}', CASE action WHEN 'SAL' THEN ${plan.sale} ELSE ${plan.topUp} END,
        ${cardId('c')}, '${plan.cashierCardId}', ${uuid7(`${t0} + g * ${plan.msPerEntry}`, '8', 'g')}, ${entryAt('g')}, ${entryAt('g')},
        CASE action WHEN 'SAL' THEN '{"lines":[{"label":"Bière pression","qty":1,"unit":${plan.sale}}]}' ELSE '{"payment":"cash"}' END,
        ${hex64('7a', `${baseSeq + 1} + n`)}, (n + ${baseSeq - genesisLastSeq}) / ${plan.blockTransfers} + ${height0 + 1} FROM z`,
    `INSERT INTO blocks (height, prev, first_seq, last_seq, head, sealed_at, hash, sig)
      ${SERIES(blocksCount)}
      SELECT n + ${height0 + 1}, CASE WHEN n = 0 THEN (SELECT hash FROM blocks WHERE height = ${height0}) ELSE ${hex64('b1', `n + ${height0}`)} END,
        ${genesisLastSeq + 1} + n * ${plan.blockTransfers}, ${lastSeqOf('n')}, ${hex64('7a', lastSeqOf('n'))},
        ${entryAt(`(n + 1) * ${Math.floor(plan.blockTransfers / 1.1)}`)}, ${hex64('b1', `n + ${height0 + 1}`)}, ${hex64('5b', 'n')} || ${hex64('5b', 'n')} FROM r`,
    `UPDATE transfers SET hash = ${hex64('7a', 'seq')}, block_height = ${height0 + 1} WHERE seq > ${genesisLastSeq} AND seq <= ${baseSeq}`,
    `INSERT INTO balances (wallet_id, asset_id, value)
      SELECT wallet, '${plan.asset}', sum(delta) FROM (
        SELECT receiver_wallet_id AS wallet, amount AS delta FROM transfers WHERE seq > ${baseSeq}
        UNION ALL SELECT sender_wallet_id, -amount FROM transfers WHERE seq > ${baseSeq} AND action <> 'CRE'
      ) AS moves GROUP BY wallet
      ON CONFLICT (wallet_id, asset_id) DO UPDATE SET value = balances.value + excluded.value`,
  ];
}
