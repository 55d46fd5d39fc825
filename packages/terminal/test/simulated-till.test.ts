import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OFFLINE_POLICY, type AssetInfo, type CardState } from '@fedow/protocol';
import { readCardsCsv, startSimulatedTill, type SimulatedTill } from '../src';
import { cleanup, temporaryDirectory, uuid } from './helpers';
import { FakeHub, waitFor } from './support/fake-hub';

const LOCAL: AssetInfo = { id: uuid(0x10), name: 'Pinte', currencyCode: 'EUR', category: 'TLF', decimals: 2, archived: false, issuedHere: true };
const CARDS = readCardsCsv(join(import.meta.dirname, '../../../fixtures/demo/cards.csv')).slice(0, 20);

const hubs: FakeHub[] = [];
const tills: SimulatedTill[] = [];
afterEach(async () => {
  for (const till of tills.splice(0)) await till.stop();
  for (const hub of hubs.splice(0)) await hub.close();
  cleanup();
});

describe('simulated till', () => {
  it('pairs, then plays a bar and a top-up desk through the agent; the hub receives every entry once, in order', async () => {
    // Half the cards are nearly empty, so the bar sees declines as well as sales.
    const states: CardState[] = CARDS.map((uid, index) => ({
      card: uid,
      wallet: uuid(0xc000 + index),
      balances: { [LOCAL.id]: index % 2 === 0 ? 50_000 : 300 },
      blocked: false,
    }));
    const hub = await FakeHub.start({ policy: DEFAULT_OFFLINE_POLICY, assets: [LOCAL], primaries: ['CAFE0001'], cards: states });
    hubs.push(hub);
    hub.addPairingCode('BAR12345', uuid(0x91ace), 'Festival');
    hub.addPairingCode('DESK2345', uuid(0x91ace), 'Festival');
    const lines: string[] = [];
    const bar = await startSimulatedTill({
      hubUrl: hub.url, code: 'BAR12345', profile: 'bar', cards: CARDS, rate: 40, seed: 'bar',
      dataDir: join(temporaryDirectory(), 'bar'), log: (line) => lines.push(line), statusEveryMs: 100,
    });
    const desk = await startSimulatedTill({
      hubUrl: hub.url, code: 'DESK2345', profile: 'topup', cards: CARDS, rate: 20, seed: 'desk', dataDir: join(temporaryDirectory(), 'desk'),
    });
    tills.push(bar, desk);
    await waitFor(() => bar.state().approved >= 10 && bar.state().declined >= 2 && desk.state().approved >= 5, 15_000, 'load');
    await bar.stop();
    await desk.stop();
    const barState = bar.state();
    expect(barState.status).toBe('stopped');
    expect(Object.keys(barState.declines).every((code) => ['insufficient_funds', 'unknown_card'].includes(code))).toBe(true);
    expect(desk.state().declined).toBe(0);
    expect(lines.some((line) => line.startsWith('[Bar (simulated)] online ·'))).toBe(true);

    for (const till of hub.tills.values()) {
      expect(till.chain.map((entry) => entry.body.seq)).toEqual(till.chain.map((_, index) => index + 1));
      expect([...till.applied.values()].every((count) => count === 1)).toBe(true);
    }
    const kinds = [...hub.tills.values()].map((till) => new Set(till.chain.map((entry) => entry.body.kind)));
    expect(kinds).toEqual([new Set(['SAL']), new Set(['REF'])]);
  });
});
