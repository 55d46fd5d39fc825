import { randomBytes } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { EntryBody } from '@fedow/protocol';
import { fromHex, signBody, uuidV7 } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { entryFields, type ChainJob } from './chains';

/** Builds and signs one till's chain, as a till would: seq 1…count, each linked to the previous hash. */
parentPort!.on('message', (job: ChainJob) => {
  const secretKey = fromHex(job.secretKeyHex);
  const out: string[] = new Array(job.count);
  let prev = job.genesis;
  const now = Date.now();
  for (let index = 0; index < job.count; index++) {
    const fields = entryFields(job, index);
    const body: EntryBody = {
      v: 1,
      id: uuidV7(now, randomBytes(10)),
      terminal: job.terminal,
      seq: index + 1,
      prev,
      at: new Date(now + index).toISOString(),
      kind: fields.kind,
      asset: job.asset,
      amount: fields.amount,
      card: fields.card,
      primary: job.cashier,
      auth: 'online',
      ...(fields.kind === 'SAL' ? { meta: { lines: [{ label: 'Bière pression', qty: 1, unit: 350 }] } } : { meta: { payment: 'cash' as const } }),
    };
    const signed = signBody(nodeCrypto, secretKey, body);
    out[index] = JSON.stringify({ body, hash: signed.hash, sig: signed.sig });
    prev = signed.hash;
  }
  parentPort!.postMessage(out);
});
