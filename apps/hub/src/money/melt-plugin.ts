import type { HubPlugin } from '../plugin';
import { sweepMelts } from './melt-sweep';

/**
 * The periodic melt sweep: books what melted on balances nobody touched. One
 * sweep at a time; stopped before the storage closes, waiting for a running one.
 */
export const meltSweepPlugin: HubPlugin = async (app, context, config) => {
  if (config.meltSweepMs <= 0) return;
  let running: Promise<void> | null = null;
  const timer = context.timers.every(config.meltSweepMs, () => {
    if (running) return;
    running = sweepMelts(context)
      .then((result) => {
        if (result.melts > 0) app.log.info(result, 'melt sweep');
      })
      .catch((error: unknown) => app.log.error({ err: error }, 'melt sweep failed, retrying at the next period'))
      .finally(() => {
        running = null;
      });
  });
  app.addHook('preClose', async () => {
    timer.cancel();
    await running;
  });
};
