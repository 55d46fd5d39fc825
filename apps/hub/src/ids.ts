/**
 * The hub's ids (UUIDv7): the hub is their only writer. Owned by the hub's
 * context (one source per context), so two hubs in one process — tests, the
 * simulation — share no state.
 */
import { randomBytes } from 'node:crypto';
import { uuidV7 } from '@fedow/ledger';
import type { Clock } from './clock';

// Ids are drawn by the hundred per push: one call to the random source per
// 1,000 ids instead of one per id (it showed in the ingest profile).
const RANDOM_POOL_BYTES = 10 * 1_000;
const RANDOM_BYTES_PER_ID = 10;

/** Time-ordered ids from `clock`, their random part drawn from a pool refilled every 1,000 ids. */
export function idSource(clock: Clock): () => string {
  let pool = randomBytes(RANDOM_POOL_BYTES);
  let offset = 0;
  return () => {
    if (offset + RANDOM_BYTES_PER_ID > RANDOM_POOL_BYTES) {
      pool = randomBytes(RANDOM_POOL_BYTES);
      offset = 0;
    }
    const random = pool.subarray(offset, offset + RANDOM_BYTES_PER_ID);
    offset += RANDOM_BYTES_PER_ID;
    return uuidV7(clock.now().getTime(), random);
  };
}
