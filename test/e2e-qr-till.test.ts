/**
 * The till's side of paying by QR code, on a real agent and hub: the code pays
 * only a sale waiting for a card, only online; each case is declined in words
 * and nothing is journaled or stored. `fedow verify` passes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, publicKeyHex, signBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { SimulatorReader } from '@fedow/nfc';
import { PAY_TOKEN_PURPOSE, encodePayToken } from '@fedow/protocol';
import type { Outcome, TillAgent } from '@fedow/terminal';
import { topUp } from '../apps/hub/src/money/topup';
import { findOrCreateUser } from '../apps/hub/src/money/users';
import { registerWalletKey } from '../apps/hub/src/money/wallet-requests';
import * as repo from '../apps/hub/src/storage/repo';
import { CASHIER, startWorld, waitFor, type E2eWorld } from '../support/e2e';

const KEY = fromHex('d4'.repeat(32));

describe('a payment QR code at the till', () => {
  let world: E2eWorld;
  let agent: TillAgent;
  let wallet: string;
  const decisions: Outcome[] = [];

  beforeAll(async () => {
    world = await startWorld({ cards: 2 });
    agent = await world.pairAgent({ place: 'A', name: 'Bar QR', reader: new SimulatorReader() });
    agent.subscribe((event) => {
      if (event.type === 'decision') decisions.push(event.outcome);
    });
    expect(agent.unlock(CASHIER).ok).toBe(true);
    const context = world.hub.context;
    wallet = (await findOrCreateUser(context, 'qr@example.org')).wallet;
    await registerWalletKey(context, wallet, publicKeyHex(nodeCrypto, KEY));
    expect((await topUp(context, { source: { kind: 'operator', name: 'test' }, idempotencyKey: 'fund-qr', asset: world.seeded.fed, amount: 1000, wallet, reference: 'VIR-E2E-QR' })).status).toBe('applied');
  }, 60_000);

  afterAll(async () => {
    await agent?.close();
    await world?.close();
  });

  function code(): string {
    const body = { purpose: PAY_TOKEN_PURPOSE as typeof PAY_TOKEN_PURPOSE, v: 1 as const, wallet, nonce: randomBytes(16).toString('hex'), expires: new Date(Date.now() + 60_000).toISOString() };
    return encodePayToken({ body, sig: signBody(nodeCrypto, KEY, body).sig });
  }

  const fedOf = async (id: string) => (await repo.loadWalletBalances(world.hub.context.storage.read, [id])).find((row) => row.assetId === world.seeded.fed)?.value ?? 0;

  async function next(): Promise<Outcome> {
    const seen = decisions.length;
    await waitFor(() => decisions.length > seen, 20_000, 'a decision');
    return decisions[seen]!;
  }

  it('without a sale waiting, a scanned code is declined and the cashier told what to do', async () => {
    const outcome = next();
    agent.wedgeLine(code());
    expect(await outcome).toMatchObject({ approve: false, code: 'qr_no_sale', reason: 'Enter the amount and press Charge, then scan the code' });
  });

  it('pays the armed sale online, and is declined offline with nothing journaled or stored', async () => {
    const sale = agent.sale({ amount: 300 });
    agent.wedgeLine(code());
    expect(await sale).toMatchObject({ approve: true, kind: 'QRS', total: 300, auth: 'online', card: wallet });
    expect(agent.journal.head()?.seq ?? 0).toBe(0);

    await world.stop();
    await waitFor(() => agent.snapshot().sync.status !== 'online', 10_000, 'the till offline');
    const offline = agent.sale({ amount: 300 });
    agent.wedgeLine(code());
    expect(await offline).toMatchObject({ approve: false, code: 'qr_offline', reason: 'Payment by QR code needs the network' });
    await world.start();
    await waitFor(() => agent.snapshot().sync.status === 'online', 15_000, 'the till online again');
    // One QRS of 3.00 applied, nothing of the offline attempt; the till's journal never held either.
    expect(await fedOf(wallet)).toBe(700);
    expect(agent.journal.head()?.seq ?? 0).toBe(0);
    expect((await world.verify()).firstDiscrepancy).toBeNull();
  });
});
