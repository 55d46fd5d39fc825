import { ChainVerifier, type Block, type TransferRecord } from '@fedow/ledger';
import { blockRecord, transferRecord } from '../sealer/records';
import * as repo from '../storage/repo';
import type { Transfer } from '../storage/rows';
import type { Tx } from '../storage/types';
import type { Progress, VerifyDiscrepancy } from './types';

const BLOCKS_PER_PAGE = 1_000;
const TRANSFERS_PER_PAGE = 5_000;
/**
 * More transfers than this under one block header is a header that lies (the sealer
 * writes at most blockTransfersMax, 1,000 by default): refuse before holding them all.
 */
const BLOCK_TRANSFERS_READ_MAX = 100_000;

/** Reads transfers in seq order, a page at a time, handing them out by seq ranges. */
class TransferStream {
  private buffer: Transfer[] = [];
  private index = 0;
  private cursor = 0;
  private exhausted = false;

  constructor(private readonly tx: Tx) {}

  private async next(): Promise<Transfer | undefined> {
    if (this.index === this.buffer.length && !this.exhausted) {
      this.buffer = await repo.listTransfersAfter(this.tx, this.cursor, TRANSFERS_PER_PAGE);
      this.index = 0;
      this.exhausted = this.buffer.length < TRANSFERS_PER_PAGE;
      const last = this.buffer.at(-1);
      if (last) this.cursor = last.seq;
    }
    return this.buffer[this.index];
  }

  /** Transfers with seq ≤ lastSeq not yet taken, or null past `max`. */
  async through(lastSeq: number, max: number): Promise<Transfer[] | null> {
    const taken: Transfer[] = [];
    for (let row = await this.next(); row !== undefined && row.seq <= lastSeq; row = await this.next()) {
      if (taken.length === max) return null;
      taken.push(row);
      this.index++;
    }
    return taken;
  }

  /**
   * The next page of whatever is left (the unsealed tail); empty at the end. A full
   * page is a page, not a refusal: `through` answers null past its maximum, which
   * here ended the walk early and left a tail of more than a page unreplayed.
   */
  async page(): Promise<Transfer[]> {
    const taken: Transfer[] = [];
    for (let row = await this.next(); row !== undefined && taken.length < TRANSFERS_PER_PAGE; row = await this.next()) {
      taken.push(row);
      this.index++;
    }
    return taken;
  }
}

/** A tampered meta column may not even be JSON: that is a discrepancy, not a crash. */
function records(rows: readonly Transfer[], height?: number): TransferRecord[] | VerifyDiscrepancy {
  const result: TransferRecord[] = [];
  for (const row of rows) {
    try {
      result.push(transferRecord(row));
    } catch {
      return { kind: 'transfer_hash', seq: row.seq, height, message: `transfer ${row.seq}: meta is not a JSON object` };
    }
  }
  return result;
}

/**
 * Invariant 4 (and the replay of invariant 2): every block in height order with
 * the transfers of its seq range, then the transfers after the last block, which
 * are not sealed yet and are replayed without hashes.
 */
export async function checkTransfers(
  tx: Tx,
  verifier: ChainVerifier,
  hub: string,
  total: number,
  progress: Progress,
): Promise<{ blocks: number; discrepancy: VerifyDiscrepancy | null }> {
  const stream = new TransferStream(tx);
  let blocks = 0;
  let lastHeight = -1;
  for (;;) {
    const page = await repo.listBlocksAfter(tx, lastHeight, BLOCKS_PER_PAGE);
    for (const row of page) {
      const block: Block = blockRecord(row, hub);
      const rows = await stream.through(block.lastSeq, BLOCK_TRANSFERS_READ_MAX);
      if (rows === null) return { blocks, discrepancy: { kind: 'block_range', height: block.height, message: `block ${block.height} claims more than ${BLOCK_TRANSFERS_READ_MAX} transfers` } };
      const transfers = records(rows, block.height);
      if (!Array.isArray(transfers)) return { blocks, discrepancy: transfers };
      const discrepancy = verifier.block(block, transfers);
      if (discrepancy) return { blocks, discrepancy };
      blocks++;
      lastHeight = block.height;
      progress({ phase: 'transfers', done: verifier.transfersChecked, total });
    }
    if (page.length < BLOCKS_PER_PAGE) break;
  }
  for (let rows = await stream.page(); rows.length > 0; rows = await stream.page()) {
    const transfers = records(rows);
    if (!Array.isArray(transfers)) return { blocks, discrepancy: transfers };
    const discrepancy = verifier.unsealed(transfers);
    if (discrepancy) return { blocks, discrepancy };
    progress({ phase: 'transfers', done: verifier.transfersChecked, total });
  }
  return { blocks, discrepancy: null };
}
