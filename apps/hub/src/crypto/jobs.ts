import { chainTransfers, verifySigned } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import type { CryptoJob, CryptoReply } from './pool';

/** One job of the crypto pool, wherever it runs: on a worker thread, or inline in a pool of no workers. */
export function runCryptoJob(job: CryptoJob): CryptoReply {
  try {
    return job.kind === 'verify'
      ? { id: job.id, verdicts: job.entries.map((entry) => verifySigned(nodeCrypto, job.publicKey, entry)) }
      : { id: job.id, hashes: chainTransfers(nodeCrypto, job.previous, job.transfers) };
  } catch (error) {
    return { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
}
