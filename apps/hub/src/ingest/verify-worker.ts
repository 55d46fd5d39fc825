import { parentPort } from 'node:worker_threads';
import type { WireEntry } from '@fedow/protocol';
import { verifySigned } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';

parentPort!.on('message', (job: { id: number; publicKey: string; entries: WireEntry[] }) => {
  const verdicts = job.entries.map((entry) => verifySigned(nodeCrypto, job.publicKey, entry));
  parentPort!.postMessage({ id: job.id, verdicts });
});
