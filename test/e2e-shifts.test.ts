/**
 * A cashier shift end to end, with the real agent and a real hub: the shift opens
 * online with its float, the hub goes away, the till keeps taking cash and closes
 * the shift offline with its count; when the hub returns, the signed SHO/SHC
 * entries reach it in the till's chain, and the hub's shift (expected cash from
 * the ledger, the count, the difference) matches what the till showed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorReader } from '@fedow/nfc';
import { openAgent, type TillAgent } from '@fedow/terminal';
import { shiftsReport } from '../apps/hub/src/shifts/report';
import { CASHIER, FAST_SYNC, approved, journalEntries, startWorld, waitFor, type E2eWorld } from '../support/e2e';

describe('a cashier shift, online then offline', () => {
  let world: E2eWorld;
  let agent: TillAgent;
  let reader: SimulatorReader;
  let dataDir: string;

  beforeAll(async () => {
    world = await startWorld();
    reader = new SimulatorReader();
    const code = await world.pairingCode('A', 'Bar A 1');
    dataDir = `${world.directory('fedow-e2e-shifts-')}/till`;
    agent = openAgent({ dataDir, reader, syncTuning: FAST_SYNC, language: 'en' });
    agent.start();
    expect((await agent.pair(world.url, code, 'Bar A 1')).ok).toBe(true);
    await waitFor(() => agent.snapshot().sync.status === 'online' && agent.cache.primaries().has(CASHIER), 10_000, 'first snapshot');
  });

  afterAll(async () => {
    await agent?.close();
    await world?.close();
  });

  const shifts = async () => (await shiftsReport(world.hub.context, {})).shifts;

  it('opens with a float, counts cash in and out, closes offline and syncs the shift once', async () => {
    const { local } = world.seeded;
    const [a, b, c] = world.seeded.cards as [string, string, string];
    expect(agent.openShift({ total: 10_000 })).toMatchObject({ ok: false, code: 'locked' });
    reader.tap(CASHIER);

    // A float of 100 €: five 20 € notes.
    const opened = agent.openShift({ count: { '2000': 5 } });
    expect(opened).toMatchObject({ ok: true, shift: { float: 10_000, expected: 10_000, primary: CASHIER } });
    expect(agent.openShift({ total: 5_000 })).toMatchObject({ ok: false, code: 'shift_open' });

    approved(await agent.topUp({ amount: 3_000, payment: 'cash', asset: local }, a));
    approved(await agent.topUp({ amount: 2_000, payment: 'card', asset: local }, b));
    await waitFor(() => agent.cache.lookup(a) !== undefined, 10_000, 'card a in the cache');
    approved(await agent.sale({ amount: 500 }, a));
    expect(agent.snapshot().shift).toMatchObject({ float: 10_000, expected: 13_000 });
    await waitFor(async () => agent.snapshot().sync.pendingCount === 0 && (await shifts()).length === 1, 10_000, 'the opening on the hub');
    expect((await shifts())[0]).toMatchObject({ status: 'open', float: 10_000, floatCount: { '2000': 5 }, cashier: CASHIER });

    // Refunds need the hub: one now, while online.
    approved(await agent.refund({ amount: 1_000, asset: local }, a));
    expect(agent.snapshot().shift?.expected).toBe(12_000);
    await waitFor(() => agent.snapshot().sync.pendingCount === 0, 10_000, 'the refund acknowledged');

    await world.stop();
    await waitFor(() => agent.snapshot().sync.status !== 'online', 10_000, 'the till to notice the hub is gone');
    approved(await agent.topUp({ amount: 1_500, payment: 'cash', asset: local }, c));
    // 135.00 € expected; 134.50 € counted: 50 cents missing.
    const closed = agent.closeShift({ count: { '5000': 2, '2000': 1, '1000': 1, '200': 2, '50': 1 } });
    expect(closed).toMatchObject({ ok: true, shift: { float: 10_000, expected: 13_500, counted: 13_450, difference: -50 } });
    expect(agent.snapshot().shift).toBeNull();
    expect(agent.closeShift({ total: 0 })).toMatchObject({ ok: false, code: 'no_shift' });
    const pending = agent.journal.pending().map((entry) => entry.body.kind);
    expect(pending).toEqual(['REF', 'SHC']);
    expect(agent.journal.pending().at(-1)!.body).toMatchObject({ auth: 'offline', asset: null, amount: 13_450, meta: { shift: opened.ok ? opened.shift.id : '', expected: 13_500 } });

    await world.start();
    await waitFor(() => agent.snapshot().sync.status === 'online' && agent.snapshot().sync.pendingCount === 0, 15_000, 'the till to drain after the hub returned');
    const hubEntries = await world.entries(agent.snapshot().paired!.terminal);
    expect(hubEntries.map(({ seq, id, hash }) => ({ seq, id, hash }))).toEqual(journalEntries(agent));
    expect(hubEntries.every((entry) => entry.status === 'applied')).toBe(true);
    const [shift] = await shifts();
    expect(shift).toMatchObject({ status: 'closed', float: 10_000, expected: 13_500, tillExpected: 13_500, counted: 13_450, difference: -50, alert: false });
    expect((await world.verify()).firstDiscrepancy).toBeNull();

    // A new shift after a restart of the till: the journal, not memory, says none is open.
    await agent.close();
    agent = openAgent({ dataDir, reader: (reader = new SimulatorReader()), syncTuning: FAST_SYNC, language: 'en' });
    agent.start();
    expect(agent.snapshot().shift).toBeNull();
    reader.tap(CASHIER);
    expect(agent.openShift({ total: 5_000 })).toMatchObject({ ok: true, shift: { float: 5_000 } });
    await agent.close();
    agent = openAgent({ dataDir, reader: (reader = new SimulatorReader()), syncTuning: FAST_SYNC, language: 'en' });
    agent.start();
    expect(agent.snapshot().shift).toMatchObject({ float: 5_000, expected: 5_000 });
  }, 90_000);
});
