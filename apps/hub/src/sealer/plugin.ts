import { BLOCK_TRANSFERS_MAX } from '@fedow/protocol';
import type { HubContext } from '../context';
import { declarePlugin } from '../plugin';
import { leadership } from './leader';
import { hashInline, sealNextBlock, type TransferHasher } from './seal-block';
import { Sealer, type SealRun } from './sealer';

/**
 * The sealer as a hub plugin: starts with the hub, and stops in `preClose` —
 * before any `onClose` hook, so the block being written commits before the
 * storage closes (app.ts registers `storage.close()` as an `onClose` hook).
 */
export const sealerPlugin = declarePlugin({ name: 'sealer' }, async (app, context, config) => {
  // The hub's crypto pool (app.ts) hashes off the main thread; a bare app hashes inline.
  const hash: TransferHasher = app.hasDecorator('cryptoPool') ? (previous, transfers) => app.cryptoPool.chainTransfers(previous, transfers) : hashInline;
  const sealer = new Sealer(
    context,
    { transfersMax: config.blockTransfersMax, msMax: config.blockMsMax },
    (error) => app.log.error({ err: error }, 'sealer: sealing failed, retrying at the next period'),
    hash,
  );
  context.sealer = sealer;
  sealer.start();
  app.addHook('preClose', async () => {
    if (context.sealer === sealer) context.sealer = null;
    await sealer.stop();
  });
});

/**
 * Seals every pending transfer now, in blocks of at most `transfersMax` (short
 * blocks included). Goes through the hub's running sealer when there is one
 * (its blockTransfersMax then applies, not `options.transfersMax`);
 * otherwise (a CLI, a test without the plugin) it takes the sealer's lock itself
 * for the duration. `{ok: false}` when another process holds the lock (PostgreSQL).
 *
 * `fedow verify` does not call this: it checks the unsealed tail as it is
 * (ChainVerifier.unsealed), so an audit never writes to the ledger it audits.
 */
export async function sealNow(context: HubContext, options: { transfersMax?: number } = {}): Promise<SealRun> {
  if (context.sealer) return context.sealer.flush(options.transfersMax);
  const transfersMax = options.transfersMax ?? BLOCK_TRANSFERS_MAX;
  const leader = leadership(context.storage);
  if (!(await leader.acquire())) return { ok: false, reason: 'another_sealer' };
  try {
    let blocks = 0;
    let transfers = 0;
    // Bounded by the pending transfers: every turn seals at least one, or returns.
    for (;;) {
      const sealed = await sealNextBlock(context, transfersMax, true);
      if (!sealed) return { ok: true, blocks, transfers };
      blocks++;
      transfers += sealed.transfers;
      context.events.emit('sealed', sealed);
    }
  } finally {
    await leader.release();
  }
}
