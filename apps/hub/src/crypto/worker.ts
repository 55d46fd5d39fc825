import { parentPort } from 'node:worker_threads';
import { chainTransfers, verifySigned } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import type { CryptoJob, CryptoReply } from './pool';

parentPort!.on('message', (job: CryptoJob) => {
  let reply: CryptoReply;
  try {
    reply =
      job.kind === 'verify'
        ? { id: job.id, verdicts: job.entries.map((entry) => verifySigned(nodeCrypto, job.publicKey, entry)) }
        : { id: job.id, hashes: chainTransfers(nodeCrypto, job.previous, job.transfers) };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
