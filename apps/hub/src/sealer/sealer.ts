import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Timer } from '../clock';
import type { HubContext } from '../context';
import { leadership, type Leadership } from './leader';
import { hashInline, sealNextBlock, type TransferHasher } from './seal-block';

export interface SealerLimits {
  /** A block every this many transfers… */
  transfersMax: number;
  /** …or this long, whichever comes first. */
  msMax: number;
}

export type SealRun = { ok: true; blocks: number; transfers: number } | { ok: false; reason: 'another_sealer' };

/** Blocks one pass writes before it lets a new pass (and a stop) in: a limit on the loop. */
const BLOCKS_PER_PASS_MAX = 100;

/**
 * The background sealer (LEDGER.md, "Blocks"): off the hot path, it chains
 * committed transfers into hub-signed blocks. A timer seals whatever is pending
 * every `msMax`; ingest events wake it early when a full block's worth may be
 * waiting. Passes run one at a time; each block is one short transaction, and
 * the loop yields between blocks so ingest transactions (SQLite's single writer)
 * get their turn. Nothing lives in memory between blocks: after a crash, the
 * next start continues from the latest stored block.
 */
export class Sealer {
  private readonly leader: Leadership;
  private chain: Promise<unknown> = Promise.resolve();
  private queued: { partial: boolean } | null = null;
  private timer: Timer | null = null;
  private ingestedSinceWake = 0;
  private stopped = false;

  constructor(
    private readonly context: HubContext,
    private readonly limits: SealerLimits,
    private readonly onError: (error: unknown) => void,
    private readonly hash: TransferHasher = hashInline,
  ) {
    if (!Number.isSafeInteger(limits.transfersMax) || limits.transfersMax < 1) throw new Error('sealer: blockTransfersMax must be a positive integer');
    if (!Number.isFinite(limits.msMax) || limits.msMax < 1) throw new Error('sealer: blockMsMax must be a positive number of milliseconds');
    this.leader = leadership(context.storage);
  }

  start(): void {
    this.context.events.on('ingested', this.onIngested);
    this.arm();
  }

  /** Finishes the block being written (one transaction), then stops; no new pass starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.context.events.off('ingested', this.onIngested);
    this.timer?.cancel();
    this.timer = null;
    await this.chain;
    await this.leader.release();
  }

  /** Seals everything pending now, short blocks included (tests, `sealNow`), in blocks of at most `transfersMax`. */
  flush(transfersMax = this.limits.transfersMax): Promise<SealRun> {
    return this.serial(() => this.pass(true, Number.POSITIVE_INFINITY, transfersMax));
  }

  private readonly onIngested = ({ applied }: { applied: number }): void => {
    // Entries, not transfers (a top-up is two): a hint to look, not a count to trust.
    this.ingestedSinceWake += applied;
    if (this.ingestedSinceWake < this.limits.transfersMax) return;
    this.ingestedSinceWake = 0;
    this.wake(false);
  };

  /** The time limit: a timer per period, re-armed after each timed pass. */
  private arm(): void {
    if (this.stopped) return;
    this.timer = this.context.timers.after(this.limits.msMax, () => {
      this.timer = null;
      this.wake(true);
    });
  }

  /** Queues one pass; a pass already queued (not started) absorbs the request. */
  private wake(partial: boolean): void {
    if (this.stopped) return;
    if (this.queued) {
      this.queued.partial ||= partial;
      return;
    }
    const request = { partial };
    this.queued = request;
    void this.serial(async () => {
      this.queued = null;
      const run = await this.pass(request.partial, BLOCKS_PER_PASS_MAX, this.limits.transfersMax, true);
      if (run.ok && run.blocks === BLOCKS_PER_PASS_MAX) this.wake(request.partial);
      return run;
    })
      .catch(this.onError)
      .finally(() => {
        if (request.partial && this.timer === null) this.arm();
      });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.chain.then(task);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** `stopWhenShort`: a timed pass, done at its first short block; a flush seals until nothing is pending. */
  private async pass(partial: boolean, blocksMax: number, transfersMax = this.limits.transfersMax, stopWhenShort = false): Promise<SealRun> {
    let blocks = 0;
    let transfers = 0;
    if (this.stopped) return { ok: true, blocks, transfers };
    try {
      if (!(await this.leader.acquire())) return { ok: false, reason: 'another_sealer' };
      while (blocks < blocksMax) {
        const sealed = await sealNextBlock(this.context, transfersMax, partial, this.hash);
        if (!sealed) break;
        blocks++;
        transfers += sealed.transfers;
        this.context.events.emit('sealed', sealed);
        if (this.stopped) break;
        // A short block sealed everything pending when it was read. Going on would
        // chase the transfers committed since, one block (and one fsync) each: under
        // a steady stream of API sales, as many blocks as sales. They wait for the
        // next period, or for a full block's worth.
        if (partial && stopWhenShort && sealed.transfers < transfersMax) break;
        await yieldToEventLoop();
      }
      return { ok: true, blocks, transfers };
    } catch (error) {
      // The lock's connection may be what failed: start the next pass from scratch.
      await this.leader.release().catch(() => undefined);
      throw error;
    }
  }
}
