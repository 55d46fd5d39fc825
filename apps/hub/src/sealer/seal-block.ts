import { chainTransfers, signNextBlock, type Block, type TransferRecord } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { iso } from '../clock';
import type { HubContext } from '../context';
import { recordEvents } from '../outbox/events';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';
import { blockRecord, blockRow, transferRecord } from './records';

export interface SealedBlock {
  height: number;
  transfers: number;
}

/** Chains a block's transfer hashes: on the hub's crypto pool when it runs, inline for the CLI and tests. */
export type TransferHasher = (previous: Pick<Block, 'head' | 'lastSeq'>, transfers: readonly TransferRecord[]) => Promise<string[]>;

export const hashInline: TransferHasher = async (previous, transfers) => chainTransfers(nodeCrypto, previous, transfers);

interface PendingBlock {
  previous: Block;
  records: TransferRecord[];
}

/**
 * Seals the next block: reads the latest block and up to `transfersMax`
 * unsealed transfers after it, hashes them, then in ONE transaction checks the
 * latest block is still the one it read, writes the signed block and marks the
 * transfers.
 *
 * The reading and hashing happen before the transaction, on the read
 * connection: SQLite has one writer, and ingest should not wait while a block
 * of transfers is hashed. What was read is still the next block's content at
 * write time — committed transfers never change, seqs follow commit order, and
 * a racing sealer is caught by the height check (and the block's primary key).
 *
 * `partial`: seal fewer than `transfersMax` transfers (the time limit has passed);
 * otherwise a short batch waits for more. Returns null when nothing was sealed.
 */
export async function sealNextBlock(context: HubContext, transfersMax: number, partial: boolean, hash: TransferHasher = hashInline): Promise<SealedBlock | null> {
  if (!Number.isSafeInteger(transfersMax) || transfersMax < 1) throw new Error(`sealer: transfersMax must be a positive integer, got ${transfersMax}`);
  const { storage } = context;
  if (storage.readSeesUncommitted) {
    // One connection (an in-memory database): a read outside the transaction
    // could see an ingest's uncommitted transfers, so everything happens inside.
    return storage.transaction(async (tx) => {
      const pending = await pendingBlock(context, tx, transfersMax, partial);
      return pending && writeBlock(context, tx, pending, await hash(pending.previous, pending.records));
    });
  }
  const pending = await pendingBlock(context, storage.read, transfersMax, partial);
  if (!pending) return null;
  const hashes = await hash(pending.previous, pending.records);
  return storage.transaction(async (tx) => {
    const latest = await repo.latestBlock(tx);
    if (latest?.height !== pending.previous.height) throw new Error(`sealer: block ${pending.previous.height + 1} was sealed by another sealer meanwhile`);
    return writeBlock(context, tx, pending, hashes);
  });
}

async function pendingBlock(context: HubContext, tx: Tx, transfersMax: number, partial: boolean): Promise<PendingBlock | null> {
  // Most periods find nothing to seal: one small statement says so before whole rows are read.
  if ((await repo.transfersFollowLatestBlock(tx)) === false) return null;
  const latest = await repo.latestBlock(tx);
  // bootstrapIdentity writes the genesis block with the hub identity: none is a bug.
  if (!latest) throw new Error('sealer: the database has no genesis block');
  const rows = await repo.listTransfersAfter(tx, latest.lastSeq, transfersMax);
  if (rows.length === 0 || (!partial && rows.length < transfersMax)) return null;
  return { previous: blockRecord(latest, context.key.publicKey), records: rows.map(transferRecord) };
}

async function writeBlock(context: HubContext, tx: Tx, { previous, records }: PendingBlock, hashes: readonly string[]): Promise<SealedBlock> {
  const block = signNextBlock(nodeCrypto, context.key.secretKey, previous, records, hashes, iso(context.clock.now()));
  await repo.insertBlock(tx, blockRow(block));
  await repo.sealTransfers(tx, block.height, records.map((record, index) => ({ seq: record.seq, hash: hashes[index]! })));
  await recordEvents(tx, [{ type: 'block.sealed', data: { height: block.height, transfers: records.length, lastSeq: block.lastSeq, hash: block.hash } }], block.sealedAt);
  return { height: block.height, transfers: records.length };
}
