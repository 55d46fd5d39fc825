/** Blocks: the sealer seals transfers into them, and their chain is what `fedow verify` checks. */
import { asc, between, count, desc, eq, gt, sql } from 'drizzle-orm';
import { assert, chunks } from './batch';
import { selectRows, selectValues } from './fast-select';
import { prepared } from './prepared';
import type { Block } from './rows';
import type { Tx } from './types';

export async function insertBlock(tx: Tx, block: Block): Promise<void> {
  assert(tx.inTransaction, 'blocks are written inside storage.transaction()');
  await tx.db.insert(tx.t.blocks).values(block);
}

/**
 * The sealer's write: sets hash and block of unsealed transfers. A transfer already sealed is never rewritten: that is a bug, and it throws.
 */
export async function sealTransfers(
  tx: Tx,
  blockHeight: number,
  hashes: readonly { seq: number; hash: string }[],
): Promise<void> {
  assert(tx.inTransaction, 'sealing runs inside storage.transaction()');
  if (tx.sqlite) {
    // One cached statement run per transfer: on SQLite that is several times
    // cheaper than building and preparing a 2,000-parameter statement per block.
    const statement = prepared<[string, number, number]>(tx.sqlite, 'UPDATE transfers SET hash = ?, block_height = ? WHERE seq = ? AND hash IS NULL');
    for (const { seq, hash } of hashes) {
      assert(statement.run(hash, blockHeight, seq).changes === 1, `transfer ${seq} was sealed already or is missing`);
    }
    return;
  }
  // PostgreSQL: one UPDATE … FROM (VALUES …) per chunk, a join on seq (a CASE
  // with a branch per transfer cost time in the square of the block's size).
  // The seq range keeps the join on the block's slice of the primary key, so
  // the cost of a block does not grow with the ledger.
  for (const chunk of chunks(hashes, 2)) {
    const values = sql.join(
      chunk.map(({ seq, hash }) => sql`(CAST(${seq} AS BIGINT), CAST(${hash} AS TEXT))`),
      sql`, `,
    );
    const seqs = chunk.map(({ seq }) => seq);
    const updated = await tx.all<{ seq: number | string }>(sql`
      UPDATE transfers SET hash = v.column2, block_height = ${blockHeight}
      FROM (VALUES ${values}) AS v
      WHERE transfers.seq = v.column1 AND transfers.seq BETWEEN ${Math.min(...seqs)} AND ${Math.max(...seqs)} AND transfers.hash IS NULL
      RETURNING transfers.seq`);
    assert(updated.length === chunk.length, `sealed ${updated.length} of ${chunk.length} transfers: some were sealed already or missing`);
  }
}

/** The sealer reads it every period, busy or not: on SQLite without the query builder (fast-select.ts). */
export async function latestBlock(tx: Tx): Promise<Block | undefined> {
  const { blocks } = tx.t;
  if (tx.sqlite) return selectRows(tx.sqlite, blocks, 'order by "height" desc limit 1', [])[0];
  const [row] = await tx.db.select().from(blocks).orderBy(desc(blocks.height)).limit(1);
  return row;
}

export async function getBlock(tx: Tx, height: number): Promise<Block | undefined> {
  const { blocks } = tx.t;
  const [row] = await tx.db.select().from(blocks).where(eq(blocks.height, height));
  return row;
}

/** Blocks with height > afterHeight, in height order. */
export async function listBlocksAfter(tx: Tx, afterHeight: number, limit: number): Promise<Block[]> {
  const { blocks } = tx.t;
  return tx.db.select().from(blocks).where(gt(blocks.height, afterHeight)).orderBy(asc(blocks.height)).limit(limit);
}

/** The latest blocks, the highest first. */
export async function listLatestBlocks(tx: Tx, limit: number): Promise<Block[]> {
  const { blocks } = tx.t;
  return tx.db.select().from(blocks).orderBy(desc(blocks.height)).limit(limit);
}

/**
 * How many transfers each block holds. A block seals every transfer of its seq
 * range, so this counts the range on the primary key (seqs may skip values on
 * PostgreSQL: count, do not subtract).
 */
export async function countTransfersOfBlocks(tx: Tx, blocks: readonly Pick<Block, 'height' | 'firstSeq' | 'lastSeq'>[]): Promise<Map<number, number>> {
  const { transfers } = tx.t;
  const result = new Map<number, number>();
  for (const block of blocks) {
    if (block.height === 0) {
      result.set(0, 0);
      continue;
    }
    const [row] = await tx.db.select({ n: count() }).from(transfers).where(between(transfers.seq, block.firstSeq, block.lastSeq));
    result.set(block.height, row?.n ?? 0);
  }
  return result;
}

/**
 * Whether a transfer follows the latest block's range, in one small statement: the
 * sealer asks every period, and on an idle hub the answer is no. Undefined when
 * there is no block at all.
 */
export async function transfersFollowLatestBlock(tx: Tx): Promise<boolean | undefined> {
  const text = 'select (select "last_seq" from "blocks" order by "height" desc limit 1) as "last", (select max("seq") from "transfers") as "top"';
  let last: unknown;
  let top: unknown;
  if (tx.sqlite) [last, top] = selectValues(tx.sqlite, text, [])[0]!;
  else ({ last, top } = (await tx.all<{ last: unknown; top: unknown }>(sql.raw(text)))[0]!);
  if (last === null || last === undefined) return undefined;
  // PostgreSQL answers bigints as strings.
  return top !== null && top !== undefined && Number(top) > Number(last);
}

/** Transfers the sealer has not put in a block yet: those after the latest block's range. */
export async function countUnsealedTransfers(tx: Tx): Promise<number> {
  const { transfers, blocks } = tx.t;
  const [latest] = await tx.db.select({ lastSeq: blocks.lastSeq }).from(blocks).orderBy(desc(blocks.height)).limit(1);
  const [row] = await tx.db.select({ n: count() }).from(transfers).where(gt(transfers.seq, latest?.lastSeq ?? 0));
  return row?.n ?? 0;
}
