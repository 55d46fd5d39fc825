import { sealBlock } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { iso, type HubContext } from '../context';
import * as repo from '../storage/repo';
import { blockRecord, blockRow, transferRecord } from './records';

export interface SealedBlock {
  height: number;
  transfers: number;
}

/**
 * Seals the next block in ONE transaction: reads the latest block and up to
 * `transfersMax` unsealed transfers after it, hashes and signs them, writes the
 * block and marks the transfers. Reading the head inside the transaction makes a
 * racing sealer fail on the block's primary key instead of forking the chain.
 *
 * `partial`: seal fewer than `transfersMax` transfers (the time limit has passed);
 * otherwise a short batch waits for more. Returns null when nothing was sealed.
 */
export async function sealNextBlock(context: HubContext, transfersMax: number, partial: boolean): Promise<SealedBlock | null> {
  if (!Number.isSafeInteger(transfersMax) || transfersMax < 1) throw new Error(`sealer: transfersMax must be a positive integer, got ${transfersMax}`);
  return context.storage.transaction(async (tx) => {
    const latest = await repo.latestBlock(tx);
    // bootstrapIdentity writes the genesis block with the hub identity: none is a bug.
    if (!latest) throw new Error('sealer: the database has no genesis block');
    const rows = await repo.listTransfersAfter(tx, latest.lastSeq, transfersMax);
    if (rows.length === 0 || (!partial && rows.length < transfersMax)) return null;
    const previous = blockRecord(latest, context.key.publicKey);
    const { block, hashes } = sealBlock(nodeCrypto, context.key.secretKey, previous, rows.map(transferRecord), iso(context.clock.now()));
    await repo.insertBlock(tx, blockRow(block));
    await repo.sealTransfers(tx, block.height, rows.map((row, index) => ({ seq: row.seq, hash: hashes[index]! })));
    return { height: block.height, transfers: rows.length };
  });
}
