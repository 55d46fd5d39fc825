import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hub } from '../src/app';
import { sealNow } from '../src/sealer/plugin';
import { Sealer } from '../src/sealer/sealer';
import * as repo from '../src/storage/repo';
import type { VerifyProgress } from '../src/verify/types';
import { verifyChain } from '../src/verify/verify-chain';
import { runVerifyCommand } from '../src/verify/verify-command';
import { AT, seedLedger, tempHubs, writeOperatorTransfers, type Seeded } from './verify-fixture';

const hubs = tempHubs();
afterEach(() => hubs.closeAll());

/** A hub with a sealed ledger in blocks of 25 transfers. */
async function sealedHub(): Promise<{ hub: Hub; seeded: Seeded }> {
  const hub = await hubs.open(`sqlite:${join(hubs.dir(), 'fedow.sqlite')}`);
  const seeded = await seedLedger(hub, { cards: 12, salesPerCard: 3 });
  expect((await sealNow(hub.context, { transfersMax: 25 })).ok).toBe(true);
  return { hub, seeded };
}

function tamper(hub: Hub, query: SQL): Promise<void> {
  return hub.context.storage.transaction((tx) => tx.run(query));
}

async function oneNumber(hub: Hub, query: SQL): Promise<number> {
  const [row] = await hub.context.storage.read.all<{ n: number }>(query);
  return Number(row?.n);
}

describe('verifyChain', () => {
  it('verifies a sealed ledger, reports progress per phase and records the run', async () => {
    const { hub, seeded } = await sealedHub();
    const progress: VerifyProgress[] = [];
    const result = await verifyChain(hub.context, { onProgress: (step) => progress.push(step) });
    expect(result.firstDiscrepancy).toBeNull();
    expect(result.ok).toBe(true);
    expect(result.transfersChecked).toBe(1 + seeded.transfers);
    expect(result.blocksChecked).toBe(1 + Math.ceil((1 + seeded.transfers) / 25));
    expect(result.entriesChecked).toBe(seeded.entries);
    // Invariant 5 holds for a debt that an offline sale caused.
    expect(await oneNumber(hub, sql`select value as n from balances where wallet_id = ${seeded.debtor}`)).toBe(-400);
    expect(new Set(progress.map((step) => step.phase))).toEqual(new Set(['transfers', 'balances', 'entries', 'debts']));
    expect(progress.find((step) => step.phase === 'transfers' && step.done === step.total)).toBeDefined();
    const run = await repo.latestVerifyRun(hub.context.storage.read);
    expect(run).toMatchObject({ ok: true, firstDiscrepancy: null, transfersChecked: result.transfersChecked });
    expect(run?.finishedAt).not.toBeNull();
  });

  it('replays the unsealed tail as it is, without sealing it', async () => {
    const { hub, seeded } = await sealedHub();
    await writeOperatorTransfers(hub, seeded.asset, seeded.placeWallet, seeded.debtor, 30);
    const result = await verifyChain(hub.context);
    expect(result.firstDiscrepancy).toBeNull();
    expect(result.transfersChecked).toBe(1 + seeded.transfers + 30);
    expect(await oneNumber(hub, sql`select count(*) as n from transfers where block_height is null`)).toBe(30);
  });

  it('replays an unsealed tail longer than a page of reads (5,000 transfers)', async () => {
    const { hub, seeded } = await sealedHub();
    await writeOperatorTransfers(hub, seeded.asset, seeded.placeWallet, seeded.debtor, 5_100);
    const result = await verifyChain(hub.context);
    expect(result.firstDiscrepancy).toBeNull();
    expect(result.transfersChecked).toBe(1 + seeded.transfers + 5_100);
  }, 120_000);

  it('sees one snapshot while a sealer and writers run beside it', async () => {
    const { hub, seeded } = await sealedHub();
    const sealer = new Sealer(hub.context, { transfersMax: 7, msMax: 5 }, (error) => {
      throw error;
    });
    sealer.start();
    try {
      for (let round = 0; round < 5; round++) {
        const writing = writeOperatorTransfers(hub, seeded.asset, seeded.placeWallet, seeded.debtor, 20);
        const result = await verifyChain(hub.context);
        await writing;
        expect(result.firstDiscrepancy).toBeNull();
      }
    } finally {
      await sealer.stop();
    }
  });

  describe('finds each kind of tampering, at its place', () => {
    it('a transfer amount changed', async () => {
      const { hub } = await sealedHub();
      await tamper(hub, sql`update transfers set amount = amount + 1 where seq = 40`);
      expect((await verifyChain(hub.context)).firstDiscrepancy).toMatchObject({ kind: 'transfer_hash', seq: 40, height: 2 });
    });

    it('a transfer deleted', async () => {
      const { hub } = await sealedHub();
      await tamper(hub, sql`delete from transfers where seq = 30`);
      expect((await verifyChain(hub.context)).firstDiscrepancy).toMatchObject({ kind: 'transfer_hash', seq: 31, height: 2 });
    });

    it('the last transfer of a block deleted', async () => {
      const { hub } = await sealedHub();
      const last = (await repo.getBlock(hub.context.storage.read, 1))!.lastSeq;
      await tamper(hub, sql`delete from transfers where seq = ${last}`);
      expect((await verifyChain(hub.context)).firstDiscrepancy).toMatchObject({ kind: 'block_range', height: 1 });
    });

    it('a balance changed', async () => {
      const { hub, seeded } = await sealedHub();
      await tamper(hub, sql`update balances set value = value + 5 where wallet_id = ${seeded.placeWallet}`);
      const found = (await verifyChain(hub.context)).firstDiscrepancy;
      expect(found).toMatchObject({ kind: 'balance' });
      expect(found?.message).toContain(seeded.placeWallet);
    });

    it('a block signature changed', async () => {
      const { hub } = await sealedHub();
      await tamper(hub, sql`update blocks set sig = ${'0'.repeat(128)} where height = 2`);
      expect((await verifyChain(hub.context)).firstDiscrepancy).toMatchObject({ kind: 'block_signature', height: 2 });
    });

    it('an entry body changed (invariant 3)', async () => {
      const { hub, seeded } = await sealedHub();
      await tamper(hub, sql`update entries set body = replace(body, '"amount":101', '"amount":1') where terminal_id = ${seeded.terminal} and seq = 30`);
      expect(await oneNumber(hub, sql`select count(*) as n from entries where body like '%"amount":1,%'`)).toBe(1);
      expect((await verifyChain(hub.context)).firstDiscrepancy).toMatchObject({ kind: 'entry_hash', terminal: seeded.terminal, seq: 30 });
    });

    it("a terminal's head moved (invariant 3)", async () => {
      const { hub, seeded } = await sealedHub();
      await tamper(hub, sql`update terminals set last_seq = last_seq - 1 where id = ${seeded.terminal}`);
      expect((await verifyChain(hub.context)).firstDiscrepancy).toMatchObject({ kind: 'terminal_head', terminal: seeded.terminal, seq: seeded.entries });
    });

    it('an applied entry marked rejected: its transfers come from nowhere', async () => {
      const { hub, seeded } = await sealedHub();
      await tamper(hub, sql`update entries set status = 'rejected', reason = 'insufficient_funds' where terminal_id = ${seeded.terminal} and seq = 3`);
      expect((await verifyChain(hub.context)).firstDiscrepancy).toMatchObject({ kind: 'entry_transfers' });
    });

    it('a negative balance without an offline sale (invariant 5)', async () => {
      const hub = await hubs.open(`sqlite:${join(hubs.dir(), 'fedow.sqlite')}`);
      const seeded = await seedLedger(hub, { cards: 3, salesPerCard: 1 });
      const [victim] = await hub.context.storage.read.all<{ wallet: string; value: number }>(
        sql`select wallet_id as wallet, value from balances where asset_id = ${seeded.asset} and value > 0 and wallet_id <> ${seeded.placeWallet} limit 1`,
      );
      const amount = Number(victim!.value) + 500;
      // A sale that moves money consistently (replay and supply agree) but that no offline entry authorised.
      await tamper(
        hub,
        sql`insert into transfers (id, action, sender_wallet_id, receiver_wallet_id, asset_id, amount, at) values (${hub.context.newId()}, 'SAL', ${victim!.wallet}, ${seeded.placeWallet}, ${seeded.asset}, ${amount}, ${AT})`,
      );
      await tamper(hub, sql`update balances set value = value - ${amount} where wallet_id = ${victim!.wallet} and asset_id = ${seeded.asset}`);
      await tamper(hub, sql`update balances set value = value + ${amount} where wallet_id = ${seeded.placeWallet} and asset_id = ${seeded.asset}`);
      await sealNow(hub.context);
      const found = (await verifyChain(hub.context)).firstDiscrepancy;
      expect(found).toMatchObject({ kind: 'debt' });
      expect(found?.message).toContain(victim!.wallet);
    });

    it('records the failed run with its first discrepancy', async () => {
      const { hub } = await sealedHub();
      await tamper(hub, sql`update transfers set amount = amount + 1 where seq = 40`);
      await verifyChain(hub.context);
      const run = await repo.latestVerifyRun(hub.context.storage.read);
      expect(run?.ok).toBe(false);
      expect(run?.firstDiscrepancy).toMatch(/transfer_hash at block 2, seq 40/);
    });
  });
});

describe('fedow verify', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    return {
      out,
      err,
      restore() {
        stdout.mockRestore();
        stderr.mockRestore();
      },
    };
  }

  it('prints a summary and exits 0 on a sound chain, with a progress bar on request', async () => {
    const { hub, seeded } = await sealedHub();
    const output = capture();
    let code: number;
    try {
      code = await runVerifyCommand(hub.context, { json: false, progress: true });
    } finally {
      output.restore();
    }
    expect(code).toBe(0);
    expect(output.out.join('')).toMatch(new RegExp(`^chain OK: \\d+ blocks, ${1 + seeded.transfers} transfers, ${seeded.entries} entries verified in \\d+\\.\\d s\\n$`));
    expect(output.err.join('')).toMatch(/transfers +\[#+\]/);
  });

  it('prints the first discrepancy with its seq and exits 1; --json prints one object', async () => {
    const { hub } = await sealedHub();
    await tamper(hub, sql`update transfers set amount = amount + 1 where seq = 40`);
    const text = capture();
    let code: number;
    try {
      code = await runVerifyCommand(hub.context, { json: false, progress: false });
    } finally {
      text.restore();
    }
    expect(code).toBe(1);
    expect(text.out.join('')).toContain('chain BROKEN: transfer_hash at block 2, seq 40');
    const json = capture();
    try {
      code = await runVerifyCommand(hub.context, { json: true, progress: false });
    } finally {
      json.restore();
    }
    expect(code).toBe(1);
    expect(json.out).toHaveLength(1);
    expect(JSON.parse(json.out[0]!)).toMatchObject({ ok: false, firstDiscrepancy: { kind: 'transfer_hash', seq: 40, height: 2 } });
  });
});
