/**
 * A card put in debt the way it happens for real: a till's offline-authorised
 * sale beyond the balance, signed and pushed through the hub's ingest path.
 */
import { randomBytes } from 'node:crypto';
import { genesisBody, type EntryBody } from '@fedow/protocol';
import { hashBody, publicKeyHex, signBody, uuidV7 } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import type { Hub } from '../../src/app';
import { Ingest } from '../../src/ingest/ingest';
import * as repo from '../../src/storage/repo';

/** Registers a till of `place` and pushes one offline SAL of `amount` on `card`, with `cashier` as its primary card. */
export async function offlineSale(hub: Hub, input: { place: string; cashier: string; card: string; asset: string; amount: number }): Promise<string[]> {
  const { context } = hub;
  const secretKey = randomBytes(32);
  const publicKey = publicKeyHex(nodeCrypto, secretKey);
  const id = context.newId();
  const genesis = hashBody(nodeCrypto, genesisBody(id, publicKey, input.place, context.key.publicKey));
  const at = context.clock.now().toISOString();
  await context.storage.transaction((tx) => repo.insertTerminal(tx, { id, placeId: input.place, name: `Till ${id.slice(0, 8)}`, publicKey, genesis, lastHash: genesis, createdAt: at }));
  const body: EntryBody = {
    v: 1,
    id: uuidV7(Date.now(), randomBytes(10)),
    terminal: id,
    seq: 1,
    prev: genesis,
    at,
    kind: 'SAL',
    asset: input.asset,
    amount: input.amount,
    card: input.card,
    primary: input.cashier,
    auth: 'offline',
  };
  const ingest = new Ingest(context, hub.app.cryptoPool);
  const entries = [{ body, ...signBody(nodeCrypto, secretKey, body) }];
  const outcome = await ingest.pushBatch(id, [ingest.check(publicKey, entries)]);
  if (outcome.kind !== 'acks') throw new Error(`offline sale refused: ${outcome.status}`);
  return outcome.acks[0]!.results.map((result) => result.reason ?? result.status);
}
