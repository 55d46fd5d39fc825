/**
 * A till through the real PC/SC stack: pcscd + vsmartcard's vpcd driver + our
 * virtual card (@fedow/hardware) + nfc-pcsc, driving the real agent, synced to a
 * real hub. The cashier card opens the session, a visitor card pays, the hub's
 * balance moves; then the reader vanishes (pcscd stops) and comes back, and the
 * next tap works without restarting the till.
 *
 * It runs its own pcscd (as packages/nfc/test/pcsc-reattach does) so that stopping
 * it disturbs no other test. In CI (or FEDOW_PCSC=required) a missing stack fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCard, privatePcscdUnsupported, startPrivatePcscd, type PrivatePcscd } from '@fedow/hardware';
import { createPcscReader, type CardReader } from '@fedow/nfc';
import type { Outcome, TillAgent } from '@fedow/terminal';
import { CASHIER, approved, startWorld, waitFor, type E2eWorld } from '../support/e2e';

const READER = 'Virtual PCD 00 00';
const PCSC_REQUIRED = Boolean(process.env.CI) || process.env.FEDOW_PCSC === 'required';
const unsupported = privatePcscdUnsupported();
if (unsupported && !PCSC_REQUIRED) {
  console.warn(`[e2e-pcsc] PC/SC stack absent, test skipped: ${unsupported}. Run scripts/ci/pcsc.sh, or set CI / FEDOW_PCSC=required to make this a failure.`);
}

describe.skipIf(unsupported !== null && !PCSC_REQUIRED)('a till on the PC/SC stack, synced to a real hub', () => {
  let world: E2eWorld;
  let pcscd: PrivatePcscd | null = null;
  let reader: CardReader;
  let agent: TillAgent;

  beforeAll(async () => {
    if (unsupported) throw new Error(`PC/SC stack required here but absent: ${unsupported}`);
    const started = await startPrivatePcscd();
    if (!started.ok) throw new Error(started.reason);
    pcscd = started.pcscd;
    const created = await createPcscReader({ socketPath: pcscd.socketPath, reconnectMs: 100 });
    if (!created.ok) throw new Error(created.reason);
    reader = created.reader;
    world = await startWorld();
    agent = await world.pairAgent({ place: 'A', name: 'Bar A (PC/SC)', reader });
    await waitFor(() => agent.snapshot().reader.readers.includes(READER), 10_000, `the agent to see ${READER}`);
  });

  afterAll(async () => {
    // The world closes the agent, and the agent its reader.
    await world?.close();
    await pcscd?.dispose();
  });

  /** Puts a card on the reader until the agent has acted on it, then takes it off. */
  async function present(uid: string, acted: () => boolean, what: string): Promise<void> {
    const card = await insertCard({ uid, port: pcscd!.port });
    try {
      await waitFor(acted, 10_000, what);
    } finally {
      await card.remove();
    }
  }

  async function tapFor(pending: Promise<Outcome>, uid: string): Promise<Outcome> {
    let outcome: Outcome | undefined;
    void pending.then((value) => (outcome = value));
    await present(uid, () => outcome !== undefined, `a decision on ${uid}`);
    return outcome!;
  }

  it('unlocks with the cashier card, journals a tapped sale, syncs it, and the hub balance changes', async () => {
    const { local } = world.seeded;
    const visitor = world.seeded.cards[0]!;
    expect(agent.snapshot().reader).toMatchObject({ kind: 'pcsc', connected: true });

    await present(CASHIER, () => agent.snapshot().session?.primary === CASHIER, 'the cashier card to open a session');

    const topUp = approved(await tapFor(agent.topUp({ amount: 5_000, payment: 'cash', asset: local }), visitor));
    expect(topUp).toMatchObject({ kind: 'REF', card: visitor, auth: 'online' });
    await waitFor(() => agent.cache.lookup(visitor)?.state.balances[local] === 5_000, 10_000, 'the funded card in the cache');

    const sale = approved(await tapFor(agent.sale({ lines: [{ label: 'Bière', qty: 2, unit: 350 }] }), visitor));
    expect(sale).toMatchObject({ kind: 'SAL', card: visitor, total: 700, auth: 'online' });
    const [entry] = agent.journal.entriesFrom(sale.entries[0]!.seq, 1);
    expect(entry?.body).toMatchObject({ kind: 'SAL', card: visitor, amount: 700, asset: local, primary: CASHIER, meta: { lines: [{ label: 'Bière', qty: 2, unit: 350 }] } });

    await waitFor(() => agent.snapshot().sync.pendingCount === 0, 10_000, 'the sale acknowledged');
    expect(await world.balance(visitor, local)).toBe(4_300);
  });

  it('works again after the reader disappeared and came back, without restarting the till', async () => {
    const { local } = world.seeded;
    const visitor = world.seeded.cards[0]!;
    await pcscd!.stop();
    await waitFor(() => !agent.snapshot().reader.connected, 10_000, 'the agent to see the reader gone');
    await pcscd!.start();
    await waitFor(() => agent.snapshot().reader.readers.includes(READER), 15_000, 'the agent to see the reader back');

    const sale = approved(await tapFor(agent.sale({ amount: 300 }), visitor));
    expect(sale).toMatchObject({ kind: 'SAL', card: visitor, total: 300 });
    await waitFor(() => agent.snapshot().sync.pendingCount === 0, 10_000, 'the second sale acknowledged');
    expect(await world.balance(visitor, local)).toBe(4_000);
  });
});
